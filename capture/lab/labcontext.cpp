#include "lab/labcontext.h"

#include "lab/labcapture.h"

#include <QFile>
#include <QProcess>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tcpscope {

namespace {

sockaddr_in loopback(quint16 port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

quint16 portOf(int fd, bool peer)
{
    sockaddr_in a{};
    socklen_t len = sizeof a;
    const int r = peer ? ::getpeername(fd, reinterpret_cast<sockaddr *>(&a), &len)
                       : ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    return r == 0 ? ntohs(a.sin_port) : 0;
}

UniqueFd tcpSocket(int flags = 0)
{
    return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0));
}

bool bindLoopback(int fd, quint16 port)
{
    sockaddr_in a = loopback(port);
    return ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
}

// A TCP socket connecting to 127.0.0.1:port; non-blocking, a connect still in progress
// counts as made. None (errno says why) when socket() or connect() fails.
UniqueFd dial(quint16 port, bool nonBlocking)
{
    UniqueFd fd = tcpSocket(nonBlocking ? SOCK_NONBLOCK : 0);
    if (!fd)
        return fd;
    sockaddr_in a = loopback(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a) != 0
        && !(nonBlocking && errno == EINPROGRESS))
        fd.reset(); // keeps errno
    return fd;
}

QString errnoName(int err)
{
    const char *name = ::strerrorname_np(err);
    return name ? QString::fromLatin1(name) : QString::number(err);
}

bool waitWritable(int fd, int ms)
{
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, ms) == 1;
}

// The forked holder of a socket: keeps its copy of `fd` and obeys one-letter orders read
// from `orders` until told to quit or its parent goes away (the pipe closes).
[[noreturn]] void obeyOrders(int fd, int orders)
{
    // Keep only the socket and the order pipe: a child that kept the scenario's other
    // descriptors would hold their connections open too (the very leak this shows).
    for (int other = 3; other < 4096; ++other) {
        if (other != fd && other != orders)
            ::close(other);
    }
    char c;
    while (::read(orders, &c, 1) == 1) {
        if (c == 'c')
            ::close(fd);
        else if (c == 's')
            ::shutdown(fd, SHUT_WR);
        else if (c == 'q')
            break;
    }
    ::_exit(0);
}

} // namespace

LabContext::~LabContext()
{
    m_capture.reset(); // its last packets written, before the namespace goes
    if (!m_namespace.isEmpty())
        QProcess::execute(QStringLiteral("ip"), {u"netns"_qs, u"del"_qs, m_namespace});
    for (auto &[name, c] : m_children) {
        c.control.reset();
        if (c.pid > 0) {
            ::kill(c.pid, SIGKILL);
            ::waitpid(c.pid, nullptr, 0);
        }
    }
    // The sockets close with their owners.
}

bool LabContext::fail(const QString &what)
{
    m_errno = errno;
    m_error = what + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
    return false;
}

LabContext::Endpoint *LabContext::find(const QString &name)
{
    const auto it = m_sockets.find(name);
    if (it == m_sockets.end() || !it->second.fd) {
        m_error = QStringLiteral("no open socket \"%1\"").arg(name);
        return nullptr;
    }
    return &it->second;
}

bool LabContext::listen(const QString &name, int backlog, quint16 port)
{
    UniqueFd fd = tcpSocket();
    if (!fd)
        return fail(QStringLiteral("socket()"));
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!bindLoopback(fd.get(), port) || ::listen(fd.get(), backlog) != 0)
        return fail(QStringLiteral("listen()"));
    const quint16 local = portOf(fd.get(), false);
    m_sockets[name] = {std::move(fd), local, 0, true};
    return true;
}

bool LabContext::connect(const QString &name, const QString &listener, bool wait)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    const quint16 remote = l->local;
    UniqueFd fd = dial(remote, true);
    if (!fd)
        return fail(QStringLiteral("connect()"));
    if (wait && !waitWritable(fd.get(), 3000)) {
        m_error = QStringLiteral("connect() did not complete in 3 s");
        return false;
    }
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    const quint16 local = portOf(fd.get(), false);
    m_sockets[name] = {std::move(fd), local, remote, false};
    return true;
}

