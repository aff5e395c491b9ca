// Files are streamed, and what is not a regular file is not read unless asked: /dev/zero and
// /dev/urandom through the window's real open path (openCaptureFile, in a child process that
// reports its peak RSS) are refused at once, or read to a clear error in bounded memory when
// allowed; a 512 MiB pcap and a 256 MiB pcapng that needs tcpscope's own reader are read
// with a peak RSS far below their size; a named pipe with no writer, or a silent one, does
// not block tcpscope-cli summarize/export, tcpscope --export or the window's open path.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace {

#ifdef __SANITIZE_ADDRESS__
constexpr bool kSanitized = true; // the default build checks the memory bounds
#else
constexpr bool kSanitized = false;
#endif

const QString kFixture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");
const QString kTool = QStringLiteral(TCPSCOPE_TOOLS_DIR "/open_capture_rss");
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kGui = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope");

struct Run
{
    bool finished = false;
    int exitCode = -1;
    QString out, err;
    qint64 ms = 0;
    QMap<QString, QString> fields; // open_capture_rss's key=value lines

    long peakMb() const { return fields.value(u"vmhwm_kb"_qs).toLong() / 1024; }
};

// Runs a program; one still running after timeoutMs is a hang: any reader blocked opening
// `fifo` is released (a writer opens and closes it), the program is killed.
Run run(const QString &program, const QStringList &args, int timeoutMs, const QString &fifo = {})
{
    Run r;
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    r.finished = p.waitForFinished(timeoutMs);
    r.ms = t.elapsed();
    if (!r.finished) {
        if (!fifo.isEmpty()) {
            const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0)
                ::close(fd);
        }
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    for (const QString &line : r.out.split(u'\n')) {
        const qsizetype eq = line.indexOf(u'=');
        if (eq > 0)
            r.fields.insert(line.left(eq), line.mid(eq + 1));
    }
    return r;
}

void put32(QByteArray &b, quint32 v) { b.append(reinterpret_cast<const char *>(&v), 4); }

QByteArray pcapngBlock(quint32 type, const QByteArray &body)
{
    QByteArray b;
    put32(b, type);
    put32(b, quint32(12 + body.size()));
    b.append(body);
    put32(b, quint32(12 + body.size()));
    return b;
}

QByteArray interfaceBlock(quint16 linkType, quint32 snaplen)
{
    QByteArray body;
    body.append(reinterpret_cast<const char *>(&linkType), 2);
    body.append(2, '\0');
    put32(body, snaplen);
    return pcapngBlock(1, body);
}

} // namespace

class TestStreamInput : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void devicesRefusedAtOnce_data();
    void devicesRefusedAtOnce();
    void devicesAllowedEndInBoundedMemory_data();
    void devicesAllowedEndInBoundedMemory();
    void largeSparsePcapInBoundedMemory();
    void largePcapngOfOwnReaderInBoundedMemory();
    void fifoDoesNotBlock_data();
    void fifoDoesNotBlock();
    void fifoReadWhenAllowed();

private:
    QTemporaryDir m_dir;
};

void TestStreamInput::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFile::exists(kTool));
}

void TestStreamInput::devicesRefusedAtOnce_data()
{
    QTest::addColumn<QString>("device");
    QTest::newRow("/dev/zero") << u"/dev/zero"_qs;
    QTest::newRow("/dev/urandom") << u"/dev/urandom"_qs;
}

void TestStreamInput::devicesRefusedAtOnce()
{
    QFETCH(QString, device);
    const Run r = run(kTool, {u"--limit-mb"_qs, u"1024"_qs, device}, 20000);
    QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.err));
    const QString error = r.fields.value(u"error"_qs);
    QVERIFY2(error.contains(device + u" is a character device, not a regular file"_qs),
             qPrintable(error));
    QVERIFY2(error.contains(u"--allow-special-files"), qPrintable(error));
    QVERIFY2(r.fields.value(u"session_error"_qs).isEmpty(), qPrintable(r.out));
    if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
        QVERIFY2(r.peakMb() < 64, qPrintable(r.out));
}

