// The diagnoses of stuck handshakes, closes and transfers, each made by a real situation and
// only then: SYN+ACKs dropped by nftables under a burst of connects (the SYN flood's shape,
// with the cookies the kernel really sent), FIN_WAIT_2 piling up toward a peer that never
// closes, SYNs black-holed toward one port (SYN_SENT pile-up), orphans counted against
// tcp_max_orphans, and peers that stop reading (Send-Q growing, then a zero window) or vanish
// (a retransmission timer), and FINs never acknowledged (FIN_WAIT_1 retransmitting them).
// Before each situation the same poll has no such finding. Numbers
// are checked against `ss`, `nstat` and /proc/net/sockstat. nftables rules live only in the
// test's own namespaces, which are deleted (with their tables) however a test ends.
#include "diagnosisrig.h"
#include "support/loopsockets.h"

#include <QFile>
#include <QSet>

#include <fcntl.h>
#include <netinet/in.h>
#include <optional>

using namespace tcpscope;

class TestDiagnosisStuck : public QObject
{
    Q_OBJECT
private slots:
    void synFloodShape();
    void finWait2Pileup();
    void synSentPileupBlackHoled();
    void orphans();
    void deadPeerNotReading();
    void deadPeerGone();
    void finsRetransmitted();
};

namespace {

// An nftables table in a test namespace, deleted when the test function ends (the namespace
// itself is deleted after it, which would drop the table anyway). The rules drop on input:
// the packets really leave (a drop on output fails the send locally, and TCP then arms a
// probe timer instead of retransmitting), and are lost as on a path.
struct NftTable
{
    TestNetns &ns;
    bool ok = false;
    NftTable(TestNetns &n, const QByteArray &chainRules)
        : ns(n)
    {
        ok = ns.nft("table inet tcpscope_test {\n chain in {\n"
                    "  type filter hook input priority 0; policy accept;\n"
                    + chainRules + "\n }\n}\n")
             == 0;
    }
    ~NftTable()
    {
        if (ok)
            ns.exec({QStringLiteral("nft"), QStringLiteral("delete"), QStringLiteral("table"),
                     QStringLiteral("inet"), QStringLiteral("tcpscope_test")});
    }
};

// TcpExt counters as `nstat -az` prints them in the namespace.
double nstatValue(TestNetns &ns, const QString &name)
{
    QString out;
    ns.exec({QStringLiteral("nstat"), QStringLiteral("-az"), QStringLiteral("TcpExt") + name},
            &out);
    for (const QString &line : out.split(u'\n')) {
        const QStringList f = line.simplified().split(u' ');
        if (f.size() >= 2 && f[0] == QStringLiteral("TcpExt") + name)
            return f[1].toDouble();
    }
    return -1;
}

long sockstatOrphans()
{
    QFile f(QStringLiteral("/proc/net/sockstat"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QStringList w = QString::fromLatin1(f.readAll()).simplified().split(u' ');
    const qsizetype at = w.indexOf(QStringLiteral("orphan"));
    return at >= 0 ? w.value(at + 1).toLong() : -1;
}

int listenSmallWindow(LoopSockets &s, const char *addr)
{
    // Accepted sockets inherit the listener's receive buffer: a peer that does not read
    // closes its window after a few tens of kilobytes.
    const int fd = s.listen(addr, 128);
    const int small = 16384;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    return fd;
}

// Writes up to `bytes` without blocking; what was written.
qint64 writeSome(int fd, qint64 bytes)
{
    static const QByteArray chunk(65536, 'x');
    qint64 done = 0;
    while (done < bytes) {
        const ssize_t n =
            ::send(fd, chunk.constData(), size_t(std::min<qint64>(chunk.size(), bytes - done)),
                   MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
            break;
        done += n;
    }
    return done;
}

// The finding of `kind` about `subject` (the host's loopback may have others of the kind).
const Finding *findOn(const DiagnosisRig &rig, FindingKind kind, const QString &subject)
{
    for (const Finding &f : rig.engine.findings()) {
        if (f.kind == kind && f.subject == subject)
            return &f;
    }
    return nullptr;
}

QSet<quint64> cookiesOf(const QList<SsSocket> &l)
{
    QSet<quint64> c;
    for (const SsSocket &s : l)
        c.insert(s.cookie);
    return c;
}

QSet<quint64> socketsOf(const Finding &f)
{
    return QSet<quint64>(f.sockets.begin(), f.sockets.end());
}

} // namespace

void TestDiagnosisStuck::synFloodShape()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a namespace of its own whose nftables drop the SYN+ACKs, and whose "
              "counters count only this listener");
    TestNetns ns(QStringLiteral("diagsyn"));
    QVERIFY(ns.ok() && ns.enter());
    NftTable drop(ns, "  tcp sport 8080 tcp flags & (syn | ack) == (syn | ack) drop");
    QVERIFY(drop.ok);
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(8080);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(listener, reinterpret_cast<sockaddr *>(&at), sizeof at), 0);
    QCOMPARE(::listen(listener, 100), 0); // the SYN queue too is capped by the backlog
    rig.poll();
    rig.poll();
    QVERIFY(!rig.find(FindingKind::SynFlood)); // a listener alone: quiet
    const double cookiesBefore = nstatValue(ns, QStringLiteral("SyncookiesSent"));

