// What the teaching text says about the kernel, shown by the kernel: real sockets (as root, in a
// network namespace of its own; skipped with the reason otherwise), so that the teaching and
// the kernel cannot disagree. The text's completeness and language are tst_teaching's.
#include "kernel/processmap.h"
#include "kernel/sockdiag.h"
#include "kernel/systemsettings.h"
#include "teachingtext.h"

#include <QFile>
#include <QProcess>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using namespace tcpscope;

class TestTeachingKernel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void synReceivedSituationDependsOnOwner();
    void synQueueIsTheBacklogNotMaxSynBacklog();
    void synRetriesAddLinearTimeouts();
    void icmpUnreachableEndsSynSent();
    void closeWithUnreadDataSendsRst();
    void dataAfterCloseGetsRst();
    void shutRdSendsAndDiscardsNothing();
    void restartNeedsReuseaddrOnBothSockets();
};

namespace {

struct Fd
{
    int fd = -1;
    explicit Fd(int f = -1)
        : fd(f)
    {}
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    Fd(Fd &&o) noexcept
        : fd(std::exchange(o.fd, -1))
    {}
    operator int() const { return fd; }
};

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

std::uint16_t localPort(int fd)
{
    sockaddr_in a{};
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    return ntohs(a.sin_port);
}

Fd tcpSocket(bool reuseAddr = false)
{
    Fd s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int one = 1;
    if (reuseAddr)
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    return s;
}

Fd listener(int backlog, std::uint16_t port = 0, bool reuseAddr = false)
{
    Fd l = tcpSocket(reuseAddr);
    const sockaddr_in a = loopback(port);
    if (::bind(l, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0
        || ::listen(l, backlog) != 0)
        return Fd();
    return l;
}

Fd connectTo(std::uint16_t port, bool blocking = true)
{
    Fd c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0));
    const sockaddr_in a = loopback(port);
    if (::connect(c, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0 && errno != EINPROGRESS)
        return Fd();
    return c;
}

// A connected pair on loopback: {client, server side}.
std::pair<Fd, Fd> connectedPair(int listenFd)
{
    Fd c = connectTo(localPort(listenFd));
    Fd s(::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC));
    return {std::move(c), std::move(s)};
}

void settle() { QTest::qWait(100); }

// SO_ERROR is read-and-clear: the QTRY conditions keep the first error seen.
// recv() without blocking for long: bytes read, 0 at end of stream, -errno on error.
long receive(int fd, char *buf, std::size_t len)
{
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const ssize_t n = ::recv(fd, buf, len, 0);
    return n < 0 ? -errno : long(n);
}

// The calling thread in a network namespace of its own, with lo up, until destroyed. Root
// only: `skip` says why not.
class Netns
{
public:
    explicit Netns(QString *skip)
    {
        if (geteuid() != 0) {
            *skip = QStringLiteral("needs root: makes a network namespace and sets its sysctls");
            return;
        }
        m_home = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (m_home < 0 || ::unshare(CLONE_NEWNET) != 0) {
            *skip = QStringLiteral("cannot make a network namespace: ") + qt_error_string(errno);
            return;
        }
        m_inside = true;
        if (!run(QStringLiteral("ip"), {u"link"_qs, u"set"_qs, u"lo"_qs, u"up"_qs}))
            *skip = QStringLiteral("cannot bring lo up (is iproute2 installed?)");
    }
    ~Netns()
    {
        if (m_inside && ::setns(m_home, CLONE_NEWNET) != 0)
            qFatal("cannot return to the test's network namespace");
        if (m_home >= 0)
            ::close(m_home);
    }
    Netns(const Netns &) = delete;
    Netns &operator=(const Netns &) = delete;