bool LabContext::connectRefused(const QString &name, quint16 wanted)
{
    // A port nobody listens on: bind one, note it, close it.
    quint16 port = 0;
    {
        const UniqueFd probe = tcpSocket();
        if (!probe)
            return fail(QStringLiteral("socket()"));
        if (!bindLoopback(probe.get(), wanted))
            return fail(QStringLiteral("bind()"));
        port = portOf(probe.get(), false);
    }
    UniqueFd fd = tcpSocket();
    if (!fd)
        return fail(QStringLiteral("socket()"));
    sockaddr_in a = loopback(port);
    const int r = ::connect(fd.get(), reinterpret_cast<sockaddr *>(&a), sizeof a);
    const int err = errno;
    const quint16 local = portOf(fd.get(), false);
    m_sockets[name] = {std::move(fd), local, port, false};
    if (r == 0) {
        m_error =
            QStringLiteral("connect() to port %1 succeeded: something listens there").arg(port);
        return false;
    }
    note({u"connect-failed"_qs,
          {{u"port"_qs, QString::number(port)}, {u"error"_qs, errnoName(err)}}});
    if (err != ECONNREFUSED) {
        m_error = QStringLiteral("connect() failed with %1, not ECONNREFUSED")
                      .arg(QString::fromLocal8Bit(std::strerror(err)));
        return false;
    }
    return true;
}

bool LabContext::accept(const QString &name, const QString &listener)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    UniqueFd fd(::accept4(l->fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!fd)
        return fail(QStringLiteral("accept()"));
    const quint16 local = portOf(fd.get(), false), remote = portOf(fd.get(), true);
    m_sockets[name] = {std::move(fd), local, remote, false};
    return true;
}

bool LabContext::send(const QString &name, const QByteArray &bytes)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    if (::send(e->fd.get(), bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL)
        != bytes.size())
        return fail(QStringLiteral("send()"));
    return true;
}

bool LabContext::receiveAll(const QString &name, QByteArray *out)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(e->fd.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0)
            break;
        out->append(buf, int(n));
    }
    return true;
}

bool LabContext::readToEnd(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    char buf[4096];
    for (;;) {
        pollfd p{e->fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 3000) != 1) {
            m_error = QStringLiteral("no end of stream on \"%1\" within 3 s").arg(name);
            return false;
        }
        const ssize_t n = ::recv(e->fd.get(), buf, sizeof buf, 0);
        if (n == 0)
            return true;
        if (n < 0)
            return fail(QStringLiteral("recv()"));
    }
}

bool LabContext::close(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    e->fd.reset();
    return true;
}

bool LabContext::shutdownWrite(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    return ::shutdown(e->fd.get(), SHUT_WR) == 0 || fail(QStringLiteral("shutdown()"));
}

bool LabContext::setLingerZero(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    const linger l{1, 0};
    return ::setsockopt(e->fd.get(), SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0
           || fail(QStringLiteral("setsockopt(SO_LINGER)"));
}

bool LabContext::setOrphanTimeout(const QString &name, int seconds)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    return ::setsockopt(e->fd.get(), IPPROTO_TCP, TCP_LINGER2, &seconds, sizeof seconds) == 0
           || fail(QStringLiteral("setsockopt(TCP_LINGER2)"));
}

bool LabContext::forkHolder(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return fail(QStringLiteral("pipe()"));
    UniqueFd orders(pipefd[0]), control(pipefd[1]);
    const pid_t pid = ::fork();
    if (pid < 0)
        return fail(QStringLiteral("fork()"));
    if (pid == 0)
        obeyOrders(e->fd.get(), orders.get()); // never returns
    m_children[name] = {pid, std::move(control)};
    note({u"child-holds"_qs, {{u"pid"_qs, QString::number(pid)}}});
    return true;
}

bool LabContext::order(const QString &name, char command)
{
    const auto it = m_children.find(name);
    if (it == m_children.end()) {
        m_error = QStringLiteral("no child holds \"%1\"").arg(name);
        return false;
    }
    return ::write(it->second.control.get(), &command, 1) == 1 || fail(QStringLiteral("write()"));
}

bool LabContext::childClose(const QString &name) { return order(name, 'c'); }

bool LabContext::childShutdownWrite(const QString &name) { return order(name, 's'); }