    for (int i = 0; i < 200; ++i)
        QVERIFY(s.connect("127.0.0.1", 8080, true) >= 0);
    QTRY_VERIFY(rig.ss(QStringLiteral("SYN-RECV")).size() >= 100);
    rig.poll();
    const QList<SsSocket> synRecv = rig.ss(QStringLiteral("SYN-RECV"));
    const double cookies = nstatValue(ns, QStringLiteral("SyncookiesSent")) - cookiesBefore;
    const double doCookies = nstatValue(ns, QStringLiteral("TCPReqQFullDoCookies"));
    const Finding *f = rig.find(FindingKind::SynFlood);
    QVERIFY(f);
    QCOMPARE(f->level, FindingLevel::Warning); // cookies, no drops
    QCOMPARE(f->subject, QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(f->number(QStringLiteral("syn_recv")), double(synRecv.size()));
    QCOMPARE(socketsOf(*f), cookiesOf(synRecv));
    QVERIFY2(cookies >= 99, "the 100 past the backlog were answered with cookies");
    QVERIFY(doCookies >= 99);
    // Each cookie counts in SyncookiesSent and in TCPReqQFullDoCookies: not twice here.
    QVERIFY(f->number(QStringLiteral("cookies")) >= 99);
    QVERIFY(f->number(QStringLiteral("cookies")) <= std::max(cookies, doCookies));
    QCOMPARE(f->number(QStringLiteral("reqq_full_drops")),
             nstatValue(ns, QStringLiteral("TCPReqQFullDrop")));
    QCOMPARE(f->number(QStringLiteral("syncookies")), 1.0);
    QCOMPARE(f->number(QStringLiteral("accept_queue")), 0.0);
    QVERIFY(!rig.find(FindingKind::AcceptQueueFull)); // a flood, not a slow accept()
    ::close(listener);
}

void TestDiagnosisStuck::finWait2Pileup()
{
    // Loopback only: the finding is per peer endpoint, and the listener's port is our own.
    DiagnosisRig rig;
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 128);
    const int port = LoopSockets::port(listener);
    const QString dport = QStringLiteral("( dport = :%1 )").arg(port);
    std::vector<int> clients;
    for (int i = 0; i < 60; ++i) {
        clients.push_back(s.connect("127.0.0.1", port));
        QVERIFY(clients.back() >= 0);
        QVERIFY(s.accept(listener) >= 0); // accepted, never closed: the peer app's CLOSE_WAIT
    }
    const QString peer = QStringLiteral("127.0.0.1:%1").arg(port);
    rig.poll();
    QVERIFY(!findOn(rig, FindingKind::FinWait2Pileup, peer)); // 60 ESTABLISHED: nothing stuck
    for (int fd : clients)
        QCOMPARE(::shutdown(fd, SHUT_WR), 0); // our FIN, acknowledged; theirs never comes
    QTRY_COMPARE(rig.ss(QStringLiteral("FIN-WAIT-2"), dport).size(), 60);
    rig.poll();
    const Finding *f = findOn(rig, FindingKind::FinWait2Pileup, peer);
    QVERIFY(f);
    QCOMPARE(f->level, FindingLevel::Warning);
    const QList<SsSocket> fw2 = rig.ss(QStringLiteral("FIN-WAIT-2"), dport);
    QCOMPARE(f->number(QStringLiteral("count")), double(fw2.size()));
    QCOMPARE(socketsOf(*f), cookiesOf(fw2));
    // The other end: the peer application (this test) holds as many CLOSE_WAIT.
    QCOMPARE(
        rig.ss(QStringLiteral("CLOSE-WAIT"), QStringLiteral("( sport = :%1 )").arg(port)).size(),
        60);
}