    // A child process started from this thread is in this namespace.
    static bool run(const QString &program, const QStringList &args, const QByteArray &input = {},
                    QByteArray *output = nullptr)
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForStarted(5000))
            return false;
        p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(10000);
        if (output)
            *output = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }
    static bool nft(const QByteArray &ruleset)
    {
        return run(QStringLiteral("nft"), {u"-f"_qs, u"-"_qs}, ruleset);
    }
    // /proc/sys/net/... as this thread sees it (this namespace's value).
    static bool setSysctl(const QString &name, const QByteArray &value)
    {
        QFile f(QStringLiteral("/proc/sys/") + QString(name).replace(u'.', u'/'));
        return f.open(QIODevice::WriteOnly) && f.write(value) == value.size();
    }
    // A TcpExt counter of this namespace (/proc/self/net would be the process's).
    static long long tcpExt(const QString &name)
    {
        QFile f(QStringLiteral("/proc/thread-self/net/netstat"));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        const auto v = parseNetstat(f.readAll(), {QStringLiteral("TcpExt.") + name});
        return v.empty() || !v[0].value ? -1 : v[0].value->toLongLong();
    }

private:
    int m_home = -1;
    bool m_inside = false;
};

// Drops every SYN+ACK this namespace sends: handshakes stay half-open.
const QByteArray kDropSynAck = "table inet tst {\n"
                               "  chain out {\n"
                               "    type filter hook output priority 0;\n"
                               "    tcp flags & (syn | ack) == syn | ack drop\n"
                               "  }\n"
                               "}\n";

// The kernel's SYN_RECEIVED sockets on a local port, as the app's kernel table reads them.
std::vector<SocketRecord> synReceived(std::uint16_t port)
{
    SockDiagSocket diag;
    std::vector<SocketRecord> all, out;
    QString error;
    if (!diag.dump(linuxStateMask({TcpState::SynReceived}), false, all, &error))
        qWarning("sock_diag: %s", qPrintable(error));
    for (const SocketRecord &r : all) {
        if (r.localPort == port && r.state == TcpState::SynReceived)
            out.push_back(r);
    }
    return out;
}

} // namespace

void TestTeachingKernel::initTestCase()
{
    Q_INIT_RESOURCE(resources);
    QVERIFY(!TeachingText::builtin().states().empty());
}

void TestTeachingKernel::synReceivedSituationDependsOnOwner()
{
    // A listener's request socket has no descriptor; a simultaneous-open socket (here a socket
    // connecting to its own port: its SYN comes back to it) is the application's own.
    QString skip;
    Netns ns(&skip);
    if (!skip.isEmpty())
        QSKIP(qPrintable(skip));
    if (!Netns::nft(kDropSynAck))
        QSKIP("nft is needed to hold handshakes half-open");

    Fd self = tcpSocket();
    sockaddr_in any = loopback(0);
    QVERIFY(::bind(self, reinterpret_cast<const sockaddr *>(&any), sizeof any) == 0);
    const std::uint16_t selfPort = localPort(self);
    const int flags = fcntl(self, F_GETFL);
    fcntl(self, F_SETFL, flags | O_NONBLOCK);
    const sockaddr_in me = loopback(selfPort);
    ::connect(self, reinterpret_cast<const sockaddr *>(&me), sizeof me);

    Fd l = listener(16);
    Fd client = connectTo(localPort(l), false);
    settle();

    std::vector<SocketRecord> records = synReceived(selfPort);
    const std::vector<SocketRecord> requests = synReceived(localPort(l));
    QCOMPARE(int(records.size()), 1);
    QCOMPARE(int(requests.size()), 1);
    records.push_back(requests[0]);
    ProcessMap processes;
    processes.update(records);
    const SocketRecord &full = records[0], &request = records[1];
    QCOMPARE(processes.ownership(full), Ownership::Owned);
    QVERIFY(std::find(processes.owners(full.inode).begin(), processes.owners(full.inode).end(),
                      int(getpid()))
            != processes.owners(full.inode).end());
    QCOMPARE(processes.ownership(request), Ownership::NoDescriptor);

    // The process texts the kernel table shows (KernelSocketModel's Process column).
    const QString owner =
        QStringLiteral("%1 (%2)").arg(processes.process(int(getpid()))->name).arg(getpid());
    const QString none = QStringLiteral("— no descriptor in this state");
    QVERIFY(socketHasOwner(owner));
    QVERIFY(!socketHasOwner(none));
    QVERIFY(!socketHasOwner(QString()));

    const TeachingEntry *e = TeachingText::builtin().state(TcpState::SynReceived);
    for (const QStringView lang : {u"en", u"zh"}) {
        const QHash<QString, QString> base{{u"duration"_qs, u"1 s"_qs},
                                           {u"timer"_qs, u"on 1.0 s"_qs}};
        QHash<QString, QString> mine = base, theirs = base;
        mine.insert(u"process"_qs, owner);
        theirs.insert(u"process"_qs, none);
        const QString ownedText = situationText(*e, lang, mine, socketHasOwner(owner));
        const QString requestText = situationText(*e, lang, theirs, socketHasOwner(none));
        QVERIFY2(ownedText != requestText, qPrintable(ownedText));
        QVERIFY2(ownedText.contains(QString::number(getpid())), qPrintable(ownedText));
        if (lang == u"en") {
            QVERIFY2(ownedText.contains(u"simultaneous open")
                         && !ownedText.contains(u"no descriptor"),
                     qPrintable(ownedText));
            QVERIFY2(requestText.contains(u"no descriptor") && requestText.contains(u"accept()"),
                     qPrintable(requestText));
        }
    }
}

