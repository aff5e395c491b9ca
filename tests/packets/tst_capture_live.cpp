// Live capture through the helper, as root: tcpscope-capture on lo while the test opens and
// closes a real connection; the transitions arrive through the pipe. Without the privilege,
// the one clear message; and an interface that vanishes mid-capture.
#include "support/loopsockets.h"
#include "support/netns.h"
#include "support/pcapfeed.h"
#include "support/smalltmpfs.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-capture");
} // namespace

class TestCaptureLive : public QObject
{
    Q_OBJECT
private slots:
    void transitionsArriveThroughThePipe();
    void withoutPrivilegeSaysHowToGrantIt();
    void vanishedInterfaceIsReported();
    void stopsWhenItsReaderGoesAway();
    void fullDiskStopsAndSays();
    void killedHelperIsSaid();
};

void TestCaptureLive::transitionsArriveThroughThePipe()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("live.pcap"));
    QProcess cli;
    cli.start(kCli, {QStringLiteral("capture"), QStringLiteral("-i"), QStringLiteral("lo"),
                     QStringLiteral("-f"), QStringLiteral("tcp port %1").arg(port),
                     QStringLiteral("--duration"), QStringLiteral("3"), QStringLiteral("--format"),
                     QStringLiteral("json"), QStringLiteral("-w"), saved});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("capturing on lo"), 5000);
    QTest::qWait(300); // the helper's socket is open before it says so; give the ring a moment

    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QVERIFY(c >= 0 && a >= 0);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);

    QVERIFY(cli.waitForFinished(10000));
    err += cli.readAllStandardError();
    QCOMPARE(cli.exitCode(), 0);
    QVERIFY2(err.contains("dropped=0"), err.constData()); // drops are reported
    QStringList seen;
    for (const QByteArray &line : cli.readAllStandardOutput().split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject t = QJsonDocument::fromJson(line).object();
        seen << t[u"role"].toString() + u':' + t[u"from"].toString() + u'>' + t[u"to"].toString();
    }
    for (const char *want :
         {"client:CLOSED>SYN_SENT", "client:SYN_SENT>ESTABLISHED", "server:LISTEN>SYN_RECEIVED",
          "server:SYN_RECEIVED>ESTABLISHED", "client:ESTABLISHED>FIN_WAIT_1",
          "server:ESTABLISHED>CLOSE_WAIT", "server:LAST_ACK>CLOSED"})
        QVERIFY2(seen.contains(QLatin1String(want)),
                 qPrintable(QLatin1String(want) + QStringLiteral(" not in ") + seen.join(u", ")));
    QVERIFY2(seen.filter(QStringLiteral("client:")).filter(QStringLiteral(">TIME_WAIT")).size()
                 == 1,
             qPrintable(seen.join(u", ")));

    // The saved packets tell the same story.
    QProcess summary;
    summary.start(kCli, {QStringLiteral("summarize"), saved});
    QVERIFY(summary.waitForFinished(10000));
    QCOMPARE(summary.exitCode(), 0);
    const QJsonObject doc = QJsonDocument::fromJson(summary.readAllStandardOutput()).object();
    QCOMPARE(doc[u"connections"].toArray().size(), 1);
}

void TestCaptureLive::withoutPrivilegeSaysHowToGrantIt()
{
    QStringList command{kHelper, QStringLiteral("-i"), QStringLiteral("lo")};
    if (::geteuid() == 0) // drop root for this one: nobody, no capabilities
        command = QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=65534"),
                              QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                              QStringLiteral("--inh-caps=-all")}
                  + command;
    QProcess helper;
    helper.start(command.first(), command.mid(1));
    QVERIFY(helper.waitForFinished(10000));
    QCOMPARE(helper.exitCode(), 3);
    const QString err = QString::fromLocal8Bit(helper.readAllStandardError());
    QVERIFY2(err.contains(u"no permission to capture on lo"), qPrintable(err));
    QVERIFY2(err.contains(u"setcap cap_net_raw,cap_net_admin+ep"), qPrintable(err));

    // tcpscope-cli passes the message on and fails with it; nothing else breaks.
    QStringList cliCommand{kCli,
                           QStringLiteral("capture"),
                           QStringLiteral("-i"),
                           QStringLiteral("lo"),
                           QStringLiteral("--duration"),
                           QStringLiteral("1")};
    if (::geteuid() == 0)
        cliCommand = command.mid(0, 5) + cliCommand;
    QProcess cli;
    cli.start(cliCommand.first(), cliCommand.mid(1));
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitCode(), 3);
    QVERIFY(QString::fromLocal8Bit(cli.readAllStandardError())
                .contains(u"setcap cap_net_raw,cap_net_admin+ep"));
}

