// The kernel-table poller against the kernel itself: real loopback sockets put into known
// states, read by sock_diag and by /proc/net/tcp, compared socket by socket with what
// `ss -tanoe` says at the same moment. As root everything runs in a network namespace of
// the test's own (so SYN_SENT can be made by an nftables rule that drops SYNs); without
// root the test uses the host's loopback and skips only the SYN_SENT case, saying why.
#include "kernel/kerneltable.h"
#include "kernel/procnettcp.h"
#include "support/loopsockets.h"
#include "support/netns.h"
#include "support/sstext.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTest>
#include <QThread>

#include <memory>
#include <set>

using namespace tcpscope;

class TestKernelTableLive : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void sockDiagAgreesWithSs();
    void synSentAgreesWithSs();
    void procAgreesWithSs();
    void ownPidIsAttributed();
    void pollsBecomeTransitions();
    void stateMaskFiltersInKernel();

private:
    bool ours(const QString &addr, quint16 lport, quint16 rport) const;
    QList<SsSocket> ssNow();
    void compareWithSs(const std::vector<SocketRecord> &records, bool fromProc);
    template<typename Pred>
    bool waitFor(Pred pred, int ms = 3000);
    void recordFixtures();

    std::unique_ptr<TestNetns> m_ns;
    LoopSockets m_sockets;
    std::set<quint16> m_ports; // the listeners' ports: every socket of the test uses one
    quint16 m_blackholePort = 0;
    int m_estClient = -1;
};

template<typename Pred>
bool TestKernelTableLive::waitFor(Pred pred, int ms)
{
    for (int waited = 0; waited < ms; waited += 20) {
        if (pred())
            return true;
        QThread::msleep(20);
    }
    return pred();
}

bool TestKernelTableLive::ours(const QString &, quint16 lport, quint16 rport) const
{
    return m_ports.contains(lport) || m_ports.contains(rport)
           || (m_blackholePort && (lport == m_blackholePort || rport == m_blackholePort));
}

QList<SsSocket> TestKernelTableLive::ssNow()
{
    QString out;
    const int rc = TestNetns::run({QStringLiteral("ss"), QStringLiteral("-tanoeH")}, &out);
    if (rc != 0)
        qWarning("ss failed: %s", qPrintable(out));
    QList<SsSocket> mine;
    for (const SsSocket &s : parseSsOutput(out)) {
        if (ours(s.localAddress, s.localPort, s.remotePort))
            mine.append(s);
    }
    return mine;
}

void TestKernelTableLive::initTestCase()
{
    if (TestNetns::canCreate()) {
        m_ns = std::make_unique<TestNetns>(QStringLiteral("kt"));
        QVERIFY2(m_ns->ok(), "could not create a network namespace with `ip netns add`");
        QVERIFY(m_ns->enter());
    } else {
        qInfo("not root: using the host's loopback; the SYN_SENT case needs a network namespace");
    }

    const int l4 = m_sockets.listen("127.0.0.1");
    const int l6 = m_sockets.listen("::1");
    QVERIFY(l4 >= 0);
    QVERIFY2(l6 >= 0, "IPv6 loopback (::1) is needed");
    const int p4 = LoopSockets::port(l4);
    const int p6 = LoopSockets::port(l6);
    m_ports = {quint16(p4), quint16(p6)};

    // ESTABLISHED, both ends.
    m_estClient = m_sockets.connect("127.0.0.1", p4);
    QVERIFY(m_estClient >= 0);
    QVERIFY(m_sockets.accept(l4) >= 0);

    // CLOSE_WAIT (with 5 unread bytes) facing FIN_WAIT_2: the client half-closes, the server
    // never calls close().
    const int halfClient = m_sockets.connect("127.0.0.1", p4);
    QVERIFY(halfClient >= 0);
    QVERIFY(m_sockets.accept(l4) >= 0);
    QCOMPARE(::write(halfClient, "hello", 5), ssize_t(5));
    QCOMPARE(::shutdown(halfClient, SHUT_WR), 0);

    // TIME_WAIT: the client closes first, the server reads the EOF and closes too.
    const int twClient = m_sockets.connect("127.0.0.1", p4);
    const int twServer = m_sockets.accept(l4);
    QVERIFY(twClient >= 0 && twServer >= 0);
    m_sockets.close(twClient);
    QVERIFY(LoopSockets::drainToEof(twServer));
    m_sockets.close(twServer);

    // IPv6 ESTABLISHED.
    QVERIFY(m_sockets.connect("::1", p6) >= 0);
    QVERIFY(m_sockets.accept(l6) >= 0);

    // SYN_SENT: inside our namespace, nftables drops every SYN to the black-hole port.
    if (m_ns) {
        m_blackholePort = 9;
        QCOMPARE(m_ns->nft("table inet tcpscope_test {\n"
                           "  chain in { type filter hook input priority 0;\n"
                           "    tcp dport 9 tcp flags syn drop\n  }\n}\n"),
                 0);
        QVERIFY(m_sockets.connect("127.0.0.1", 9, true) >= 0);
    }

    // Let the closes settle: wait until ss shows the TIME_WAIT, and the FIN_WAIT_2 once the
    // server's kernel has sent its delayed ACK of the FIN (FIN_WAIT_1 lasts until then).
    QVERIFY(waitFor([&] {
        QSet<QString> states;
        for (const SsSocket &s : ssNow())
            states.insert(s.state);
        return states.contains(u"TIME-WAIT"_qs) && states.contains(u"FIN-WAIT-2"_qs);
    }));
}