bool LabContext::shortConnections(const QString &group, const QString &listener, int n)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    const int lfd = l->fd.get();
    const quint16 lport = l->local;
    auto &clients = m_groups[group];
    for (int i = 0; i < n; ++i) {
        UniqueFd c = dial(lport, false);
        if (!c)
            return fail(QStringLiteral("connect() #%1").arg(i + 1));
        UniqueFd s(::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC));
        if (!s)
            return fail(QStringLiteral("accept() #%1").arg(i + 1));
        const quint16 local = portOf(c.get(), false);
        c.reset(); // the client closes first...
        char buf[16];
        pollfd p{s.get(), POLLIN, 0};
        ::poll(&p, 1, 1000);
        (void)::recv(s.get(), buf, sizeof buf, 0); // ...the server reads the end and closes too
        s.reset();
        clients.push_back({UniqueFd(), local, lport, false});
    }
    return true;
}

bool LabContext::connectMany(const QString &group, const QString &listener, int n)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    auto &clients = m_groups[group];
    for (int i = 0; i < n; ++i) {
        UniqueFd c = dial(l->local, true);
        if (!c)
            return fail(QStringLiteral("connect() #%1").arg(i + 1));
        const quint16 local = portOf(c.get(), false);
        clients.push_back({std::move(c), local, l->local, false});
    }
    return true;
}

void LabContext::group(const QString &group, const QStringList &names)
{
    auto &members = m_groups[group];
    for (const QString &n : names) {
        if (const auto it = m_sockets.find(n); it != m_sockets.end()) {
            const Endpoint &e = it->second; // the socket itself stays under its own name
            members.push_back({UniqueFd(), e.local, e.remote, e.listener});
        }
    }
}

bool LabContext::connectEachOther(const QString &a, const QString &b)
{
    // Two free ports: bind, note, and keep the sockets bound.
    UniqueFd fds[2];
    quint16 ports[2];
    for (int i = 0; i < 2; ++i) {
        fds[i] = tcpSocket(SOCK_NONBLOCK);
        if (!fds[i] || !bindLoopback(fds[i].get(), 0))
            return fail(QStringLiteral("bind()"));
        ports[i] = portOf(fds[i].get(), false);
    }
    for (int i = 0; i < 2; ++i) {
        sockaddr_in peer = loopback(ports[1 - i]);
        if (::connect(fds[i].get(), reinterpret_cast<sockaddr *>(&peer), sizeof peer) != 0
            && errno != EINPROGRESS)
            return fail(QStringLiteral("connect()"));
    }
    m_sockets[a] = {std::move(fds[0]), ports[0], ports[1], false};
    m_sockets[b] = {std::move(fds[1]), ports[1], ports[0], false};
    return true;
}

bool LabContext::owns(const QString &name, const SocketRecord &r) const
{
    const auto matches = [&r](const Endpoint &e) {
        if (e.listener)
            return r.state == TcpState::Listen && r.localPort == e.local;
        return r.localPort == e.local && r.remotePort == e.remote && r.state != TcpState::Listen;
    };
    if (const auto it = m_sockets.find(name); it != m_sockets.end())
        return matches(it->second);
    if (const auto it = m_groups.find(name); it != m_groups.end()) {
        for (const Endpoint &e : it->second) {
            if (matches(e))
                return true;
        }
    }
    return false;
}

QList<quint16> LabContext::ports() const
{
    QList<quint16> out;
    const auto add = [&out](quint16 p) {
        if (p && !out.contains(p))
            out << p;
    };
    for (const auto &[name, e] : m_sockets) { // listeners first: every socket shares that port
        if (e.listener)
            add(e.local);
    }
    for (const auto &[name, e] : m_sockets) {
        add(e.local);
        add(e.remote);
    }
    for (const auto &[name, group] : m_groups) {
        for (const Endpoint &e : group) {
            add(e.local);
            add(e.remote);
        }
    }
    return out;
}

QString LabContext::describe(const QString &name) const
{
    if (const auto it = m_sockets.find(name); it != m_sockets.end()) {
        const Endpoint &e = it->second;
        return e.listener
                   ? QStringLiteral("127.0.0.1:%1 (listening)").arg(e.local)
                   : QStringLiteral("127.0.0.1:%1 → 127.0.0.1:%2").arg(e.local).arg(e.remote);
    }
    if (const auto it = m_groups.find(name); it != m_groups.end())
        return QStringLiteral("%1 sockets").arg(it->second.size());
    return name;
}

} // namespace tcpscope
