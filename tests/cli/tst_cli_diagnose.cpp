// tcpscope-cli diagnose, run in a network namespace of the test's own: a server process that
// never closes gives a CLOSE_WAIT leak (exit status 1, the numbers as ss counts them, in text
// and JSON); the same namespace once the server is gone is quiet (exit status 0); --watch
// prints the findings as they change.
#include "diagnose/diagnosisrig.h"
#include "support/loopsockets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

class TestCliDiagnose : public QObject
{
    Q_OBJECT
private slots:
    void leakThenQuiet();
    void watchPrintsAsTheFindingsChange();
    void exactSeesRefusedConnects();
    void badOptionIsAUsageError();
};

namespace {

int runCli(TestNetns &ns, const QStringList &args, QString *out)
{
    return ns.exec(
        QStringList{QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"), QStringLiteral("diagnose")}
            + args,
        out);
}

} // namespace

void TestCliDiagnose::leakThenQuiet()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: the CLI is run in a network namespace of the test's own");
    TestNetns ns(QStringLiteral("clidiag"));
    QVERIFY(ns.ok() && ns.enter());
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    ServerGuard server{startLeakyServer(listener)};
    for (int i = 0; i < 12; ++i)
        s.close(s.connect("127.0.0.1", port));
    DiagnosisRig rig({}, &ns);
    QTRY_COMPARE(rig.ss(QStringLiteral("CLOSE-WAIT")).size(), 12);

    QString out;
    const QStringList common{QStringLiteral("--sample"), QStringLiteral("2"),
                             QStringLiteral("--threshold"), QStringLiteral("close-wait-count=10")};
    QCOMPARE(
        runCli(ns, common + QStringList{QStringLiteral("--format"), QStringLiteral("json")}, &out),
        1);
    const QJsonObject doc = QJsonDocument::fromJson(out.toUtf8()).object();
    QCOMPARE(doc.value(u"worst").toString(), QStringLiteral("warning"));
    const QJsonArray findings = doc.value(u"findings").toArray();
    QCOMPARE(findings.size(), 1);
    const QJsonObject f = findings[0].toObject();
    QCOMPARE(f.value(u"kind").toString(), QStringLiteral("close-wait-leak"));
    QCOMPARE(f.value(u"pid").toInt(), server.pid);
    QCOMPARE(f.value(u"numbers").toObject().value(u"count").toInt(), 12);
    QCOMPARE(f.value(u"numbers").toObject().value(u"oldest_is_lower_bound").toInt(), 1);
    QCOMPARE(f.value(u"sockets").toArray().size(), 12);
    QCOMPARE(f.value(u"facts").toObject().value(u"peers").toString(),
             QStringLiteral("127.0.0.1 \u00d712"));

    QCOMPARE(runCli(ns, common, &out), 1);
    QVERIFY2(out.contains(u"WARNING   CLOSE_WAIT leak"), qPrintable(out));
    QVERIFY2(out.contains(
                 QStringLiteral("$ ss -tanp state close-wait | grep 'pid=%1,'").arg(server.pid)),
             qPrintable(out));
    QCOMPARE(
        runCli(ns, common + QStringList{QStringLiteral("--language"), QStringLiteral("zh")}, &out),
        1);
    QVERIFY2(out.contains(u"CLOSE_WAIT 泄漏") && out.contains(u"12 个 CLOSE_WAIT"),
             qPrintable(out));

    server.stop(); // the sockets close with the process
    QTRY_COMPARE(rig.ss(QStringLiteral("CLOSE-WAIT")).size(), 0);
    QCOMPARE(runCli(ns, {QStringLiteral("--sample"), QStringLiteral("0")}, &out), 0);
    QVERIFY2(out.startsWith(u"no findings"), qPrintable(out));
}