void TestKernelTableLive::cleanupTestCase()
{
    if (!qEnvironmentVariableIsEmpty("TCPSCOPE_RECORD_FIXTURES"))
        recordFixtures();
    m_ns.reset();
}

void TestKernelTableLive::compareWithSs(const std::vector<SocketRecord> &all, bool fromProc)
{
    std::vector<SocketRecord> records;
    for (const SocketRecord &r : all) {
        if (ours(r.localAddress.toString(), r.localPort, r.remotePort))
            records.push_back(r);
    }
    const QList<SsSocket> ss = ssNow();

    QCOMPARE(int(records.size()), int(ss.size()));
    std::set<TcpState> seen;
    for (const SsSocket &s : ss) {
        const SocketRecord *match = nullptr;
        for (const SocketRecord &r : records) {
            if (r.localPort == s.localPort && r.remotePort == s.remotePort
                && r.localAddress.toString() == s.localAddress
                && r.remoteAddress.toString() == s.remoteAddress)
                match = &r;
        }
        const QString what = QStringLiteral("%1 %2:%3 -> %4:%5")
                                 .arg(s.state, s.localAddress)
                                 .arg(s.localPort)
                                 .arg(s.remoteAddress)
                                 .arg(s.remotePort);
        QVERIFY2(match, qPrintable(QStringLiteral("missing: ") + what));
        QCOMPARE(match->state, parseTcpState(s.state).value_or(TcpState::Closed));
        seen.insert(match->state);
        QCOMPARE(match->recvQ, s.recvQ);
        if (!(fromProc && match->state == TcpState::Listen)) // /proc has no backlog limit
            QCOMPARE(match->sendQ, s.sendQ);
        QCOMPARE(match->inode, s.inode);
        if (!fromProc)
            QCOMPARE(match->cookie, s.cookie);
        QCOMPARE(
            QString::fromLatin1(match->timer == TimerKind::None ? "" : timerKindName(match->timer)),
            s.timerKind);
        if (match->timer == TimerKind::TimeWait) {
            // ss prints whole seconds, read a moment after ours.
            QVERIFY2(std::abs(match->timerExpiresMs / 1000.0 - s.timerSeconds) <= 2.0,
                     qPrintable(QStringLiteral("%1 ms vs %2 s")
                                    .arg(match->timerExpiresMs)
                                    .arg(s.timerSeconds)));
        }
    }
    for (TcpState want : {TcpState::Listen, TcpState::Established, TcpState::CloseWait,
                          TcpState::FinWait2, TcpState::TimeWait})
        QVERIFY2(seen.contains(want), names(want).rfc);
    QCOMPARE(seen.contains(TcpState::SynSent), bool(m_ns));
}

void TestKernelTableLive::sockDiagAgreesWithSs()
{
    KernelTable table;
    QCOMPARE(table.source(), TableSource::SockDiag);
    std::vector<SocketRecord> records;
    QVERIFY(table.read(records));
    compareWithSs(records, false);
}

void TestKernelTableLive::synSentAgreesWithSs()
{
    if (!m_ns)
        QSKIP("SYN_SENT needs a network namespace with an nftables rule that drops SYNs: run as "
              "root");
    KernelTable table;
    std::vector<SocketRecord> records;
    QVERIFY(table.read(records));
    const auto it = std::find_if(records.begin(), records.end(), [&](const SocketRecord &r) {
        return r.remotePort == m_blackholePort;
    });
    QVERIFY(it != records.end());
    QCOMPARE(it->state, TcpState::SynSent);
    QCOMPARE(it->timer, TimerKind::Retransmit); // the SYN waits to be sent again
    QCOMPARE(it->sendQ, 1u);                    // the SYN occupies one sequence number
    compareWithSs(records, false);              // and ss agrees on every socket, this one too
}

void TestKernelTableLive::procAgreesWithSs()
{
    KernelTableOptions o;
    o.forceProc = true;
    KernelTable table(o);
    QCOMPARE(table.source(), TableSource::ProcNetTcp);
    std::vector<SocketRecord> records;
    QVERIFY(table.read(records));
    compareWithSs(records, true);
}

void TestKernelTableLive::ownPidIsAttributed()
{
    KernelTable table;
    table.poll();
    int checked = 0;
    for (const SocketRow &row : table.table().rows()) {
        const SocketRecord &r = row.record;
        if (!ours(r.localAddress.toString(), r.localPort, r.remotePort))
            continue;
        const Ownership o = table.processes().ownership(r);
        if (r.state == TcpState::TimeWait) {
            QCOMPARE(o, Ownership::NoDescriptor);
            continue;
        }
        QCOMPARE(o, Ownership::Owned);
        QVERIFY(table.processes().owners(r.inode) == std::vector<int>{int(::getpid())});
        const ProcessInfo *p = table.processes().process(::getpid());
        QVERIFY(p);
        QCOMPARE(p->name, QStringLiteral("tst_kerneltable").left(15));
        ++checked;
    }
    QVERIFY(checked >= 8);
}

