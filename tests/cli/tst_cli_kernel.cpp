// tcpscope-cli snapshot and watch, run as a user runs them, against real loopback sockets.
#include "support/loopsockets.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

class TestCliKernel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void snapshotJsonContract();
    void snapshotStateFilter();
    void snapshotText();
    void badArguments_data();
    void badArguments();
    void netlinkRefusedFallsBackToProc();
    void noTableAtAll();
    void watchPrintsTransitions();
    void otherUsersSocketsSaySo();
    void tcpInfoOnRequest();
    void settingsReportMissingOnes();

private:
    struct Run
    {
        int code = -1;
        QByteArray out;
        QString err;
    };
    static Run cli(const QStringList &args, bool withoutNetlink = false,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    QJsonArray ourSockets(const QJsonObject &doc) const;

    LoopSockets m_sockets;
    int m_port = 0;
};

TestCliKernel::Run TestCliKernel::cli(const QStringList &args, bool withoutNetlink,
                                      const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    const QString bin = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
    if (withoutNetlink)
        p.start(QStringLiteral(TCPSCOPE_TOOLS_DIR "/without_netlink"), QStringList{bin} + args);
    else
        p.start(bin, args);
    Run r;
    if (!p.waitForFinished(30000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = QString::fromLocal8Bit(p.readAllStandardError());
    return r;
}

QJsonArray TestCliKernel::ourSockets(const QJsonObject &doc) const
{
    QJsonArray mine;
    for (const QJsonValue &v : doc.value(u"sockets").toArray()) {
        const QJsonObject s = v.toObject();
        if (s.value(u"local_port").toInt() == m_port || s.value(u"remote_port").toInt() == m_port)
            mine.append(s);
    }
    return mine;
}

void TestCliKernel::initTestCase()
{
    const int l = m_sockets.listen("127.0.0.1");
    QVERIFY(l >= 0);
    m_port = LoopSockets::port(l);
    QVERIFY(m_sockets.connect("127.0.0.1", m_port) >= 0);
    QVERIFY(m_sockets.accept(l) >= 0);
    const int c = m_sockets.connect("127.0.0.1", m_port);
    const int s = m_sockets.accept(l);
    m_sockets.close(c);
    QVERIFY(LoopSockets::drainToEof(s));
    m_sockets.close(s); // c is now in TIME_WAIT
}

void TestCliKernel::snapshotJsonContract()
{
    const Run r =
        cli({QStringLiteral("snapshot"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    QJsonParseError perr;
    const QJsonObject doc = QJsonDocument::fromJson(r.out, &perr).object();
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
    QCOMPARE(doc.value(u"source").toString(), u"netlink sock_diag"_qs);

    // counts agree with the sockets listed
    QMap<QString, int> counted;
    for (const QJsonValue &v : doc.value(u"sockets").toArray())
        ++counted[v.toObject().value(u"state").toString()];
    const QJsonObject counts = doc.value(u"counts").toObject();
    QCOMPARE(counts.size(), 11);
    for (auto it = counts.begin(); it != counts.end(); ++it)
        QCOMPARE(it.value().toInt(), counted.value(it.key()));

    const QJsonArray mine = ourSockets(doc);
    QCOMPARE(mine.size(), 4); // listener, two ends of a connection, one TIME_WAIT
    QMap<QString, int> states;
    for (const QJsonValue &v : mine) {
        const QJsonObject s = v.toObject();
        for (const char *key : {"local_address", "local_port", "remote_address", "remote_port",
                                "state", "recv_q", "send_q", "uid", "inode", "timer", "processes"})
            QVERIFY2(s.contains(QLatin1String(key)), key);
        QCOMPARE(s.value(u"local_address").toString(), u"127.0.0.1"_qs);
        const QString state = s.value(u"state").toString();
        ++states[state];
        const QJsonArray procs = s.value(u"processes").toArray();
        if (state == u"TIME_WAIT") {
            QVERIFY(procs.isEmpty());
            QCOMPARE(s.value(u"timer").toObject().value(u"kind").toString(), u"timewait"_qs);
            const int left = s.value(u"timer").toObject().value(u"expires_ms").toInt();
            QVERIFY2(left > 0 && left <= 60000, qPrintable(QString::number(left)));
            QVERIFY(s.value(u"process_note").toString().contains(u"no descriptor"));
        } else {
            QCOMPARE(procs.size(), 1);
            QCOMPARE(procs[0].toObject().value(u"pid").toInt(),
                     int(QCoreApplication::applicationPid()));
            QCOMPARE(procs[0].toObject().value(u"name").toString(), u"tst_cli_kernel"_qs);
        }
    }
    QCOMPARE(states,
             (QMap<QString, int>{{u"LISTEN"_qs, 1}, {u"ESTABLISHED"_qs, 2}, {u"TIME_WAIT"_qs, 1}}));
}

void TestCliKernel::snapshotStateFilter()
{
    const Run r = cli({QStringLiteral("snapshot"), QStringLiteral("--state"),
                       QStringLiteral("time-wait,LISTEN"), QStringLiteral("--no-process")});
    QCOMPARE(r.code, 0);
    const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
    for (const QJsonValue &v : doc.value(u"sockets").toArray()) {
        const QString state = v.toObject().value(u"state").toString();
        QVERIFY2(state == u"TIME_WAIT" || state == u"LISTEN", qPrintable(state));
        QVERIFY(v.toObject().value(u"processes").isNull());
    }
    QCOMPARE(ourSockets(doc).size(), 2);
}

void TestCliKernel::snapshotText()
{
    const Run r =
        cli({QStringLiteral("snapshot"), QStringLiteral("--format"), QStringLiteral("text")});
    QCOMPARE(r.code, 0);
    const QString text = QString::fromUtf8(r.out);
    const QString port = QString::number(m_port);
    int lines = 0;
    for (const QString &line : text.split(u'\n')) {
        if (!line.contains(QStringLiteral("127.0.0.1:") + port))
            continue;
        ++lines;
        if (line.startsWith(u"TIME-WAIT"))
            QVERIFY2(line.contains(u"timewait,") && line.contains(u"no descriptor"),
                     qPrintable(line));
        else
            QVERIFY2(line.contains(u"tst_cli_kernel/"), qPrintable(line));
    }
    QCOMPARE(lines, 4);
    QVERIFY(text.contains(u"# counts:"));
}

void TestCliKernel::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown state")
        << QStringList{u"snapshot"_qs, u"--state"_qs, u"TIME_CLOSE"_qs} << u"unknown state"_qs;
    QTest::newRow("bad format") << QStringList{u"snapshot"_qs, u"--format"_qs, u"xml"_qs}
                                << u"--format"_qs;
    QTest::newRow("interval too small")
        << QStringList{u"watch"_qs, u"--interval"_qs, u"10"_qs} << u"100 to 10000"_qs;
    QTest::newRow("unknown option")
        << QStringList{u"snapshot"_qs, u"--frobnicate"_qs} << u"unknown option"_qs;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_qs} << u"unknown command"_qs;
}

void TestCliKernel::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = cli(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestCliKernel::netlinkRefusedFallsBackToProc()
{
    const Run r = cli({QStringLiteral("snapshot")}, true);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains(u"Permission denied") && r.err.contains(u"/proc/net/tcp"),
             qPrintable(r.err));
    const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(doc.value(u"source").toString(), u"/proc/net/tcp"_qs);
    QVERIFY(doc.value(u"notice").toString().contains(u"sock_diag"));
    QCOMPARE(ourSockets(doc).size(), 4);
}

void TestCliKernel::noTableAtAll()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_PROC_ROOT"), QStringLiteral("/nonexistent"));
    const Run r = cli({QStringLiteral("snapshot")}, true, env);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"no socket table is available"), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestCliKernel::watchPrintsTransitions()
{
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {QStringLiteral("watch"), QStringLiteral("--interval"), QStringLiteral("100"),
             QStringLiteral("--format"), QStringLiteral("json")});
    QVERIFY(p.waitForStarted());
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("polling"), 5000);

    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QVERIFY(c >= 0 && a >= 0);
    QTest::qWait(300);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);

    QStringList seen;
    auto drain = [&] {
        while (p.canReadLine()) {
            const QJsonObject t = QJsonDocument::fromJson(p.readLine()).object();
            const bool server = t.value(u"local_port").toInt() == port;
            if (!server && t.value(u"remote_port").toInt() != port)
                continue;
            seen << (server ? u"server "_qs : u"client "_qs) + t.value(u"from").toString() + u'>'
                        + t.value(u"to").toString();
        }
        return true;
    };
    // The client closed first: it reaches TIME_WAIT (through FIN_WAIT_1/2, which a 100 ms poll
    // may or may not catch); the server's socket vanishes (LAST_ACK lasts one loopback RTT).
    QTRY_VERIFY_WITH_TIMEOUT(drain()
                                 && seen.filter(u"client "_qs).filter(u">TIME_WAIT"_qs).size() == 1
                                 && seen.filter(u"server "_qs).filter(u">CLOSED"_qs).size() == 1,
                             5000);
    QVERIFY2(seen.contains(u"server CLOSED>ESTABLISHED"_qs), qPrintable(seen.join(u", ")));
    QVERIFY2(seen.contains(u"client CLOSED>ESTABLISHED"_qs), qPrintable(seen.join(u", ")));

    p.terminate(); // SIGTERM: a clean stop
    QVERIFY(p.waitForFinished(5000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

void TestCliKernel::otherUsersSocketsSaySo()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the snapshot runs as nobody against the test's (root's) sockets");
    QProcess p;
    p.start(QStringLiteral("setpriv"),
            {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
             QStringLiteral("--clear-groups"), QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
             QStringLiteral("snapshot")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonArray mine = ourSockets(QJsonDocument::fromJson(p.readAllStandardOutput()).object());
    QCOMPARE(mine.size(), 4);
    for (const QJsonValue &v : mine) {
        const QJsonObject s = v.toObject();
        QVERIFY(s[u"processes"].toArray().isEmpty());
        const QString note = s[u"process_note"].toString();
        if (s[u"state"].toString() == u"TIME_WAIT")
            QVERIFY2(note.contains(u"no descriptor"), qPrintable(note));
        else
            QVERIFY2(note.contains(u"another user's process"), qPrintable(note));
    }
}

void TestCliKernel::tcpInfoOnRequest()
{
    const Run r = cli({QStringLiteral("snapshot"), QStringLiteral("--tcp-info")});
    QCOMPARE(r.code, 0);
    int established = 0;
    for (const QJsonValue &v : ourSockets(QJsonDocument::fromJson(r.out).object())) {
        const QJsonObject s = v.toObject();
        if (s[u"state"].toString() != u"ESTABLISHED")
            continue;
        ++established;
        QVERIFY(s[u"tcp_info"].isObject());
        QVERIFY(s[u"tcp_info"].toObject()[u"rtt_us"].toInt() > 0); // a handshake measured it
    }
    QCOMPARE(established, 2);
    const Run plain = cli({QStringLiteral("snapshot")});
    QVERIFY(!plain.out.contains("tcp_info"));
}

void TestCliKernel::settingsReportMissingOnes()
{
    const Run r =
        cli({QStringLiteral("settings"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
    const QJsonObject sysctls = doc[u"sysctls"].toObject();
    QVERIFY(sysctls.size() >= 12);
    QFile fin(QStringLiteral("/proc/sys/net/ipv4/tcp_fin_timeout"));
    QVERIFY(fin.open(QIODevice::ReadOnly));
    QCOMPARE(sysctls[u"net.ipv4.tcp_fin_timeout"].toString(),
             QString::fromLatin1(fin.readAll()).trimmed());
    QVERIFY(doc[u"counters"].toObject().contains(u"TcpExt.ListenOverflows"));

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_PROC_ROOT"), QStringLiteral("/nonexistent"));
    const Run missing =
        cli({QStringLiteral("settings"), QStringLiteral("--format"), QStringLiteral("json")}, false,
            env);
    QCOMPARE(missing.code, 0);
    const QJsonObject none = QJsonDocument::fromJson(missing.out).object();
    for (const QString &group : {u"sysctls"_qs, u"counters"_qs}) {
        const QJsonObject o = none[group].toObject();
        QVERIFY(!o.isEmpty());
        for (auto it = o.begin(); it != o.end(); ++it)
            QVERIFY2(it.value().isNull(), qPrintable(it.key()));
    }
}

QTEST_GUILESS_MAIN(TestCliKernel)
#include "tst_cli_kernel.moc"