void TestDiagnosisStuck::synSentPileupBlackHoled()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a namespace of its own whose nftables drop the SYNs to one port");
    TestNetns ns(QStringLiteral("diagsynsent"));
    QVERIFY(ns.ok() && ns.enter());
    NftTable drop(ns, "  tcp dport 9 tcp flags & (syn | ack) == syn drop");
    QVERIFY(drop.ok);
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    for (int i = 0; i < 3; ++i) // refused at once (RST): no SYN_SENT stays
        QCOMPARE(s.connect("127.0.0.1", 10), -1);
    for (int i = 0; i < 8; ++i)
        QVERIFY(s.connect("127.0.0.1", 9, true) >= 0);
    QTRY_COMPARE(rig.ss(QStringLiteral("SYN-SENT")).size(), 8);
    rig.poll();
    QVERIFY2(!rig.find(FindingKind::SynSentPileup), "young SYN_SENT are connects under way");
    QTest::qWait(3300);
    rig.poll();
    const Finding *f = rig.find(FindingKind::SynSentPileup);
    QVERIFY(f);
    QCOMPARE(f->subject, QStringLiteral("\u2192 127.0.0.1:9"));
    const QList<SsSocket> sent = rig.ss(QStringLiteral("SYN-SENT"));
    QCOMPARE(f->number(QStringLiteral("count")), double(sent.size()));
    QCOMPARE(socketsOf(*f), cookiesOf(sent));
    QVERIFY(f->number(QStringLiteral("oldest_s")) >= 3);
    QVERIFY(f->number(QStringLiteral("oldest_s")) < 30);
    QCOMPARE(f->number(QStringLiteral("failed_per_s")), -1.0);   // no trace source here
    QCOMPARE(rig.engine.countAtLeast(FindingLevel::Warning), 1); // nothing else
}