void TestTeachingKernel::synQueueIsTheBacklogNotMaxSynBacklog()
{
    QString skip;
    Netns ns(&skip);
    if (!skip.isEmpty())
        QSKIP(qPrintable(skip));
    if (!Netns::nft(kDropSynAck))
        QSKIP("nft is needed to hold handshakes half-open");
    const auto halfOpen = [](int backlog, int requests) {
        Fd l = listener(backlog);
        std::vector<Fd> clients;
        for (int i = 0; i < requests; ++i)
            clients.push_back(connectTo(localPort(l), false));
        settle();
        return int(synReceived(localPort(l)).size());
    };
    // Cookies on (the default): tcp_max_syn_backlog is not read; the backlog holds.
    QVERIFY(Netns::setSysctl(u"net.ipv4.tcp_syncookies"_qs, "1"));
    QVERIFY(Netns::setSysctl(u"net.ipv4.tcp_max_syn_backlog"_qs, "16"));
    const int held = halfOpen(4096, 40);
    QVERIFY2(held == 40, qPrintable(QString::number(held)));
    // The backlog is the SYN queue: beyond it (backlog + 1) the listener sends cookies.
    const long long cookiesBefore = Netns::tcpExt(u"SyncookiesSent"_qs);
    const int small = halfOpen(8, 20);
    QVERIFY2(small <= 9, qPrintable(QString::number(small)));
    QVERIFY(Netns::tcpExt(u"SyncookiesSent"_qs) - cookiesBefore >= 20 - 9);
    // Cookies off: now tcp_max_syn_backlog counts, and unproven SYNs are dropped once the
    // queue holds three quarters of it (16 → 13 held at most).
    QVERIFY(Netns::setSysctl(u"net.ipv4.tcp_syncookies"_qs, "0"));
    const int noCookies = halfOpen(4096, 40);
    QVERIFY2(noCookies >= 12 && noCookies <= 13, qPrintable(QString::number(noCookies)));

    // What the app teaches about it.
    const TeachingEntry *e = TeachingText::builtin().sysctl(u"net.ipv4.tcp_max_syn_backlog"_qs);
    const QString meaning = e->text(u"en", u"meaning");
    QVERIFY2(meaning.startsWith(u"Not the length of the SYN queue")
                 && meaning.contains(u"listen() backlog")
                 && meaning.contains(u"tcp_syncookies is 0") && meaning.contains(u"three quarters"),
             qPrintable(meaning));
    QVERIFY(!TeachingText::builtin()
                 .sysctl(u"net.ipv4.tcp_synack_retries"_qs)
                 ->text(u"en", u"not")
                 .endsWith(u"that is tcp_max_syn_backlog."));
    QVERIFY(TeachingText::builtin()
                .state(TcpState::SynReceived)
                ->text(u"en", u"myth")
                .contains(u"tcp_max_syn_backlog is the length of the SYN queue"));
}

