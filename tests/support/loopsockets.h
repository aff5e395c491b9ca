// Real TCP sockets on loopback, owned by the test, closed when it ends.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

class LoopSockets
{
public:
    ~LoopSockets()
    {
        for (int fd : m_fds)
            ::close(fd);
    }

    // A listener on an ephemeral port of addr ("127.0.0.1" or "::1"); returns the fd.
    int listen(const char *addr, int backlog = 16)
    {
        const bool v6 = std::strchr(addr, ':') != nullptr;
        const int fd = own(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_storage ss{};
        const socklen_t len = fill(addr, 0, ss);
        if (::bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 || ::listen(fd, backlog) != 0)
            return -1;
        return fd;
    }

    static int port(int fd)
    {
        sockaddr_storage ss{};
        socklen_t len = sizeof ss;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
        return ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
    }

    // A blocking connect; with nonBlocking, returns at once (the SYN is on its way).
    int connect(const char *addr, int port, bool nonBlocking = false)
    {
        const bool v6 = std::strchr(addr, ':') != nullptr;
        const int fd =
            own(::socket(v6 ? AF_INET6 : AF_INET,
                         SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0));
        sockaddr_storage ss{};
        const socklen_t len = fill(addr, port, ss);
        const int r = ::connect(fd, reinterpret_cast<sockaddr *>(&ss), len);
        if (r != 0 && !(nonBlocking && errno == EINPROGRESS))
            return -1;
        return fd;
    }

    int accept(int listener) { return own(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)); }

    // Closes one fd now (it is no longer closed at the end).
    void close(int fd)
    {
        std::erase(m_fds, fd);
        ::close(fd);
    }

    // Reads until EOF (or nothing arrives for timeoutMs); true on EOF.
    static bool drainToEof(int fd, int timeoutMs = 2000)
    {
        char buf[4096];
        for (;;) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, timeoutMs) <= 0)
                return false;
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n == 0)
                return true;
            if (n < 0)
                return false;
        }
    }

private:
    int own(int fd)
    {
        if (fd >= 0)
            m_fds.push_back(fd);
        return fd;
    }
    static socklen_t fill(const char *addr, int port, sockaddr_storage &ss)
    {
        if (std::strchr(addr, ':')) {
            auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(static_cast<uint16_t>(port));
            inet_pton(AF_INET6, addr, &a->sin6_addr);
            return sizeof *a;
        }
        auto *a = reinterpret_cast<sockaddr_in *>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, addr, &a->sin_addr);
        return sizeof *a;
    }

    std::vector<int> m_fds;
};
