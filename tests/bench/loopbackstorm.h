// Short loopback connections as fast as one thread makes them: connect, accept, the client
// closes first, the server reads the FIN and closes. The trace benchmarks run several at once.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace tcpscope::bench {

struct Storm
{
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> connections{0};

    void run(int listener, sockaddr_in addr)
    {
        while (!stop) {
            const int c = ::socket(AF_INET, SOCK_STREAM, 0);
            if (::connect(c, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
                ::close(c);
                continue;
            }
            const int a = ::accept(listener, nullptr, nullptr);
            ::close(c);
            char b;
            [[maybe_unused]] auto n = ::read(a, &b, 1); // the client's FIN
            ::close(a);
            ++connections;
        }
    }
};

} // namespace tcpscope::bench
