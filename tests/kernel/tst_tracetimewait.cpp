// A TIME_WAIT minisocket's inside, traced, against `ss`: an orphan's FIN_WAIT_2 minisocket
// that gets the peer's FIN becomes TIME_WAIT (TCPTRACE_TW_SUBSTATE), and a minisocket reused
// by a new connection from the same port ends before its timer (TCPTRACE_TW_KILL), each with
// the cookie ss shows. Root only (the helper loads BPF programs); a kernel without the hooks
// skips, saying which (the poller reports those transitions there).
#include "kernel/tracestream.h"
#include "support/loopsockets.h"
#include "support/sstext.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <functional>

using namespace tcpscope;

class TestTraceTimeWait : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase() { m_trace.stop(); }
    void orphanFinWait2BecomesTimeWait();
    void reusedMinisocketIsKilled();

private:
    const TracedEvent *waitFor(const std::function<bool(const TracedEvent &)> &match,
                               int timeoutMs = 10000);
    static QList<SsSocket> ss(quint16 local, quint16 remote);

    TraceStream m_trace;
    std::vector<TracedEvent> m_events;
};

void TestTraceTimeWait::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the trace helper loads BPF programs");
    if (!QFile::exists(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    QString error;
    if (!m_trace.start(&error, 60000, QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP(qPrintable(QStringLiteral("the kernel cannot be traced here: ") + error));
}

const TracedEvent *TestTraceTimeWait::waitFor(const std::function<bool(const TracedEvent &)> &match,
                                              int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        for (const TracedEvent &e : m_events) {
            if (match(e))
                return &e;
        }
        if (t.elapsed() > timeoutMs)
            return nullptr;
        m_trace.read(m_events, 100);
    }
}

QList<SsSocket> TestTraceTimeWait::ss(quint16 local, quint16 remote)
{
    QProcess p;
    p.start(QStringLiteral("ss"),
            {QStringLiteral("-tanoeH"),
             QStringLiteral("sport = :%1 and dport = :%2").arg(local).arg(remote)});
    p.waitForFinished(30000);
    return parseSsOutput(QString::fromLocal8Bit(p.readAllStandardOutput()));
}

void TestTraceTimeWait::orphanFinWait2BecomesTimeWait()
{
    if (!(m_trace.features() & traceprotocol::kTimeWaitSubstate))
        QSKIP("this kernel's kfree_skb tracepoint has no receiving socket (Linux < 6.12): the "
              "poller reports a minisocket's FIN_WAIT_2 -> TIME_WAIT");
    LoopSockets socks;
    const int l = socks.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    const int c = socks.connect("127.0.0.1", port);
    const int a = socks.accept(l);
    const quint16 client = quint16(LoopSockets::port(c));
    socks.close(c); // an orphan: FIN_WAIT_1, then FIN_WAIT_2 once the server ACKs
    const TracedEvent *entry = waitFor([&](const TracedEvent &e) {
        return e.raw.sport == client && e.raw.dport == port && e.raw.kind == TCPTRACE_TW_ENTER;
    });
    QVERIFY2(entry, "the client never became a minisocket");
    if (entry->raw.newstate != 5) // the ACK found it owned by close(): a full FIN_WAIT_2
        QSKIP("the client stayed a full FIN_WAIT_2 socket this time (no minisocket)");
    const quint64 cookie = entry->raw.cookie;
    QList<SsSocket> before = ss(client, port);
    QCOMPARE(before.size(), 1);
    QCOMPARE(before.first().state, QStringLiteral("FIN-WAIT-2"));
    QCOMPARE(before.first().cookie, cookie);
    QCOMPARE(before.first().timerKind, QStringLiteral("timewait")); // a minisocket's timer

    QVERIFY(LoopSockets::drainToEof(a));
    socks.close(a); // its FIN reaches the minisocket
    const TracedEvent *change = waitFor([&](const TracedEvent &e) {
        return e.raw.cookie == cookie && e.raw.kind == TCPTRACE_TW_SUBSTATE;
    });
    QVERIFY2(change, "no FIN_WAIT_2 -> TIME_WAIT traced");
    QCOMPARE(int(change->raw.oldstate), 5); // FIN_WAIT_2
    QCOMPARE(int(change->raw.newstate), 6); // TIME_WAIT
    QCOMPARE(change->raw.sport, client);
    QCOMPARE(int(change->raw.context), int(TCPTRACE_SOFTIRQ)); // the peer's packet
    const QList<SsSocket> after = ss(client, port);
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.first().state, QStringLiteral("TIME-WAIT"));
    QCOMPARE(after.first().cookie, cookie);
    // Exactly once: a retransmitted FIN later would not report it again.
    const auto n = std::count_if(m_events.begin(), m_events.end(), [&](const TracedEvent &e) {
        return e.raw.cookie == cookie && e.raw.kind == TCPTRACE_TW_SUBSTATE;
    });
    QCOMPARE(n, 1);
}

void TestTraceTimeWait::reusedMinisocketIsKilled()
{
    if (!(m_trace.features() & traceprotocol::kTimeWaitKill))
        QSKIP("no tw_timer_handler address or timer tracepoints: the poller reports a "
              "minisocket's early end");
    QFile reuse(QStringLiteral("/proc/sys/net/ipv4/tcp_tw_reuse"));
    if (!reuse.open(QIODevice::ReadOnly) || reuse.readAll().trimmed() == "0")
        QSKIP("net.ipv4.tcp_tw_reuse is 0: connect() never reuses a TIME_WAIT port");
    LoopSockets socks;
    const int l = socks.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    // SO_REUSEADDR on both: bind() may then take a port a minisocket holds.
    const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // The client's port is below the ephemeral range: a busy host's other connections (the
    // suites run in parallel) are never given it while this one waits, so the bind below
    // meets only our minisocket.
    bool bound = false;
    for (int p = 20000 + int(::getpid() % 5000); !bound && p < 32000; p += 7) {
        sockaddr_in at{AF_INET, htons(quint16(p)), {htonl(INADDR_LOOPBACK)}, {}};
        bound = ::bind(c, reinterpret_cast<sockaddr *>(&at), sizeof at) == 0;
    }
    QVERIFY2(bound, "no free port below the ephemeral range");
    sockaddr_in peer{AF_INET, htons(port), {htonl(INADDR_LOOPBACK)}, {}};
    QCOMPARE(::connect(c, reinterpret_cast<sockaddr *>(&peer), sizeof peer), 0);
    const int a = socks.accept(l);
    const quint16 client = quint16(LoopSockets::port(c));
    ::shutdown(c, SHUT_WR); // the client closes first and ends in TIME_WAIT
    QVERIFY(LoopSockets::drainToEof(a));
    socks.close(a);
    QVERIFY(LoopSockets::drainToEof(c));
    ::close(c);
    const QList<SsSocket> before = ss(client, port);
    QCOMPARE(before.size(), 1);
    QCOMPARE(before.first().state, QStringLiteral("TIME-WAIT"));
    const quint64 cookie = before.first().cookie;
    QTest::qWait(1100); // tcp_tw_reuse wants the minisocket's last timestamp 1 s old

    // A new connection from the same port to the same peer takes the minisocket's place.
    const int again = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::setsockopt(again, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in local{AF_INET, htons(client), {htonl(INADDR_LOOPBACK)}, {}};
    QCOMPARE(::bind(again, reinterpret_cast<sockaddr *>(&local), sizeof local), 0);
    const int r = ::connect(again, reinterpret_cast<sockaddr *>(&peer), sizeof peer);
    const int err = errno;
    const QList<SsSocket> after = ss(client, port);
    ::close(again);
    QVERIFY2(r == 0, std::strerror(err));

    const TracedEvent *kill = waitFor([&](const TracedEvent &e) {
        return e.raw.cookie == cookie && e.raw.kind == TCPTRACE_TW_KILL;
    });
    QVERIFY2(kill, "the minisocket's early end was not traced");
    QCOMPARE(int(kill->raw.oldstate), 6); // TIME_WAIT
    QCOMPARE(int(kill->raw.newstate), 7); // CLOSE
    QCOMPARE(kill->raw.sport, client);
    QCOMPARE(kill->raw.dport, port);
    QCOMPARE(int(kill->raw.context), int(TCPTRACE_PROCESS)); // our connect() did it
    QCOMPARE(kill->raw.pid, quint32(::getpid()));
    // ss agrees: that pair is now the new connection, the minisocket is gone.
    QVERIFY(std::none_of(after.begin(), after.end(), [&](const SsSocket &s) {
        return s.cookie == cookie || s.state == u"TIME-WAIT";
    }));
    QVERIFY(std::any_of(after.begin(), after.end(),
                        [&](const SsSocket &s) { return s.state == u"ESTAB"; }));
    // It ended once, and not by its timer.
    QVERIFY(std::none_of(m_events.begin(), m_events.end(), [&](const TracedEvent &e) {
        return e.raw.cookie == cookie && e.raw.kind == TCPTRACE_TW_EXIT;
    }));
    socks.close(l);
}

QTEST_GUILESS_MAIN(TestTraceTimeWait)
#include "tst_tracetimewait.moc"