void TestStreamInput::devicesAllowedEndInBoundedMemory_data() { devicesRefusedAtOnce_data(); }

// Read when asked: the header is looked at first, so an endless device ends at once.
void TestStreamInput::devicesAllowedEndInBoundedMemory()
{
    QFETCH(QString, device);
    const Run r =
        run(kTool, {u"--allow-special-files"_qs, u"--limit-mb"_qs, u"1024"_qs, device}, 20000);
    QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.err + r.out)); // no bad_alloc
    QVERIFY2(r.ms < 10000, qPrintable(QString::number(r.ms)));
    const QString error = r.fields.value(u"error"_qs);
    QVERIFY2(error.startsWith(device + u": not a pcap or pcapng capture"_qs), qPrintable(error));
    if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
        QVERIFY2(r.peakMb() < 64, qPrintable(r.out));
    // The session reader alone looks at the header first too (it read the whole file).
    const Run s = run(kTool, {u"--session-only"_qs, u"--limit-mb"_qs, u"1024"_qs, device}, 20000);
    QVERIFY2(s.finished && s.exitCode == 0, qPrintable(s.err + s.out)); // no bad_alloc
    QVERIFY2(s.ms < 10000, qPrintable(QString::number(s.ms)));
    if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
        QVERIFY2(s.peakMb() < 64, qPrintable(s.out));
}

// A pcap of 32 Mi empty records (a sparse file: a header, then zeros): libpcap reads each as
// a packet of 0 bytes. The window's open path must not hold the file in memory.
void TestStreamInput::largeSparsePcapInBoundedMemory()
{
    const QString path = m_dir.filePath(u"sparse.pcap"_qs);
    QFile good(kFixture);
    QVERIFY(good.open(QIODevice::ReadOnly));
    const QByteArray header = good.read(24);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(header);
    const qint64 records = 32LL << 20;
    QVERIFY(f.resize(24 + 16 * records));
    f.close();
    const Run r = run(kTool, {path}, 300000);
    QFile::remove(path);
    QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.err + r.out));
    QCOMPARE(r.fields.value(u"packets"_qs).toLongLong(), records);
    if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
        QVERIFY2(r.peakMb() < 128, qPrintable(r.out)); // the file is 512 MiB
    qInfo("512 MiB sparse pcap: peak RSS %ld MB, %lld ms", r.peakMb(), r.ms);
}

// Two interfaces of different link types: libpcap refuses it, PcapngFile reads it. 4,096
// packets of 64 KiB (RAW frames that are not IP: skipped), 256 MiB in all.
void TestStreamInput::largePcapngOfOwnReaderInBoundedMemory()
{
    const QString path = m_dir.filePath(u"big.pcapng"_qs);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray shb;
    put32(shb, 0x1A2B3C4D);
    shb.append("\x01\x00\x00\x00", 4);
    shb.append(8, '\xff');
    f.write(pcapngBlock(0x0A0D0D0A, shb));
    f.write(interfaceBlock(101, 65536)); // RAW
    f.write(interfaceBlock(1, 262144));  // Ethernet
    QByteArray epb;
    put32(epb, 0);
    put32(epb, 0);
    put32(epb, 1000);
    put32(epb, 65536);
    put32(epb, 65536);
    epb.append(65536, '\0');
    const QByteArray block = pcapngBlock(6, epb);
    const int packets = 4096;
    for (int i = 0; i < packets; ++i)
        QCOMPARE(f.write(block), qint64(block.size()));
    f.close();
    const Run r = run(kTool, {path}, 300000);
    QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.fields.value(u"error"_qs).isEmpty(), qPrintable(r.out));
    QCOMPARE(r.fields.value(u"packets"_qs).toInt(), packets);
    if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
        QVERIFY2(r.peakMb() < 128, qPrintable(r.out));
    qInfo("256 MiB pcapng (own reader), window's path: peak RSS %ld MB", r.peakMb());
    // The command line streams it too (GNU time reports the peak in KB).
    if (QFile::exists(u"/usr/bin/time"_qs)) {
        const Run cli = run(u"/usr/bin/time"_qs,
                            {u"-f"_qs, u"peak_kb=%M"_qs, kCli, u"summarize"_qs, path}, 300000);
        QVERIFY2(cli.finished && cli.exitCode == 0, qPrintable(cli.err));
        const long peakKb = cli.err.section(u"peak_kb="_qs, 1).trimmed().toLong();
        QVERIFY2(peakKb > 0, qPrintable(cli.err));
        if (!kSanitized) // ASan keeps shadow memory and a quarantine: RSS means nothing there
            QVERIFY2(peakKb < 128 * 1024, qPrintable(cli.err));
        qInfo("the same, tcpscope-cli summarize: peak RSS %ld MB", peakKb / 1024);
    }
    QFile::remove(path);
}

