#include "lab/labcontext.h"

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

// A TCP socket connecting to 127.0.0.1:port; non-blocking, a connect still in progress
// counts as made. -1 (errno says why) when socket() or connect() fails.
int dial(quint16 port, bool nonBlocking)
{
    const int fd =
        ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    sockaddr_in a = loopback(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0
        && !(nonBlocking && errno == EINPROGRESS)) {
        const int err = errno;
        ::close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

bool waitWritable(int fd, int ms)
{
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, ms) == 1;
}

} // namespace

LabContext::~LabContext()
{
    if (!m_namespace.isEmpty())
        QProcess::execute(QStringLiteral("ip"), {u"netns"_qs, u"del"_qs, m_namespace});
    for (auto &[name, c] : m_children) {
        if (c.control >= 0)
            ::close(c.control);
        if (c.pid > 0) {
            ::kill(c.pid, SIGKILL);
            ::waitpid(c.pid, nullptr, 0);
        }
    }
    for (auto &[name, e] : m_sockets) {
        if (e.fd >= 0)
            ::close(e.fd);
    }
    for (auto &[name, group] : m_groups) {
        for (Endpoint &e : group) {
            if (e.fd >= 0)
                ::close(e.fd);
        }
    }
}

bool LabContext::fail(const QString &what)
{
    m_error = what + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
    return false;
}

LabContext::Endpoint *LabContext::find(const QString &name)
{
    const auto it = m_sockets.find(name);
    if (it == m_sockets.end() || it->second.fd < 0) {
        m_error = QStringLiteral("no open socket \"%1\"").arg(name);
        return nullptr;
    }
    return &it->second;
}

bool LabContext::listen(const QString &name, int backlog, quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(QStringLiteral("socket()"));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = loopback(port);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || ::listen(fd, backlog) != 0) {
        ::close(fd);
        return fail(QStringLiteral("listen()"));
    }
    m_sockets[name] = {fd, portOf(fd, false), 0, true};
    return true;
}

bool LabContext::connect(const QString &name, const QString &listener, bool wait)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    const int fd = dial(l->local, true);
    if (fd < 0)
        return fail(QStringLiteral("connect()"));
    if (wait && !waitWritable(fd, 3000)) {
        ::close(fd);
        m_error = QStringLiteral("connect() did not complete in 3 s");
        return false;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    m_sockets[name] = {fd, portOf(fd, false), l->local, false};
    return true;
}

