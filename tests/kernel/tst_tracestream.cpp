// The exact kernel transitions against the kernel's own tools: real loopback connections
// closed every way, traced by tcpscope-trace while libbpf-tools' `tcpstates` runs alongside.
// Every socket's transitions must equal tcpstates' line for line and in order (a socket that
// becomes a TIME_WAIT minisocket: tcpstates says "X -> CLOSE", we say "X -> TIME_WAIT" or
// "X -> FIN_WAIT_2"), and the minisockets must be what `ss` shows. Root only (the helper
// needs cap_bpf/cap_perfmon; tcpstates needs root): skipped otherwise, saying why.
#include "formats/sessionfile.h"
#include "kernel/tracestream.h"
#include "support/loopsockets.h"
#include "support/sstext.h"
#include "support/tracefs.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <map>
#include <set>
#include <sys/socket.h>

using namespace tcpscope;

namespace {

struct Step
{
    QString from, to; // Linux names as tcpstates prints them: FIN_WAIT1, SYN_RECV
    bool operator==(const Step &) const = default;
};
using Steps = QList<Step>;
char *toString(const Step &s) // what QCOMPARE prints
{
    return qstrdup(qPrintable(s.from + QStringLiteral("->") + s.to));
}

QString linuxName(int s)
{
    static const char *names[] = {
        "?",     "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};
    return s >= 0 && s <= 12 ? QString::fromLatin1(names[s]) : QStringLiteral("?");
}

// A socket's identity for matching: its own port and its peer's (the first event with a
// local port: a connecting socket has none before SYN_SENT).
using PortPair = std::pair<quint16, quint16>;

} // namespace

class TestTraceStream : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyCloseMatchesTcpstates();
    void tracedTransitionsSurviveASession();
    void timeWaitExpiresOnTheTracedTimer();

private:
    void collect(int timeoutMs, const std::set<quint16> &listeners);
    std::map<PortPair, Steps> tcpstatesSteps(quint16 port) const;
    std::map<PortPair, Steps> ourSteps(quint16 port, bool asTcpstates) const;
    QList<SsSocket> ss(const QString &filter) const;

    TraceStream m_trace;
    QProcess m_tcpstates;
    QString m_tcpstatesText;
    std::vector<TracedEvent> m_events;
};