void TestCaptureLive::vanishedInterfaceIsReported()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: the interface that vanishes lives in a network namespace of the test's "
              "own");
    TestNetns ns(QStringLiteral("cap"));
    QVERIFY(ns.ok());
    QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("add"),
                      QStringLiteral("v0"), QStringLiteral("type"), QStringLiteral("veth"),
                      QStringLiteral("peer"), QStringLiteral("name"), QStringLiteral("v1")}),
             0);
    QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"),
                      QStringLiteral("v0"), QStringLiteral("up")}),
             0);
    QProcess cli;
    cli.start(QStringLiteral("ip"),
              {QStringLiteral("netns"), QStringLiteral("exec"), ns.name(), kCli,
               QStringLiteral("capture"), QStringLiteral("-i"), QStringLiteral("v0")});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("capturing on v0"), 5000);
    QCOMPARE(ns.exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("del"),
                      QStringLiteral("v0")}),
             0);
    QVERIFY(cli.waitForFinished(10000));
    err += cli.readAllStandardError();
    QCOMPARE(cli.exitCode(), 6);
    QVERIFY2(err.contains("capture on v0 stopped"), err.constData());
}

void TestCaptureLive::stopsWhenItsReaderGoesAway()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    // `head` reads the 24-byte pcap file header and exits; with no traffic on the filter, the
    // helper must still notice that its reader is gone and stop cleanly.
    QProcess pipeline;
    pipeline.start(
        QStringLiteral("bash"),
        {QStringLiteral("-c"),
         QStringLiteral("set -o pipefail; '%1' -i lo -f 'tcp port 9' | head -c 24 >/dev/null")
             .arg(kHelper)});
    QVERIFY(pipeline.waitForFinished(5000));
    QCOMPARE(pipeline.exitStatus(), QProcess::NormalExit);
    QCOMPARE(pipeline.exitCode(), 0);
}

// -w on a real full filesystem (a tmpfs left with 24 KB free): the capture stops by itself,
// says so and how many packets the file holds, exits 1, and the file ends at a whole record.
void TestCaptureLive::fullDiskStopsAndSays()
{
    if (::geteuid() != 0)
        QSKIP("needs root: live capture, and mounting a small tmpfs");
    tcpscope::test::SmallTmpfs disk(256);
    QVERIFY(disk.isMounted());
    QVERIFY(disk.fillLeaving(24 * 1024));
    LoopSockets s;
    const int l = s.listen("127.0.0.1", 128);
    const int port = LoopSockets::port(l);
    const QString saved = disk.path(QStringLiteral("live.pcap"));
    QProcess cli;
    cli.start(kCli, {QStringLiteral("capture"), QStringLiteral("-i"), QStringLiteral("lo"),
                     QStringLiteral("-f"), QStringLiteral("tcp port %1").arg(port),
                     QStringLiteral("-w"), saved});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("capturing on lo"), 5000);
    QTest::qWait(300);
    // ~1 KB of packets per connection: far more than fits.
    for (int i = 0; i < 400 && !cli.waitForFinished(1); ++i) {
        const int c = s.connect("127.0.0.1", port);
        const int a = s.accept(l);
        QVERIFY(c >= 0 && a >= 0);
        s.close(c);
        QVERIFY(LoopSockets::drainToEof(a));
        s.close(a);
        cli.readAllStandardOutput();
    }
    const bool stoppedByItself = cli.state() == QProcess::NotRunning || cli.waitForFinished(10000);
    if (!stoppedByItself)
        cli.kill();
    QVERIFY2(stoppedByItself, "the capture went on with its file full");
    err += cli.readAllStandardError();
    QCOMPARE(cli.exitCode(), 1);
    QVERIFY2(err.contains("No space left on device"), err.constData());
    QVERIFY2(err.contains("the capture was stopped"), err.constData());
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("holds the first (\\d+) packets"))
            .match(QString::fromLocal8Bit(err));
    QVERIFY2(m.hasMatch(), err.constData());
    const tcpscope::test::PcapRecords file = tcpscope::test::splitPcap(saved);
    qint64 whole = file.header.size();
    for (const QByteArray &r : file.records) {
        std::uint32_t caplen = 0;
        std::memcpy(&caplen, r.constData() + 8, 4);
        QCOMPARE(r.size(), qsizetype(16 + caplen));
        whole += r.size();
    }
    QCOMPARE(whole, QFileInfo(saved).size()); // no record cut in half
    QVERIFY(!file.records.empty());
    QCOMPARE(qsizetype(file.records.size()), m.captured(1).toLongLong());
}

// The helper killed (kill -9) mid-capture: the CLI says that it died and how, keeps what it
// printed, and exits non-zero.
void TestCaptureLive::killedHelperIsSaid()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    QProcess cli;
    cli.start(kCli, {QStringLiteral("capture"), QStringLiteral("-i"), QStringLiteral("lo"),
                     QStringLiteral("-f"), QStringLiteral("tcp port 9")});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("capturing on lo"), 5000);
    // The helper is the CLI's only child.
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(cli.processId()));
    QVERIFY(children.open(QIODevice::ReadOnly));
    const QList<QByteArray> pids = children.readAll().trimmed().split(' ');
    QCOMPARE(pids.size(), 1);
    const pid_t helper = pid_t(pids.front().toInt());
    QVERIFY(helper > 0);
    QCOMPARE(::kill(helper, SIGKILL), 0);
    QVERIFY(cli.waitForFinished(5000));
    err += cli.readAllStandardError();
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QVERIFY2(cli.exitCode() != 0, err.constData());
    QVERIFY2(err.contains("capture helper was killed (signal 9, SIGKILL)"), err.constData());
}

QTEST_GUILESS_MAIN(TestCaptureLive)
#include "tst_capture_live.moc"