void TestStreamInput::fifoDoesNotBlock_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("silentWriter");
    const QString out = m_dir.filePath(u"out.csv"_qs);
    for (const bool silent : {false, true}) {
        const char *who = silent ? "silent writer" : "no writer";
        QTest::addRow("summarize, %s", who) << kCli << QStringList{u"summarize"_qs} << silent;
        QTest::addRow("export, %s", who)
            << kCli << QStringList{u"export"_qs, u"connections"_qs} << silent;
        QTest::addRow("tcpscope --export, %s", who)
            << kGui << QStringList{u"--export"_qs, u"counts="_qs + out, u"--from"_qs} << silent;
        QTest::addRow("window's open path, %s", who) << kTool << QStringList{} << silent;
    }
}

void TestStreamInput::fifoDoesNotBlock()
{
    QFETCH(QString, program);
    QFETCH(QStringList, args);
    QFETCH(bool, silentWriter);
    const QString fifo = m_dir.filePath(u"capture.fifo"_qs);
    QFile::remove(fifo);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    // O_RDWR on a FIFO opens at once on Linux: a writer that never writes.
    const int writer = silentWriter ? ::open(QFile::encodeName(fifo).constData(), O_RDWR) : -1;
    QVERIFY(!silentWriter || writer >= 0);
    const Run r = run(program, args << fifo, 15000, fifo);
    if (writer >= 0)
        ::close(writer);
    QVERIFY2(r.finished, "still waiting on the FIFO after 15 s");
    const QString said = program == kTool ? r.fields.value(u"error"_qs) : r.err;
    QCOMPARE(r.exitCode, program == kTool ? 0 : 1);
    QVERIFY2(said.contains(fifo + u" is a named pipe (FIFO), not a regular file"_qs),
             qPrintable(said));
    QVERIFY2(said.contains(u"--allow-special-files"), qPrintable(said));
    QVERIFY2(!QFile::exists(m_dir.filePath(u"out.csv"_qs)), "nothing is written");
}

// Asked to, the command line reads a named pipe as a stream, exactly as the file.
void TestStreamInput::fifoReadWhenAllowed()
{
    const QString fifo = m_dir.filePath(u"allowed.fifo"_qs);
    QFile::remove(fifo);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QFile source(kFixture);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    std::thread writer([&] {
        QFile w(fifo);
        if (w.open(QIODevice::WriteOnly))
            w.write(bytes);
    });
    const Run piped = run(kCli, {u"summarize"_qs, u"--allow-special-files"_qs, fifo}, 30000, fifo);
    writer.join();
    QVERIFY2(piped.finished && piped.exitCode == 0, qPrintable(piped.err));
    const Run direct = run(kCli, {u"summarize"_qs, kFixture}, 30000);
    const QJsonObject a = QJsonDocument::fromJson(piped.out.toUtf8()).object();
    const QJsonObject b = QJsonDocument::fromJson(direct.out.toUtf8()).object();
    QVERIFY(a[u"packets"].toInt() > 0);
    QCOMPARE(a[u"packets"], b[u"packets"]);
    QCOMPARE(a[u"connections"].toArray(), b[u"connections"].toArray());
}

QTEST_GUILESS_MAIN(TestStreamInput)
#include "tst_streaminput.moc"