void TestDiagnosisStuck::orphans()
{
    // Orphans and tcp_max_orphans are the host's (a namespace has neither of its own), so this
    // runs on the host's loopback, with a threshold just above what the host has now.
    const HostFacts facts = readHostFacts();
    if (facts.maxOrphans <= 0 || facts.orphans < 0)
        QSKIP("no tcp_max_orphans or /proc/net/sockstat here");
    const long before = sockstatOrphans();
    DiagnosisThresholds t;
    t.orphanShare = double(before + 15) / double(facts.maxOrphans);
    DiagnosisRig rig(t);
    rig.poll();
    QVERIFY(!rig.find(FindingKind::OrphansNearLimit));
    std::optional<LoopSockets> s(std::in_place);
    const int listener = listenSmallWindow(*s, "127.0.0.1");
    const int port = LoopSockets::port(listener);
    for (int i = 0; i < 30; ++i) {
        const int c = s->connect("127.0.0.1", port);
        QVERIFY(c >= 0 && s->accept(listener) >= 0);
        QVERIFY(writeSome(c, 400000) > 0); // more than the peer's window: data stays queued
        s->close(c); // orphaned in FIN_WAIT_1: the FIN waits behind the data, window zero
    }
    const QString dport = QStringLiteral("( dport = :%1 )").arg(port);
    QTRY_COMPARE(rig.ss(QStringLiteral("FIN-WAIT-1"), dport).size(), 30);
    // The host's count moves on its own: compare a poll with the sockstat read beside it.
    const Finding *f = nullptr;
    long orphansNow = -1;
    for (int attempt = 0; attempt < 10; ++attempt) {
        rig.poll();
        orphansNow = sockstatOrphans();
        f = rig.find(FindingKind::OrphansNearLimit);
        if (f && f->number(QStringLiteral("orphans")) == double(orphansNow))
            break;
    }
    QVERIFY(f);
    QCOMPARE(f->number(QStringLiteral("orphans")), double(orphansNow));
    QVERIFY(orphansNow >= before + 30 - 10); // ours, give or take the host's own
    QCOMPARE(f->number(QStringLiteral("max_orphans")), double(facts.maxOrphans));
    QCOMPARE(f->level, FindingLevel::Warning);
    // Closing the peers resets the orphans (their unread data): the finding clears.
    s.reset();
    QTRY_VERIFY(sockstatOrphans() < before + 15);
    rig.poll();
    QVERIFY(!rig.find(FindingKind::OrphansNearLimit));
}

void TestDiagnosisStuck::deadPeerNotReading()
{
    DiagnosisRig rig; // the default 1 MiB Send-Q threshold
    LoopSockets s;
    const int listener = listenSmallWindow(s, "127.0.0.1");
    const int port = LoopSockets::port(listener);
    const int c = s.connect("127.0.0.1", port);
    QVERIFY(c >= 0 && s.accept(listener) >= 0); // accepted, never read
    const QString dport = QStringLiteral("( dport = :%1 )").arg(port);
    QCOMPARE(writeSome(c, 100000), 100000);
    rig.poll();
    rig.poll();
    const QString peer = QStringLiteral("127.0.0.1:%1").arg(port);
    QVERIFY2(!findOn(rig, FindingKind::DeadPeer, peer), "100 kB waiting is no dead peer");
    const Finding *f = nullptr;
    for (int round = 0; round < 8 && !f; ++round) {
        writeSome(c, 1 << 20);
        QTest::qWait(100);
        rig.poll();
        f = findOn(rig, FindingKind::DeadPeer, peer);
    }
    QVERIFY2(f, "the Send-Q grew past 1 MiB with no finding");
    QList<SsSocket> est = rig.ss(QStringLiteral("ESTAB"), dport);
    QCOMPARE(est.size(), 1);
    QCOMPARE(f->number(QStringLiteral("send_q")), double(est[0].sendQ));
    QVERIFY(est[0].sendQ >= 1u << 20);
    QCOMPARE(socketsOf(*f), cookiesOf(est));
    // Full: the Send-Q stops growing, the persist timer probes the zero window. Still a
    // peer that does not read.
    while (writeSome(c, 1 << 20) > 0)
        QTest::qWait(20);
    QTRY_COMPARE(rig.ss(QStringLiteral("ESTAB"), dport).value(0).timerKind,
                 QStringLiteral("persist"));
    rig.poll();
    rig.poll();
    f = findOn(rig, FindingKind::DeadPeer, peer);
    QVERIFY2(f, "a full Send-Q on a zero window lost its finding");
    est = rig.ss(QStringLiteral("ESTAB"), dport);
    QCOMPARE(f->number(QStringLiteral("send_q")), double(est.value(0).sendQ));
    s.close(c);
}

