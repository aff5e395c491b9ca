// Bad input gets a clear one-line error naming the file, loses nothing already read, and
// never crashes (the sanitizer build runs this too). Each bad file is made from a real
// fixture: cut, relabelled, or its packets scrambled.
#include "packets/capturereader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace tcpscope;

namespace {
const QString kFixture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");
const QString kMultiLink =
    QStringLiteral(TCPSCOPE_CORPUS_DIR "/zeek__ldap__gap-data-missing.pcapng");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void refusedAtOpen_data();
    void refusedAtOpen();
    void truncatedKeepsWhatWasRead_data();
    void truncatedKeepsWhatWasRead();
    void scrambledPacketsNeverCrash();
    void cliSaysWhatHappened();
    void cliReadsStandardInput();

private:
    QString write(const QString &name, const QByteArray &bytes);
    QTemporaryDir m_dir;
    QByteArray m_good;
};

QString TestBadInput::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path;
}

void TestBadInput::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_good = readAll(kFixture);
    QVERIFY(m_good.size() > 200);
}

void TestBadInput::refusedAtOpen_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::newRow("text file") << QByteArray("GET / HTTP/1.1\r\nHost: example\r\n\r\n")
                               << u"not a pcap or pcapng capture"_qs;
    QTest::newRow("empty") << QByteArray() << u"empty, or cut off inside its file header"_qs;
    QTest::newRow("half a header")
        << m_good.left(11) << u"empty, or cut off inside its file header"_qs;
    QByteArray user0 = m_good;
    user0[20] = char(147); // the link type field of the pcap file header: LINKTYPE_USER0
    QTest::newRow("foreign link type") << user0 << u"link type 147"_qs;
}

void TestBadInput::refusedAtOpen()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const QString path = write(QStringLiteral("bad.pcap"), bytes);
    CaptureReader reader;
    QString error;
    QVERIFY(!reader.open(path, &error));
    QVERIFY2(error.startsWith(path + u':'), qPrintable(error)); // names the file
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(!error.contains(u'\n'));
}

void TestBadInput::truncatedKeepsWhatWasRead_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("cut");
    for (int cut : {1, 10, 40, 100})
        QTest::addRow("pcap minus %d", cut) << kFixture << cut;
    if (QFile::exists(kMultiLink)) {
        for (int cut : {1, 100, 5000})
            QTest::addRow("several-link pcapng minus %d", cut) << kMultiLink << cut;
    }
}

void TestBadInput::truncatedKeepsWhatWasRead()
{
    QFETCH(QString, source);
    QFETCH(int, cut);
    const QByteArray whole = readAll(source);
    CaptureReader full;
    QString error;
    TcpTracker all;
    QVERIFY(full.open(source, &error) && full.read(all, &error));

    const QString path =
        write(QStringLiteral("cut.") + source.section(u'.', -1), whole.left(whole.size() - cut));
    CaptureReader reader;
    QVERIFY2(reader.open(path, &error), qPrintable(error));
    TcpTracker tracker;
    QVERIFY(!reader.read(tracker, &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(": cut off after packet")), qPrintable(error));
    QVERIFY2(error.contains(u"are kept"), qPrintable(error));
    // Every packet before the cut was read and tracked, none after it.
    QVERIFY(reader.stats().packets < full.stats().packets);
    QVERIFY(reader.stats().packets >= 1);
    QVERIFY(tracker.changes().size() <= all.changes().size());
    for (std::size_t i = 0; i < tracker.changes().size(); ++i)
        QCOMPARE(tracker.changes()[i].to, all.changes()[i].to);
}

void TestBadInput::scrambledPacketsNeverCrash()
{
    // Keep the pcap record headers, scramble the bytes inside: every decoder path meets
    // lengths that lie. Must not crash or read out of bounds (ASan), and must account for
    // every packet.
    QRandomGenerator rng(20261124);
    for (int round = 0; round < 200; ++round) {
        QByteArray bytes = m_good;
        std::size_t off = 24;
        while (off + 16 <= std::size_t(bytes.size())) {
            std::uint32_t caplen;
            std::memcpy(&caplen, bytes.constData() + off + 8, 4);
            const std::size_t start = off + 16;
            const std::size_t end =
                std::min<std::size_t>(start + caplen, std::size_t(bytes.size()));
            const int flips = 1 + int(rng.bounded(8));
            for (int k = 0; k < flips && end > start; ++k)
                bytes[qsizetype(start + rng.bounded(quint32(end - start)))] =
                    char(rng.bounded(256));
            off = start + caplen;
        }
        const QString path = write(QStringLiteral("scrambled.pcap"), bytes);
        CaptureReader reader;
        QString error;
        QVERIFY2(reader.open(path, &error), qPrintable(error));
        TcpTracker tracker;
        reader.read(tracker, &error);
        tracker.finish(reader.stats().lastTimeNs);
        std::uint64_t skipped = 0;
        for (std::uint64_t n : reader.stats().skipped)
            skipped += n;
        QCOMPARE(reader.stats().tcpPackets + skipped, reader.stats().packets);
    }
}

void TestBadInput::cliSaysWhatHappened()
{
    const QString path = write(QStringLiteral("cut-for-cli.pcap"), m_good.left(m_good.size() - 10));
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"), {QStringLiteral("summarize"), path});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
    QVERIFY2(err.startsWith(QStringLiteral("tcpscope-cli summarize: ") + path
                            + QStringLiteral(": cut off after packet")),
             qPrintable(err));
    QCOMPARE(err.count(u'\n'), 0);
    // What was read before the cut is still printed, as valid JSON.
    QJsonParseError perr;
    const QJsonObject doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &perr).object();
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
    QVERIFY(doc[u"packets"].toInt() > 0);
    QVERIFY(!doc[u"connections"].toArray().isEmpty());

    QProcess missing;
    missing.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
                  {QStringLiteral("summarize"), m_dir.filePath(u"nope.pcap"_qs)});
    QVERIFY(missing.waitForFinished(30000));
    QCOMPARE(missing.exitCode(), 1);
    QVERIFY(QString::fromLocal8Bit(missing.readAllStandardError()).contains(u"nope.pcap"));
}

void TestBadInput::cliReadsStandardInput()
{
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {QStringLiteral("summarize"), QStringLiteral("-")});
    QVERIFY(p.waitForStarted());
    p.write(m_good);
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonObject doc = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    CaptureReader reader;
    QString error;
    TcpTracker tracker;
    QVERIFY(reader.open(kFixture, &error) && reader.read(tracker, &error));
    QCOMPARE(doc[u"packets"].toInt(), int(reader.stats().packets));
    QCOMPARE(doc[u"connections"].toArray().size(), int(tracker.connections().size()));
}

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