void TestTeachingKernel::synRetriesAddLinearTimeouts()
{
    // connect() sends 1 + tcp_syn_retries + tcp_syn_linear_timeouts SYNs before ETIMEDOUT
    // (small values here; the defaults 6 + 4 take 131 s).
    QString skip;
    Netns ns(&skip);
    if (!skip.isEmpty())
        QSKIP(qPrintable(skip));
    if (!QFile::exists(u"/proc/sys/net/ipv4/tcp_syn_linear_timeouts"_qs))
        QSKIP("this kernel has no tcp_syn_linear_timeouts (before 6.5)");
    if (!Netns::nft("table inet tst {\n  counter syns { }\n  chain in {\n"
                    "    type filter hook input priority 0;\n"
                    "    tcp dport 9 tcp flags syn counter name syns drop\n  }\n}\n"))
        QSKIP("nft is needed to drop SYNs");
    QVERIFY(Netns::setSysctl(u"net.ipv4.tcp_syn_retries"_qs, "1"));
    QVERIFY(Netns::setSysctl(u"net.ipv4.tcp_syn_linear_timeouts"_qs, "1"));
    Fd c = connectTo(9, false);
    QVERIFY(c >= 0);
    int error = 0;
    socklen_t len = sizeof error;
    QTRY_VERIFY_WITH_TIMEOUT(
        error != 0 || (getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len), error != 0), 30000);
    QCOMPARE(error, ETIMEDOUT);
    QByteArray out;
    QVERIFY(Netns::run(u"nft"_qs, {u"list"_qs, u"counter"_qs, u"inet"_qs, u"tst"_qs, u"syns"_qs},
                       {}, &out));
    QVERIFY2(out.contains("packets 3 "), out.constData()); // 1 + 1 + 1

    const TeachingEntry *s = TeachingText::builtin().state(TcpState::SynSent);
    QVERIFY(s->text(u"en", u"duration")
                .contains(u"tcp_syn_retries + net.ipv4.tcp_syn_linear_timeouts"));
    QVERIFY(s->text(u"en", u"duration").contains(u"11 SYNs"));
}

void TestTeachingKernel::icmpUnreachableEndsSynSent()
{
    // An ICMP host unreachable ends SYN_SENT with EHOSTUNREACH instead of ETIMEDOUT after the
    // retries. (With the rejecting firewall on this host the ICMP can arrive while connect()
    // still holds the socket; Linux then takes it at the first retransmission, 1 s later.)
    QString skip;
    Netns ns(&skip);
    if (!skip.isEmpty())
        QSKIP(qPrintable(skip));
    if (!Netns::nft("table ip tst {\n  chain in {\n    type filter hook input priority 0;\n"
                    "    tcp dport 9 reject with icmp type host-unreachable\n  }\n}\n"))
        QSKIP("nft is needed to answer with ICMP");
    Fd c = connectTo(9, false);
    int error = 0;
    socklen_t len = sizeof error;
    QTRY_VERIFY_WITH_TIMEOUT(
        error != 0 || (getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len), error != 0), 30000);
    QCOMPARE(error, EHOSTUNREACH);
    const QString leaves = TeachingText::builtin().state(TcpState::SynSent)->text(u"en", u"leaves");
    QVERIFY(leaves.contains(u"ICMP destination unreachable of any kind")
            && leaves.contains(u"EHOSTUNREACH"));
}

void TestTeachingKernel::closeWithUnreadDataSendsRst()
{
    Fd l = listener(4);
    auto [client, server] = connectedPair(l);
    QVERIFY(client >= 0 && server >= 0);
    QCOMPARE(::send(client, "unread", 6, MSG_NOSIGNAL), ssize_t(6));
    settle();
    ::close(std::exchange(server.fd, -1)); // with 6 bytes unread
    settle();
    char buf[16];
    QCOMPARE(receive(client, buf, sizeof buf), long(-ECONNRESET)); // an RST, not a FIN
    QVERIFY(TeachingText::builtin()
                .state(TcpState::CloseWait)
                ->text(u"en", u"leaves")
                .contains(u"close() with unread data"));
    QVERIFY(TeachingText::builtin()
                .state(TcpState::Established)
                ->text(u"en", u"leaves")
                .contains(u"sends an RST instead of a FIN"));
}

