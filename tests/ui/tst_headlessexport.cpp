// Headless `tcpscope --export` with no readable source exits 1 with the reason, as
// tcpscope-cli does, instead of 0 with an empty picture: no kernel table at all (netlink
// refused by a seccomp filter, /proc/net/tcp not there), a missing file, a file that is not
// a capture; a damaged (cut off) capture exports what was read (the same rows as
// `tcpscope-cli export` gives), says where it stopped and exits 1, as tcpscope-cli does.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kGui = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope");
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kWithoutNetlink = QStringLiteral(TCPSCOPE_TOOLS_DIR "/without_netlink");
const QString kClientClose = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

struct Run
{
    int code = -1;
    QString err;
};

Run run(const QString &program, const QStringList &args,
        const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(60000))
        p.kill();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestHeadlessExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void noKernelTable_data();
    void noKernelTable();
    void unreadableCapture_data();
    void unreadableCapture();
    void damagedCaptureExportsWhatWasRead_data();
    void damagedCaptureExportsWhatWasRead();
    void ladderOfAConnection();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestHeadlessExport::noKernelTable_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("table") << u"table=%1"_qs.arg(path(u"table.png"_qs));
    QTest::newRow("counts") << u"counts=%1"_qs.arg(path(u"counts.csv"_qs));
    QTest::newRow("diagram") << u"diagram=%1"_qs.arg(path(u"diagram.svg"_qs));
}

void TestHeadlessExport::noKernelTable()
{
    QFETCH(QString, kind);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"TCPSCOPE_PROC_ROOT"_qs, u"/nonexistent"_qs);
    const Run r = run(kWithoutNetlink, {kGui, u"--export"_qs, kind}, env);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"no socket table is available"), qPrintable(r.err));
    QVERIFY(!QFile::exists(kind.section(u'=', 1)));
}

void TestHeadlessExport::unreadableCapture_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("says");
    QTest::newRow("missing") << u"/nonexistent/capture.pcap"_qs << u"No such file"_qs;
    QTest::newRow("not a capture")
        << QStringLiteral(TCPSCOPE_SOURCE_DIR "/README.md") << u"not a pcap or pcapng capture"_qs;
}

void TestHeadlessExport::unreadableCapture()
{
    QFETCH(QString, from);
    QFETCH(QString, says);
    for (const QString &kind :
         {u"table=%1"_qs.arg(path(u"t.png"_qs)), u"counts=%1"_qs.arg(path(u"c.csv"_qs))}) {
        const Run r = run(kGui, {u"--export"_qs, kind, u"--from"_qs, from});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(from) && r.err.contains(says), qPrintable(r.err));
        QVERIFY(!QFile::exists(kind.section(u'=', 1)));
    }
}

void TestHeadlessExport::damagedCaptureExportsWhatWasRead_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("ext");
    QTest::newRow("counts") << u"counts"_qs << u"csv"_qs;
    QTest::newRow("connections") << u"connections"_qs << u"json"_qs;
}

void TestHeadlessExport::damagedCaptureExportsWhatWasRead()
{
    QFETCH(QString, kind);
    QFETCH(QString, ext);
    const QByteArray good = readAll(kClientClose);
    QVERIFY(good.size() > 200);
    const QString cut = path(u"cut.pcap"_qs);
    QFile f(cut);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(good.left(good.size() - 10)); // the last record cut in half
    f.close();
    const QString gui = path(u"gui."_qs + ext), cli = path(u"cli."_qs + ext);
    const Run r = run(kGui, {u"--export"_qs, u"%1=%2"_qs.arg(kind, gui), u"--from"_qs, cut});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(cut + u": cut off after packet"_qs), qPrintable(r.err));
    QVERIFY2(r.err.contains(u"what was read is exported"), qPrintable(r.err));
    const Run c = run(kCli, {u"export"_qs, kind, cut, u"-o"_qs, cli});
    QCOMPARE(c.code, 1);
    const QList<QByteArray> rows = readAll(gui).split('\n');
    QVERIFY(rows.size() > 3);
    QCOMPARE(rows.size(), readAll(cli).split('\n').size());
}

// `tcpscope --export ladder=FILE --from CAPTURE --connection N`: the ladder's SVG holds its
// labels and both ends' states; segments=FILE its rows; --segment picks one, and says when
// there is no such segment.
void TestHeadlessExport::ladderOfAConnection()
{
    const QString svg = path(u"ladder.svg"_qs), csv = path(u"segments.csv"_qs);
    const QString window = path(u"window.png"_qs);
    Run r = run(kGui, {u"--export"_qs, u"ladder="_qs + svg, u"--export"_qs, u"segments="_qs + csv,
                       u"--export"_qs, u"window="_qs + window, u"--from"_qs, kClientClose,
                       u"--connection"_qs, u"0"_qs, u"--segment"_qs, u"8"_qs});
    QCOMPARE(r.code, 0);
    const QString text = QString::fromUtf8(readAll(svg));
    for (const char *label : {"SYN seq=0 win=65495", "SYN,ACK seq=0 ack=1 win=65483",
                              "FIN,ACK seq=19 ack=25 win=65536", "TIME_WAIT", "LAST_ACK"})
        QVERIFY2(text.contains(QLatin1String(label)), label);
    const QList<QByteArray> rows = readAll(csv).trimmed().split('\n');
    QCOMPARE(rows.size(), 12); // the header and the 11 segments
    QVERIFY(rows.first().startsWith("packet,time,sender,flags,seq,ack,len,window"));
    QVERIFY2(rows.last().contains(",TIME_WAIT,CLOSED,"), rows.last().constData());
    QVERIFY(QFile::exists(window));
    r = run(kGui, {u"--export"_qs, u"ladder="_qs + svg, u"--from"_qs, kClientClose,
                   u"--connection"_qs, u"0"_qs, u"--segment"_qs, u"11"_qs});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"has 11 segments (0 to 10)"), qPrintable(r.err));
    r = run(kGui, {u"--export"_qs, u"ladder="_qs + svg, u"--from"_qs, kClientClose});
    QCOMPARE(r.code, 1); // no connection selected: nothing to draw
}

QTEST_GUILESS_MAIN(TestHeadlessExport)
#include "tst_headlessexport.moc"