// --watch prints the findings when they change: the leak (while the server holds its
// CLOSE_WAIT), then nothing once it is gone; stopped by SIGTERM, its exit status is that of
// the last findings (0: nothing at warning level).
void TestCliDiagnose::watchPrintsAsTheFindingsChange()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: the CLI is run in a network namespace of the test's own");
    TestNetns ns(QStringLiteral("cliwatch"));
    QVERIFY(ns.ok() && ns.enter());
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    ServerGuard server{startLeakyServer(listener)};
    for (int i = 0; i < 12; ++i)
        s.close(s.connect("127.0.0.1", port));
    DiagnosisRig rig({}, &ns);
    QTRY_COMPARE(rig.ss(QStringLiteral("CLOSE-WAIT")).size(), 12);

    QProcess watch; // `ip netns exec` execs the CLI: the signal reaches it
    watch.start(QStringLiteral("ip"),
                {QStringLiteral("netns"), QStringLiteral("exec"), ns.name(),
                 QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"), QStringLiteral("diagnose"),
                 QStringLiteral("--watch"), QStringLiteral("--format"), QStringLiteral("json"),
                 QStringLiteral("--interval"), QStringLiteral("200")});
    QVERIFY(watch.waitForStarted());
    QList<QJsonObject> lines;
    const auto readLines = [&] {
        while (watch.canReadLine())
            lines << QJsonDocument::fromJson(watch.readLine()).object();
        return lines;
    };
    const auto lastWorst = [&] {
        readLines();
        return lines.isEmpty() ? QString() : lines.last().value(u"worst").toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(lastWorst(), QStringLiteral("warning"), 10000);
    const QJsonArray findings = lines.last().value(u"findings").toArray();
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings[0].toObject().value(u"kind").toString(), QStringLiteral("close-wait-leak"));
    QCOMPARE(findings[0].toObject().value(u"pid").toInt(), server.pid);
    const qsizetype printed = lines.size();
    QTest::qWait(1000); // unchanged: nothing more is printed
    readLines();
    QCOMPARE(lines.size(), printed);

    server.stop();
    QTRY_COMPARE_WITH_TIMEOUT(lastWorst(), QStringLiteral("none"), 10000);
    QVERIFY(lines.last().value(u"findings").toArray().isEmpty());
    watch.terminate();
    QVERIFY(watch.waitForFinished(5000));
    QCOMPARE(watch.exitStatus(), QProcess::NormalExit);
    QCOMPARE(watch.exitCode(), 0);
}

// Refused connects never reach a poll (the kernel drops the socket at the RST): --exact counts
// them from the trace, with the connects it saw, and says nothing of a destination that
// accepts.
void TestCliDiagnose::exactSeesRefusedConnects()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: the trace helper loads BPF programs; the CLI runs in a namespace of "
              "the test's own");
    if (!QFile::exists(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    TestNetns ns(QStringLiteral("clirefused"));
    QVERIFY(ns.ok() && ns.enter());
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int open = LoopSockets::port(listener);
    const int closed = open == 9 ? 10 : 9; // nothing listens there in a new namespace
    QProcess cli;
    cli.start(QStringLiteral("ip"),
              {QStringLiteral("netns"), QStringLiteral("exec"), ns.name(),
               QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"), QStringLiteral("diagnose"),
               QStringLiteral("--exact"), QStringLiteral("--sample"), QStringLiteral("2"),
               QStringLiteral("--interval"), QStringLiteral("200"), QStringLiteral("--format"),
               QStringLiteral("json")});
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += cli.readAllStandardError()).contains("tcpscope-cli diagnose:"),
                             30000);
    if (!err.contains("exact transitions from the kernel (eBPF)"))
        QSKIP(qPrintable(u"the kernel cannot be traced here: "_qs + QString::fromLocal8Bit(err)));
    constexpr int kRefused = 7, kAccepted = 6;
    for (int i = 0; i < kRefused; ++i) {
        const int fd = s.connect("127.0.0.1", closed);
        const int error = errno;
        QCOMPARE(fd, -1);
        QCOMPARE(error, ECONNREFUSED);
    }
    for (int i = 0; i < kAccepted; ++i)
        s.close(s.connect("127.0.0.1", open));
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitCode(), 1);
    const QJsonObject doc = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    QJsonObject refused;
    for (const QJsonValue v : doc.value(u"findings").toArray()) {
        QVERIFY2(v.toObject().value(u"kind").toString() == u"connects-refused",
                 "a namespace with a listener and refused connects has nothing else to say");
        refused = v.toObject();
    }
    QCOMPARE(refused.value(u"subject").toString(), u"\u2192 127.0.0.1:%1"_qs.arg(closed));
    QCOMPARE(refused.value(u"level").toString(), u"warning"_qs);
    const QJsonObject numbers = refused.value(u"numbers").toObject();
    QCOMPARE(numbers.value(u"refused").toInt(), kRefused);
    QCOMPARE(numbers.value(u"attempts").toInt(), kRefused); // each connect() to that port
    QCOMPARE(refused.value(u"facts").toObject().value(u"seen_by").toString(), u"eBPF"_qs);
}

void TestCliDiagnose::badOptionIsAUsageError()
{
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {QStringLiteral("diagnose"), QStringLiteral("--threshold"), QStringLiteral("nope=3")});
    QVERIFY(p.waitForFinished());
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("unknown threshold 'nope'"));
}

QTEST_GUILESS_MAIN(TestCliDiagnose)
#include "tst_cli_diagnose.moc"
