// The diagnoses, each made by a real situation and only then: a server that never closes
// (a CLOSE_WAIT leak, young then old and growing, cleared when the sockets close), a client
// running a 200-port range out of ephemeral ports (exhaustion predicted, then connect() really
// failing with EADDRNOTAVAIL), a listener with backlog 4 that never accepts, a quiet namespace.
// Every number is checked against `ss` and /proc, not against the engine's own output.
#include "diagnosisrig.h"
#include "support/loopsockets.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>

#include <optional>
#include <sys/resource.h>

using namespace tcpscope;

class TestDiagnosisLive : public QObject
{
    Q_OBJECT
private slots:
    void closeWaitLeakGrowsThenClears();
    void portExhaustionPredictedBeforeConnectFails();
    void fullAcceptQueue();
    void quietNamespaceHasNoWarning();

private:
    static bool enter(TestNetns &ns) { return ns.ok() && ns.enter(); }
};

namespace {

void connectAndClose(LoopSockets &s, int port, int n, int first)
{
    for (int i = first; i < first + n; ++i) {
        const int fd = s.connect("127.0.0.1", port);
        QVERIFY(fd >= 0);
        if (i % 3 == 0)
            QCOMPARE(::write(fd, "hello", 5), 5); // unread data: Recv-Q 6 with the FIN
        s.close(fd);
    }
}

long countFds(int pid)
{
    return long(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)
                    .size());
}

} // namespace

void TestDiagnosisLive::closeWaitLeakGrowsThenClears()
{
    DiagnosisThresholds t;
    t.closeWaitCount = 10;
    t.closeWaitAgeS = 2; // a leak once the oldest is 2 s old (the default is 60 s)
    DiagnosisRig rig(t);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    const pid_t server = startLeakyServer(listener);
    ServerGuard guard{server};
    const QString cwState = QStringLiteral("CLOSE-WAIT");
    const QString cw = QStringLiteral("( sport = :%1 )").arg(port);
    rig.poll(); // the baseline

    connectAndClose(s, port, 12, 0);
    QTRY_COMPARE(rig.ss(cwState, cw).size(), 12);
    rig.poll();
    // Young: a burst being handled, not (yet) a leak.
    QVERIFY(!rig.find(FindingKind::CloseWaitLeak, server));
    const Finding *burst = rig.find(FindingKind::CloseWaitBurst, server);
    QVERIFY(burst);
    QCOMPARE(burst->level, FindingLevel::Info);

    QTest::qWait(2500);
    connectAndClose(s, port, 12, 12);
    QTRY_COMPARE(rig.ss(cwState, cw).size(), 24);
    rig.poll();
    const Finding *leak = rig.find(FindingKind::CloseWaitLeak, server);
    QVERIFY(leak);
    QCOMPARE(leak->level, FindingLevel::Warning);
    QVERIFY(!rig.find(FindingKind::CloseWaitBurst, server));
    const QList<SsSocket> ss = rig.ss(cwState, cw);
    QCOMPARE(leak->number(QStringLiteral("count")), double(ss.size()));
    int unread = 0, eofUnread = 0, eofRead = 0;
    QSet<quint64> cookies;
    for (const SsSocket &x : ss) {
        (x.recvQ > 1 ? unread : x.recvQ == 1 ? eofUnread : eofRead) += 1;
        cookies.insert(x.cookie);
    }
    QCOMPARE(unread, 8);
    QCOMPARE(eofRead, 8);
    QCOMPARE(leak->number(QStringLiteral("unread_data")), double(unread));
    QCOMPARE(leak->number(QStringLiteral("eof_unread")), double(eofUnread));
    QCOMPARE(leak->number(QStringLiteral("eof_read")), double(eofRead));
    QCOMPARE(QSet<quint64>(leak->sockets.begin(), leak->sockets.end()), cookies);
    QVERIFY2(leak->number(QStringLiteral("oldest_s")) >= 2, "the first twelve are 2.5 s old");
    QVERIFY(leak->number(QStringLiteral("growth_per_min")) > 0);
    QCOMPARE(leak->number(QStringLiteral("fds_open")), double(countFds(server)));
    rlimit lim{};
    QCOMPARE(::prlimit(server, RLIMIT_NOFILE, nullptr, &lim), 0);
    QCOMPARE(leak->number(QStringLiteral("fds_limit")), double(lim.rlim_cur));
    QCOMPARE(leak->fact(QStringLiteral("peers")), QStringLiteral("127.0.0.1 \u00d724"));
    QVERIFY(leak->history.size() >= 2);
    QCOMPARE(leak->history.back().second, 24.0);

    // The same sockets closed: the finding clears.
    guard.stop();
    QTRY_COMPARE(rig.ss(cwState, cw).size(), 0);
    rig.poll();
    QVERIFY(!rig.find(FindingKind::CloseWaitLeak, server));
    QVERIFY(!rig.find(FindingKind::CloseWaitBurst, server));
}