void TestKernelTableLive::pollsBecomeTransitions()
{
    KernelTable table;
    QVERIFY(table.poll().empty()); // the first poll only says what exists
    const int listener = m_sockets.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(listener));
    m_ports.insert(port);
    const int client = m_sockets.connect("127.0.0.1", port);
    const int server = m_sockets.accept(listener);
    QVERIFY(client >= 0 && server >= 0);

    auto transitionsOn = [&](const std::vector<Transition> &ts) {
        QStringList out;
        for (const Transition &t : ts) {
            if (t.localPort == port || t.remotePort == port)
                out << QStringLiteral("%1:%2>%3%4")
                           .arg(t.localPort == port ? u"server" : u"client")
                           .arg(QString::fromLatin1(names(t.from).rfc),
                                QString::fromLatin1(names(t.to).rfc),
                                t.firstSeen ? QStringLiteral("(new)") : QString());
        }
        out.sort();
        return out;
    };
    QStringList got = transitionsOn(table.poll());
    // The listener is a socket too: it appears with the connection.
    QCOMPARE(got,
             (QStringList{u"client:CLOSED>ESTABLISHED(new)"_qs,
                          u"server:CLOSED>ESTABLISHED(new)"_qs, u"server:CLOSED>LISTEN(new)"_qs}));

    m_sockets.close(client); // the client closes first
    got.clear();
    // FIN_WAIT_1 may or may not be caught between two polls. A loaded machine (the sanitizer
    // build beside other suites) can be slow: wait up to 10 s, and say what was seen.
    QVERIFY2(waitFor(
                 [&] {
                     got += transitionsOn(table.poll());
                     return got.contains(u"server:ESTABLISHED>CLOSE_WAIT"_qs)
                            && (got.contains(u"client:ESTABLISHED>FIN_WAIT_2"_qs)
                                || got.contains(u"client:FIN_WAIT_1>FIN_WAIT_2"_qs));
                 },
                 10000),
             qPrintable(got.join(u", ")));
    m_sockets.close(server); // then the server: LAST_ACK lasts one loopback RTT
    got.clear();
    QVERIFY2(waitFor(
                 [&] {
                     got += transitionsOn(table.poll());
                     return got.contains(u"client:FIN_WAIT_2>TIME_WAIT"_qs)
                            && got.contains(u"server:CLOSE_WAIT>CLOSED"_qs);
                 },
                 10000),
             qPrintable(got.join(u", ")));
    // The vanished server socket is kept, marked gone, so that a view can fade it out.
    bool fading = false;
    for (const SocketRow &row : table.table().rows())
        fading |= row.record.localPort == port && row.record.remotePort != 0 && !row.alive();
    QVERIFY(fading);
}

void TestKernelTableLive::stateMaskFiltersInKernel()
{
    KernelTableOptions o;
    o.stateMask = linuxStateMask({TcpState::TimeWait, TcpState::CloseWait});
    KernelTable table(o);
    std::vector<SocketRecord> records;
    QVERIFY(table.read(records));
    QVERIFY(!records.empty());
    for (const SocketRecord &r : records)
        QVERIFY(r.state == TcpState::TimeWait || r.state == TcpState::CloseWait);
}

// With TCPSCOPE_RECORD_FIXTURES=DIR set, cleanupTestCase saves what this test's sockets look like
// to every reader (raw sock_diag replies, /proc/net/tcp{,6}, `ss -tanoeH`) for tst_kernelparsers.
void TestKernelTableLive::recordFixtures()
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_RECORD_FIXTURES");
    QVERIFY2(m_ns,
             "fixtures are recorded as root, in a namespace that holds only the test's sockets");
    QVERIFY(QDir().mkpath(dir));
    SockDiagSocket diag;
    std::vector<SocketRecord> records;
    QByteArray raw;
    QString error;
    QVERIFY2(diag.dump(kAllLinuxStates, false, records, &error, &raw), qPrintable(error));
    QString ss;
    QCOMPARE(TestNetns::run({QStringLiteral("ss"), QStringLiteral("-tanoeH")}, &ss), 0);
    auto save = [&](const QString &name, const QByteArray &bytes) {
        QFile f(dir + u'/' + name);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    };
    save(QStringLiteral("sockdiag.bin"), raw);
    save(QStringLiteral("ss.txt"), ss.toUtf8());
    for (const char *name : {"tcp", "tcp6"}) {
        QFile f(QStringLiteral("/proc/net/") + QLatin1String(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        save(QLatin1String(name), f.readAll());
    }
}

QTEST_GUILESS_MAIN(TestKernelTableLive)
#include "tst_kerneltable_live.moc"