void TestTeachingKernel::dataAfterCloseGetsRst()
{
    // After close() the closer answers data with an RST; after shutdown(SHUT_WR) it reads on.
    Fd l = listener(4);
    char buf[16];
    {
        auto [client, server] = connectedPair(l);
        ::close(std::exchange(server.fd, -1));
        settle();
        QCOMPARE(receive(client, buf, sizeof buf), 0L); // the FIN
        QCOMPARE(::send(client, "late", 4, MSG_NOSIGNAL), ssize_t(4));
        settle();
        const ssize_t again = ::send(client, "again", 5, MSG_NOSIGNAL);
        QVERIFY2(again < 0 && (errno == EPIPE || errno == ECONNRESET), "no RST after close()");
    }
    {
        auto [client, server] = connectedPair(l);
        QCOMPARE(::shutdown(server, SHUT_WR), 0);
        settle();
        QCOMPARE(::send(client, "late", 4, MSG_NOSIGNAL), ssize_t(4));
        QCOMPARE(receive(server, buf, sizeof buf), 4L);
    }
    const QString fw2 = TeachingText::builtin().state(TcpState::FinWait2)->text(u"en", u"meaning");
    QVERIFY(fw2.contains(u"After shutdown(SHUT_WR) we can still receive")
            && fw2.contains(u"answered with an RST"));
}

void TestTeachingKernel::shutRdSendsAndDiscardsNothing()
{
    Fd l = listener(4);
    auto [client, server] = connectedPair(l);
    QCOMPARE(::send(client, "before", 6, MSG_NOSIGNAL), ssize_t(6));
    settle();
    QCOMPARE(::shutdown(server, SHUT_RD), 0);
    QCOMPARE(::send(client, "after", 5, MSG_NOSIGNAL), ssize_t(5)); // no RST, no FIN came
    settle();
    char buf[32] = {};
    long got = 0;
    while (got < 11) {
        const long n = receive(server, buf + got, sizeof buf - 1 - std::size_t(got));
        if (n <= 0)
            break;
        got += n;
    }
    QCOMPARE(QByteArray(buf, int(got)), QByteArray("beforeafter"));
    QVERIFY(TeachingText::builtin()
                .topic(u"close-shutdown"_qs)
                ->text(u"en", u"body")
                .contains(u"SHUT_RD, on Linux, sends nothing and discards nothing"));
}

void TestTeachingKernel::restartNeedsReuseaddrOnBothSockets()
{
    // A server that closed first leaves TIME_WAITs on its own port: a new bind() there fails
    // unless SO_REUSEADDR is on the old and the new socket.
    const auto restart = [](bool oldReuse, bool newReuse) {
        std::uint16_t port;
        {
            Fd l = listener(4, 0, oldReuse);
            port = localPort(l);
            auto [client, server] = connectedPair(l);
            ::close(std::exchange(server.fd, -1)); // the server closes first: its TIME_WAIT
            settle();
        }
        settle();
        Fd again = tcpSocket(newReuse);
        const sockaddr_in a = loopback(port);
        return ::bind(again, reinterpret_cast<const sockaddr *>(&a), sizeof a) == 0 ? 0 : errno;
    };
    QCOMPARE(restart(false, false), EADDRINUSE);
    QCOMPARE(restart(true, false), EADDRINUSE);
    QCOMPARE(restart(false, true), EADDRINUSE);
    QCOMPARE(restart(true, true), 0);
    const QString pile = TeachingText::builtin().state(TcpState::TimeWait)->text(u"en", u"pileup");
    QVERIFY(pile.contains(u"EADDRINUSE") && pile.contains(u"SO_REUSEADDR was set on both"));
}

QTEST_GUILESS_MAIN(TestTeachingKernel)
#include "tst_teachingkernel.moc"