bool LabContext::connectRefused(const QString &name)
{
    // A port nobody listens on: bind one, note it, close it.
    const int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    if (probe < 0 || ::bind(probe, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0)
        return fail(QStringLiteral("bind()"));
    const quint16 port = portOf(probe, false);
    ::close(probe);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(QStringLiteral("socket()"));
    a = loopback(port);
    const int r = ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    const int err = errno;
    m_sockets[name] = {fd, portOf(fd, false), port, false};
    if (r == 0) {
        m_error =
            QStringLiteral("connect() to port %1 succeeded: something listens there").arg(port);
        return false;
    }
    note(QStringLiteral("connect() to 127.0.0.1:%1 failed: %2")
             .arg(port)
             .arg(QString::fromLocal8Bit(std::strerror(err))));
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
    const int fd = ::accept4(l->fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
        return fail(QStringLiteral("accept()"));
    m_sockets[name] = {fd, portOf(fd, false), portOf(fd, true), false};
    return true;
}

bool LabContext::send(const QString &name, const QByteArray &bytes)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    if (::send(e->fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL) != bytes.size())
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
        const ssize_t n = ::recv(e->fd, buf, sizeof buf, MSG_DONTWAIT);
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
        pollfd p{e->fd, POLLIN, 0};
        if (::poll(&p, 1, 3000) != 1) {
            m_error = QStringLiteral("no end of stream on \"%1\" within 3 s").arg(name);
            return false;
        }
        const ssize_t n = ::recv(e->fd, buf, sizeof buf, 0);
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
    ::close(e->fd);
    e->fd = -1;
    return true;
}

bool LabContext::shutdownWrite(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    return ::shutdown(e->fd, SHUT_WR) == 0 || fail(QStringLiteral("shutdown()"));
}

bool LabContext::setLingerZero(const QString &name)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    const linger l{1, 0};
    return ::setsockopt(e->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0
           || fail(QStringLiteral("setsockopt(SO_LINGER)"));
}

bool LabContext::setOrphanTimeout(const QString &name, int seconds)
{
    Endpoint *e = find(name);
    if (!e)
        return false;
    return ::setsockopt(e->fd, IPPROTO_TCP, TCP_LINGER2, &seconds, sizeof seconds) == 0
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
    const int fd = e->fd;
    const pid_t pid = ::fork();
    if (pid < 0)
        return fail(QStringLiteral("fork()"));
    if (pid == 0) {
        // The child: holds its copy of `fd` and obeys one-letter orders until told to quit
        // or its parent goes away (the pipe closes).
        ::close(pipefd[1]);
        // Keep only the socket and the order pipe: a child that kept the scenario's other
        // descriptors would hold their connections open too (the very leak this shows).
        for (int other = 3; other < 4096; ++other) {
            if (other != fd && other != pipefd[0])
                ::close(other);
        }
        char c;
        while (::read(pipefd[0], &c, 1) == 1) {
            if (c == 'c')
                ::close(fd);
            else if (c == 's')
                ::shutdown(fd, SHUT_WR);
            else if (c == 'q')
                break;
        }
        ::_exit(0);
    }
    ::close(pipefd[0]);
    m_children[name] = {pid, pipefd[1]};
    note(QStringLiteral("child process %1 holds a copy of the descriptor").arg(pid));
    return true;
}

bool LabContext::order(const QString &name, char command)
{
    const auto it = m_children.find(name);
    if (it == m_children.end()) {
        m_error = QStringLiteral("no child holds \"%1\"").arg(name);
        return false;
    }
    return ::write(it->second.control, &command, 1) == 1 || fail(QStringLiteral("write()"));
}

bool LabContext::childClose(const QString &name) { return order(name, 'c'); }

bool LabContext::childShutdownWrite(const QString &name) { return order(name, 's'); }

bool LabContext::shortConnections(const QString &group, const QString &listener, int n)
{
    const Endpoint *l = find(listener);
    if (!l)
        return false;
    const int lfd = l->fd;
    const quint16 lport = l->local;
    auto &clients = m_groups[group];
    for (int i = 0; i < n; ++i) {
        const int c = dial(lport, false);
        if (c < 0)
            return fail(QStringLiteral("connect() #%1").arg(i + 1));
        const int s = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        if (s < 0) {
            ::close(c);
            return fail(QStringLiteral("accept() #%1").arg(i + 1));
        }
        const quint16 local = portOf(c, false);
        ::close(c); // the client closes first...
        char buf[16];
        pollfd p{s, POLLIN, 0};
        ::poll(&p, 1, 1000);
        (void)::recv(s, buf, sizeof buf, 0); // ...the server reads the end and closes too
        ::close(s);
        clients.push_back({-1, local, lport, false});
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
        const int c = dial(l->local, true);
        if (c < 0)
            return fail(QStringLiteral("connect() #%1").arg(i + 1));
        clients.push_back({c, portOf(c, false), l->local, false});
    }
    return true;
}

void LabContext::group(const QString &group, const QStringList &names)
{
    auto &members = m_groups[group];
    for (const QString &n : names) {
        if (const auto it = m_sockets.find(n); it != m_sockets.end()) {
            Endpoint e = it->second;
            e.fd = -1; // the socket itself stays under its own name
            members.push_back(e);
        }
    }
}

bool LabContext::enterNamespace()
{
    if (::geteuid() != 0) {
        m_error = QStringLiteral("needs root: it makes a network namespace with nftables rules");
        return false;
    }
    m_namespace = QStringLiteral("tcpscope-lab-%1").arg(::getpid());
    if (QProcess::execute(QStringLiteral("ip"), {u"netns"_qs, u"add"_qs, m_namespace}) != 0) {
        m_error = QStringLiteral("ip netns add %1 failed").arg(m_namespace);
        m_namespace.clear();
        return false;
    }
    const QByteArray path = "/var/run/netns/" + m_namespace.toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
        if (fd >= 0)
            ::close(fd);
        return fail(QStringLiteral("setns(%1)").arg(m_namespace));
    }
    ::close(fd);
    if (QProcess::execute(QStringLiteral("ip"), {u"link"_qs, u"set"_qs, u"lo"_qs, u"up"_qs}) != 0) {
        m_error = QStringLiteral("cannot bring lo up in %1").arg(m_namespace);
        return false;
    }
    note(QStringLiteral("network namespace %1").arg(m_namespace));
    return true;
}

bool LabContext::nft(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("nft"), args);
    if (!p.waitForFinished(5000) || p.exitCode() != 0) {
        m_error =
            QStringLiteral("nft %1: %2")
                .arg(args.join(u' '), QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

bool LabContext::connectEachOther(const QString &a, const QString &b)
{
    // Two free ports: bind, note, and keep the sockets bound.
    int fds[2];
    quint16 ports[2];
    for (int i = 0; i < 2; ++i) {
        fds[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        m_sockets[i ? b : a] = {fds[i], 0, 0, false}; // closed with the context, whatever happens
        sockaddr_in addr = loopback(0);
        if (fds[i] < 0 || ::bind(fds[i], reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
            return fail(QStringLiteral("bind()"));
        ports[i] = portOf(fds[i], false);
    }
    for (int i = 0; i < 2; ++i) {
        sockaddr_in peer = loopback(ports[1 - i]);
        if (::connect(fds[i], reinterpret_cast<sockaddr *>(&peer), sizeof peer) != 0
            && errno != EINPROGRESS)
            return fail(QStringLiteral("connect()"));
    }
    m_sockets[a] = {fds[0], ports[0], ports[1], false};
    m_sockets[b] = {fds[1], ports[1], ports[0], false};
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

QString LabContext::takeNote()
{
    const QString n = m_notes.join(QStringLiteral("; "));
    m_notes.clear();
    return n;
}

} // namespace tcpscope