void TestDiagnosisLive::portExhaustionPredictedBeforeConnectFails()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a network namespace of its own with ip_local_port_range narrowed");
    TestNetns ns(QStringLiteral("diagports"));
    QVERIFY(enter(ns));
    // 200 ephemeral ports; tcp_tw_reuse 0 so that TIME_WAIT really holds them.
    QCOMPARE(ns.exec({QStringLiteral("sysctl"), QStringLiteral("-qw"),
                      QStringLiteral("net.ipv4.ip_local_port_range=40000 40199"),
                      QStringLiteral("net.ipv4.tcp_tw_reuse=0")}),
             0);
    DiagnosisRig rig({}, &ns);
    const int port = 5000; // outside the range: a listener on port 0 would take one of its ports
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&at), sizeof at), 0);
    QCOMPARE(::listen(listener, 128), 0);
    rig.poll();

    std::optional<Finding> warned; // the first warning
    double warnedSecondsLeft = -1;
    int made = 0, failedErrno = 0;
    QElapsedTimer clock;
    clock.start();
    while (failedErrno == 0 && clock.elapsed() < 30000) {
        for (int i = 0; i < 10 && failedErrno == 0; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(quint16(port));
            to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0) {
                failedErrno = errno;
                ::close(fd);
                break;
            }
            const int peer = ::accept(listener, nullptr, nullptr);
            ::close(fd); // the client closes first: its port goes to TIME_WAIT for 60 s
            ::close(peer);
            ++made;
        }
        QTest::qWait(250);
        rig.poll();
        const Finding *f = rig.find(FindingKind::PortExhaustion);
        if (f && f->level >= FindingLevel::Warning && !warned) {
            warned = *f;
            warnedSecondsLeft = f->number(QStringLiteral("seconds_to_exhaustion"));
        }
    }
    QCOMPARE(failedErrno, EADDRNOTAVAIL);
    QVERIFY2(warned, "connect() failed with no warning before");
    QVERIFY2(warned->number(QStringLiteral("sockets")) < 200, "the warning came before the end");
    QVERIFY(warnedSecondsLeft >= 0);
    QCOMPARE(warned->number(QStringLiteral("ports")), 200.0);
    QCOMPARE(warned->number(QStringLiteral("tw_reuse_applies")), 0.0);
    QCOMPARE(warned->fact(QStringLiteral("connect_error")), QStringLiteral("EADDRNOTAVAIL"));
    QCOMPARE(made, 200);

    // At the failure: every port of the range is a TIME_WAIT toward the listener (ss).
    rig.poll();
    const Finding *now = rig.find(FindingKind::PortExhaustion);
    QVERIFY(now);
    QCOMPARE(now->level, FindingLevel::Critical);
    const QList<SsSocket> tw =
        rig.ss(QStringLiteral("TIME-WAIT"), QStringLiteral("( dport = :%1 )").arg(port));
    QCOMPARE(tw.size(), 200);
    QCOMPARE(now->number(QStringLiteral("time_wait")), double(tw.size()));
    QCOMPARE(now->number(QStringLiteral("busy_pct")), 100.0);
    QCOMPARE(now->subject, QStringLiteral("127.0.0.1 \u2192 127.0.0.1:%1").arg(port));
    ::close(listener);
}

void TestDiagnosisLive::fullAcceptQueue()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a network namespace of its own, so ListenOverflows counts only this "
              "listener");
    TestNetns ns(QStringLiteral("diagaccept"));
    QVERIFY(enter(ns));
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 4); // never accepted
    const int port = LoopSockets::port(listener);
    rig.poll();
    for (int i = 0; i < 10; ++i)
        QVERIFY(s.connect("127.0.0.1", port, true) >= 0);
    QTest::qWait(300);
    rig.poll();
    const Finding *f = rig.find(FindingKind::AcceptQueueFull);
    QVERIFY(f);
    const QList<SsSocket> l = rig.ss(QStringLiteral("LISTEN"));
    QCOMPARE(l.size(), 1);
    QCOMPARE(f->number(QStringLiteral("accept_queue")), double(l[0].recvQ));
    QCOMPARE(f->number(QStringLiteral("limit")), double(l[0].sendQ));
    QCOMPARE(l[0].sendQ, 4u);
    QVERIFY(l[0].recvQ > l[0].sendQ);
    QString nstat;
    ns.exec(
        {QStringLiteral("nstat"), QStringLiteral("-az"), QStringLiteral("TcpExtListenOverflows")},
        &nstat);
    const QStringList fields = nstat.split(u'\n').filter(QStringLiteral("ListenOverflows"));
    QVERIFY(!fields.isEmpty());
    const double overflows = fields.first().simplified().split(u' ').value(1).toDouble();
    QVERIFY(overflows > 0);
    QCOMPARE(f->number(QStringLiteral("listen_overflows")), overflows);
    QCOMPARE(f->level, FindingLevel::Critical); // dropping: the counter rose
    QVERIFY(!rig.find(FindingKind::SynFlood));  // a slow accept(), not a flood
}

void TestDiagnosisLive::quietNamespaceHasNoWarning()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: only a namespace of its own is known to be quiet");
    TestNetns ns(QStringLiteral("diagquiet"));
    QVERIFY(enter(ns));
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    rig.poll();
    for (int i = 0; i < 5; ++i) { // a little ordinary traffic: open, some closed
        const int c = s.connect("127.0.0.1", port);
        const int a = s.accept(listener);
        if (i % 2) {
            s.close(c);
            s.close(a);
        }
    }
    QTest::qWait(200);
    rig.poll();
    rig.poll();
    QCOMPARE(rig.engine.countAtLeast(FindingLevel::Warning), 0);
    QVERIFY(rig.ss().size() >= 5); // there was something to look at
}

QTEST_GUILESS_MAIN(TestDiagnosisLive)
#include "tst_diagnosis_live.moc"