void TestDiagnosisStuck::deadPeerGone()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a namespace of its own whose nftables make the peer vanish");
    TestNetns ns(QStringLiteral("diaggone"));
    QVERIFY(ns.ok() && ns.enter());
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 16);
    const int port = LoopSockets::port(listener);
    const int c = s.connect("127.0.0.1", port);
    QVERIFY(c >= 0 && s.accept(listener) >= 0);
    QCOMPARE(writeSome(c, 1000), 1000); // delivered and acknowledged
    QTest::qWait(100);
    rig.poll();
    QVERIFY(!rig.find(FindingKind::DeadPeer));
    // The peer vanishes: nothing of ours reaches it any more.
    NftTable drop(ns, QByteArray("  tcp dport ") + QByteArray::number(port) + " drop");
    QVERIFY(drop.ok);
    QCOMPARE(writeSome(c, 1000), 1000);
    const QString dport = QStringLiteral("( dport = :%1 )").arg(port);
    QTRY_VERIFY_WITH_TIMEOUT(rig.ss(QStringLiteral("ESTAB"), dport).value(0).timerCount >= 3,
                             15000);
    const Finding *f = nullptr;
    QList<SsSocket> est;
    for (int attempt = 0; attempt < 10; ++attempt) { // the timer may fire between the two
        rig.poll();
        est = rig.ss(QStringLiteral("ESTAB"), dport);
        f = rig.find(FindingKind::DeadPeer);
        if (f && est.size() == 1
            && f->number(QStringLiteral("retransmits")) == double(est[0].timerCount))
            break;
    }
    QVERIFY(f);
    QCOMPARE(est.size(), 1);
    QCOMPARE(est[0].timerKind, QStringLiteral("on"));
    QCOMPARE(f->number(QStringLiteral("retransmits")), double(est[0].timerCount));
    QCOMPARE(f->number(QStringLiteral("send_q")), double(est[0].sendQ));
    QCOMPARE(f->number(QStringLiteral("count")), 1.0);
    QCOMPARE(socketsOf(*f), cookiesOf(est));
}

// 24 clients close while nftables drop everything toward the server's port: their FINs are
// never acknowledged, FIN_WAIT_1 retransmitting them (ss: timer "on"), at least
// close-retrans-count=20 toward one peer.
void TestDiagnosisStuck::finsRetransmitted()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: a namespace of its own whose nftables drop the FINs");
    TestNetns ns(QStringLiteral("diagfins"));
    QVERIFY(ns.ok() && ns.enter());
    DiagnosisRig rig({}, &ns);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    QList<int> clients;
    for (int i = 0; i < 24; ++i) {
        clients << s.connect("127.0.0.1", port);
        QVERIFY(clients.last() >= 0 && s.accept(listener) >= 0);
    }
    rig.poll();
    QVERIFY(!rig.find(FindingKind::CloseRetransmits)); // the quiet start
    NftTable drop(ns, QByteArray("  tcp dport ") + QByteArray::number(port) + " drop");
    QVERIFY(drop.ok);
    for (int c : clients)
        s.close(c);
    const QString dport = QStringLiteral("( dport = :%1 )").arg(port);
    QTRY_COMPARE_WITH_TIMEOUT(rig.ss(QStringLiteral("FIN-WAIT-1"), dport).size(), 24, 5000);
    const Finding *f = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((rig.poll(), f = rig.find(FindingKind::CloseRetransmits)), 5000);
    const QList<SsSocket> finWait1 = rig.ss(QStringLiteral("FIN-WAIT-1"), dport);
    for (const SsSocket &x : finWait1)
        QCOMPARE(x.timerKind, QStringLiteral("on"));
    QCOMPARE(f->level, FindingLevel::Warning);
    QCOMPARE(f->subject, QStringLiteral("127.0.0.1"));
    QCOMPARE(f->number(QStringLiteral("count")), 24.0);
    QCOMPARE(socketsOf(*f), cookiesOf(finWait1));
}

QTEST_GUILESS_MAIN(TestDiagnosisStuck)
#include "tst_diagnosis_stuck.moc"