void TestTraceStream::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: tcpstates (the ground truth) and the trace helper load BPF programs");
    if (!QFile::exists(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    const QString tcpstates = QStandardPaths::findExecutable(
        QStringLiteral("tcpstates"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    if (tcpstates.isEmpty())
        QSKIP("tcpstates (Debian: libbpf-tools) is not installed: no ground truth");
    if (!ensureTracefs())
        QSKIP("tracefs is not mounted and cannot be: tcpstates attaches through it");
    QString error;
    if (!m_trace.start(&error, 60000, QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP(qPrintable(QStringLiteral("the kernel cannot be traced here: ") + error));
    m_tcpstates.setProgram(QStringLiteral("stdbuf"));
    m_tcpstates.setArguments({QStringLiteral("-oL"), tcpstates, QStringLiteral("-w")});
    m_tcpstates.start();
    QVERIFY(m_tcpstates.waitForStarted());
    // Its header line comes once it is attached.
    QElapsedTimer t;
    t.start();
    while (!m_tcpstatesText.contains(u'\n') && t.elapsed() < 60000) {
        m_tcpstates.waitForReadyRead(200);
        m_tcpstatesText += QString::fromLocal8Bit(m_tcpstates.readAllStandardOutput());
    }
    QVERIFY2(m_tcpstatesText.contains(QStringLiteral("OLDSTATE")),
             qPrintable(m_tcpstatesText + m_tcpstates.readAllStandardError()));
}

void TestTraceStream::cleanupTestCase()
{
    m_trace.stop();
    if (m_tcpstates.state() != QProcess::NotRunning) {
        m_tcpstates.terminate();
        m_tcpstates.waitForFinished(5000);
    }
}

// Reads both until each has reported every listener's end (LISTEN -> CLOSE), the last
// thing each scenario does.
void TestTraceStream::collect(int timeoutMs, const std::set<quint16> &listeners)
{
    QElapsedTimer t;
    t.start();
    auto done = [&] {
        for (quint16 p : listeners) {
            const QString line = QStringLiteral(" %1 0.0.0.0 0 LISTEN -> CLOSE").arg(p);
            if (!m_tcpstatesText.simplified().contains(line.simplified()))
                return false;
            const bool ours = std::any_of(m_events.begin(), m_events.end(), [&](auto &e) {
                return e.raw.sport == p && e.raw.oldstate == 10 && e.raw.newstate == 7;
            });
            if (!ours)
                return false;
        }
        return true;
    };
    while (!done() && t.elapsed() < timeoutMs) {
        m_trace.read(m_events, 50);
        m_tcpstates.waitForReadyRead(50);
        m_tcpstatesText += QString::fromLocal8Bit(m_tcpstates.readAllStandardOutput());
    }
}

// tcpstates -w: SKADDR PID COMM IP LADDR LPORT RADDR RPORT OLDSTATE -> NEWSTATE MS
std::map<PortPair, Steps> TestTraceStream::tcpstatesSteps(quint16 port) const
{
    std::map<QString, Steps> bySocket;
    std::map<QString, PortPair> ids;
    for (const QString &line : m_tcpstatesText.split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList f = line.simplified().split(u' ');
        if (f.size() < 11 || f[f.size() - 3] != u"->")
            continue;
        const quint16 lport = f[f.size() - 7].toUShort(), rport = f[f.size() - 5].toUShort();
        if (lport != port && rport != port)
            continue;
        bySocket[f[0]].append({f[f.size() - 4], f[f.size() - 2]});
        if (lport != 0 && !ids.count(f[0]))
            ids[f[0]] = {lport, rport};
    }
    std::map<PortPair, Steps> out;
    for (const auto &[sk, steps] : bySocket)
        out[ids[sk]] = steps;
    return out;
}

// Ours, by cookie; asTcpstates: a minisocket's entry as tcpstates prints it ("X -> CLOSE"),
// and its end (which tcpstates cannot see) left out.
std::map<PortPair, Steps> TestTraceStream::ourSteps(quint16 port, bool asTcpstates) const
{
    std::map<quint64, Steps> byCookie;
    std::map<quint64, PortPair> ids;
    for (const TracedEvent &e : m_events) {
        if (e.raw.sport != port && e.raw.dport != port)
            continue;
        if (asTcpstates
            && (e.raw.kind == TCPTRACE_TW_EXIT || e.raw.kind == TCPTRACE_TW_KILL
                || e.raw.kind == TCPTRACE_TW_SUBSTATE))
            continue; // a minisocket's inside: tcpstates cannot see it
        const bool entry = asTcpstates && e.raw.kind == TCPTRACE_TW_ENTER;
        byCookie[e.raw.cookie].append({linuxName(e.raw.oldstate), entry
                                                                      ? QStringLiteral("CLOSE")
                                                                      : linuxName(e.raw.newstate)});
        if (e.raw.sport != 0 && !ids.count(e.raw.cookie))
            ids[e.raw.cookie] = {e.raw.sport, e.raw.dport};
    }
    std::map<PortPair, Steps> out;
    for (const auto &[cookie, steps] : byCookie)
        out[ids[cookie]] = steps;
    return out;
}

QList<SsSocket> TestTraceStream::ss(const QString &filter) const
{
    QProcess p;
    p.start(QStringLiteral("ss"), QStringList{QStringLiteral("-tanoeH")} + filter.split(u' '));
    p.waitForFinished(30000);
    return parseSsOutput(QString::fromLocal8Bit(p.readAllStandardOutput()));
}

namespace {
Steps steps(std::initializer_list<const char *> names)
{
    Steps out;
    for (auto it = names.begin(); it != names.end(); it += 2)
        out.append({QString::fromLatin1(*it), QString::fromLatin1(*(it + 1))});
    return out;
}

void setLingerZero(int fd)
{
    const linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}
} // namespace

void TestTraceStream::everyCloseMatchesTcpstates()
{
    LoopSockets socks;
    struct Case
    {
        const char *name = "";
        quint16 port = 0;
        quint16 client = 0;
        Steps clientSteps, serverSteps; // ours, exactly
        Steps clientOr;                 // or this: the kernel may take either way
        QString clientSsState;          // what ss shows of the client afterwards ("" = gone)
    };
    std::vector<Case> cases;
    auto begin = [&](const char *name, int *c, int *a) {
        const int l = socks.listen("127.0.0.1");
        Case k;
        k.name = name;
        k.port = quint16(LoopSockets::port(l));
        *c = socks.connect("127.0.0.1", k.port);
        *a = socks.accept(l);
        k.client = quint16(LoopSockets::port(*c));
        cases.push_back(k);
        return l;
    };
    int c, a, l;
    // 1. The client closes first: its orphan waits in a FIN_WAIT_2 minisocket, then TIME_WAIT
    //    (the peer's FIN reaching the minisocket, traced where the kernel lets us).
    l = begin("client closes", &c, &a);
    socks.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    socks.close(a);
    socks.close(l);
    // The ACK of its FIN finds it in close() (owned by the user) or not: then it stays a full
    // socket until the server's FIN, and becomes TIME_WAIT directly.
    cases.back().clientSteps =
        steps({"CLOSE", "SYN_SENT", "SYN_SENT", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT1",
               "FIN_WAIT1", "FIN_WAIT2", "FIN_WAIT2", "FIN_WAIT2"});
    if (m_trace.features() & traceprotocol::kTimeWaitSubstate)
        cases.back().clientSteps.append({QStringLiteral("FIN_WAIT2"), QStringLiteral("TIME_WAIT")});
    cases.back().clientOr =
        steps({"CLOSE", "SYN_SENT", "SYN_SENT", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT1",
               "FIN_WAIT1", "FIN_WAIT2", "FIN_WAIT2", "TIME_WAIT"});
    cases.back().serverSteps =
        steps({"LISTEN", "SYN_RECV", "SYN_RECV", "ESTABLISHED", "ESTABLISHED", "CLOSE_WAIT",
               "CLOSE_WAIT", "LAST_ACK", "LAST_ACK", "CLOSE"});
    cases.back().clientSsState = QStringLiteral("TIME-WAIT");
    // 2. The client shuts down writing and keeps the socket: the server's FIN reaches a full
    //    FIN_WAIT_2 socket, which becomes a TIME_WAIT minisocket.
    l = begin("half close", &c, &a);
    ::shutdown(c, SHUT_WR);
    QVERIFY(LoopSockets::drainToEof(a));
    socks.close(a);
    QVERIFY(LoopSockets::drainToEof(c));
    socks.close(c);
    socks.close(l);
    cases.back().clientSteps =
        steps({"CLOSE", "SYN_SENT", "SYN_SENT", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT1",
               "FIN_WAIT1", "FIN_WAIT2", "FIN_WAIT2", "TIME_WAIT"});
    cases.back().clientSsState = QStringLiteral("TIME-WAIT");
    // 3. The server closes first: the client is the passive side.
    l = begin("server closes", &c, &a);
    socks.close(a);
    QVERIFY(LoopSockets::drainToEof(c));
    socks.close(c);
    socks.close(l);
    cases.back().clientSteps = steps({"CLOSE", "SYN_SENT", "SYN_SENT", "ESTABLISHED", "ESTABLISHED",
                                      "CLOSE_WAIT", "CLOSE_WAIT", "LAST_ACK", "LAST_ACK", "CLOSE"});
    // 4. The client resets (SO_LINGER 0).
    l = begin("reset", &c, &a);
    setLingerZero(c);
    socks.close(c);
    QVERIFY(LoopSockets::drainToEof(a) || true); // ECONNRESET ends the read too
    socks.close(a);
    socks.close(l);
    cases.back().clientSteps =
        steps({"CLOSE", "SYN_SENT", "SYN_SENT", "ESTABLISHED", "ESTABLISHED", "CLOSE"});
    cases.back().serverSteps =
        steps({"LISTEN", "SYN_RECV", "SYN_RECV", "ESTABLISHED", "ESTABLISHED", "CLOSE"});
    // 5. Refused: a port nobody listens on (taken from a listener just closed).
    {
        const int gone = socks.listen("127.0.0.1");
        Case k;
        k.name = "refused";
        k.port = quint16(LoopSockets::port(gone));
        socks.close(gone); // its LISTEN -> CLOSE marks the case's end
        QCOMPARE(socks.connect("127.0.0.1", k.port), -1);
        k.clientSteps = steps({"CLOSE", "SYN_SENT", "SYN_SENT", "CLOSE"});
        cases.push_back(k);
    }

    std::set<quint16> listeners;
    for (const Case &k : cases)
        listeners.insert(k.port);
    collect(60000, listeners);
    QCOMPARE(m_trace.eventsLost(), 0u);

    for (const Case &k : cases) {
        const auto truth = tcpstatesSteps(k.port);
        const auto ours = ourSteps(k.port, true);
        QVERIFY2(!truth.empty(), k.name);
        for (const auto &[id, s] : truth) {
            const auto it = ours.find(id);
            QVERIFY2(it != ours.end(), qPrintable(QStringLiteral("%1: socket %2-%3 not traced")
                                                      .arg(k.name)
                                                      .arg(id.first)
                                                      .arg(id.second)));
            QCOMPARE(it->second.size(), s.size());
            for (qsizetype i = 0; i < s.size(); ++i) {
                QCOMPARE(it->second[i].from, s[i].from);
                QCOMPARE(it->second[i].to, s[i].to);
            }
        }
        QCOMPARE(ours.size(), truth.size());
        // And exactly what the textbook says, minisockets included.
        const auto exact = ourSteps(k.port, false);
        const PortPair client =
            k.client ? PortPair{k.client, k.port}
                     : std::find_if(exact.begin(), exact.end(), [&](auto &p) {
                           return p.first.second == k.port && p.first.first != k.port;
                       })->first;
        QVERIFY2(exact.count(client), k.name);
        if (k.clientOr.isEmpty() || exact.at(client) != k.clientOr)
            QCOMPARE(exact.at(client), k.clientSteps);
        if (!k.serverSteps.isEmpty()) {
            QVERIFY2(exact.count({k.port, k.client}), k.name);
            QCOMPARE(exact.at({k.port, k.client}), k.serverSteps);
        }
        const QList<SsSocket> now =
            ss(QStringLiteral("( sport = :%1 and dport = :%2 )").arg(k.client).arg(k.port));
        if (k.clientSsState.isEmpty() || !k.client)
            continue;
        QCOMPARE(now.size(), 1);
        QCOMPARE(now.first().state, k.clientSsState);
    }
}

// What was traced above, saved in a session and read back: still exact, to the ns, with its
// process.
void TestTraceStream::tracedTransitionsSurviveASession()
{
    KernelTimeline saved;
    for (const TracedEvent &e : m_events) {
        if (changesState(e))
            saved.transitions.push_back(toTransition(e));
    }
    QVERIFY(saved.transitions.size() > 20);
    QString error;
    const std::optional<KernelTimeline> back = parseTimelineJson(timelineJson(saved), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->transitions.size(), saved.transitions.size());
    bool sawProcess = false;
    for (std::size_t i = 0; i < saved.transitions.size(); ++i) {
        const Transition &a = saved.transitions[i], &b = back->transitions[i];
        QCOMPARE(b.observedBy, ObservedBy::Tracing);
        QCOMPARE(b.timeNs, a.timeNs);
        QCOMPARE(b.pid, a.pid);
        QCOMPARE(QByteArray(b.comm.data()), QByteArray(a.comm.data()));
        QCOMPARE(b.connection, a.connection);
        sawProcess = sawProcess || QByteArray(b.comm.data()) == "tst_tracestream";
    }
    QVERIFY(sawProcess);
}

// A TIME_WAIT minisocket lives 60 s on Linux (TCP_TIMEWAIT_LEN, no sysctl shortens it): its
// end comes from the traced timer, with the cookie the socket had, when ss stops showing it.
void TestTraceStream::timeWaitExpiresOnTheTracedTimer()
{
    LoopSockets socks;
    const int l = socks.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    const int c = socks.connect("127.0.0.1", port);
    const int a = socks.accept(l);
    const quint16 client = quint16(LoopSockets::port(c));
    ::shutdown(c, SHUT_WR);
    QVERIFY(LoopSockets::drainToEof(a));
    socks.close(a);
    QVERIFY(LoopSockets::drainToEof(c));
    socks.close(c);
    socks.close(l);
    const QString filter = QStringLiteral("( sport = :%1 and dport = :%2 )").arg(client).arg(port);
    const QList<SsSocket> before = ss(filter);
    QCOMPARE(before.size(), 1);
    QCOMPARE(before.first().state, QStringLiteral("TIME-WAIT"));

    QElapsedTimer t;
    t.start();
    auto exitEvent = [&]() -> const TracedEvent * {
        for (const TracedEvent &e : m_events) {
            if (e.raw.kind == TCPTRACE_TW_EXIT && e.raw.sport == client && e.raw.dport == port)
                return &e;
        }
        return nullptr;
    };
    while (!exitEvent() && t.elapsed() < 90000)
        m_trace.read(m_events, 500);
    const TracedEvent *exit = exitEvent();
    QVERIFY2(exit, "no TIME_WAIT expiry traced within 90 s");
    QCOMPARE(linuxName(exit->raw.oldstate), QStringLiteral("TIME_WAIT"));
    QCOMPARE(linuxName(exit->raw.newstate), QStringLiteral("CLOSE"));
    QCOMPARE(exit->raw.cookie, before.first().cookie);
    QCOMPARE(int(exit->raw.context), int(TCPTRACE_SOFTIRQ)); // a timer: no process
    QVERIFY(ss(filter).isEmpty());
    // The same cookie entered TIME_WAIT about 60 s earlier.
    const auto entry = std::find_if(m_events.begin(), m_events.end(), [&](auto &e) {
        return e.raw.kind == TCPTRACE_TW_ENTER && e.raw.cookie == exit->raw.cookie;
    });
    QVERIFY(entry != m_events.end());
    const double lived = double(exit->wallNs - entry->wallNs) / 1e9;
    QVERIFY2(lived > 59 && lived < 70, qPrintable(QString::number(lived)));
}

QTEST_GUILESS_MAIN(TestTraceStream)
#include "tst_tracestream.moc"
