// connection_storm PORT [--rate N] [--seconds S] [--threads T] [--rst]: opens and closes
// loopback connections to a listener of its own on 127.0.0.1:PORT as fast as it can (or at
// about N a second), each a full handshake and close — the client closes first, the server
// then (7 packets; the client's end in TIME_WAIT), or with --rst an abortive close by the
// client (SO_LINGER 0: 4 packets, nothing left). Clients bind to rotating source addresses
// 127.1.0.0/16 so that TIME_WAIT never exhausts the ephemeral ports. Prints one line per
// second, "storm: T s, N connections/s, total M", to stderr; "ready" once listening.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<unsigned long long> g_total{0};
std::atomic<bool> g_stop{false};

int listenOn(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 4096) != 0) {
        std::perror("connection_storm: listen");
        std::exit(1);
    }
    return fd;
}

// One connection: connect (completes at once on loopback), accept, close both.
bool oneConnection(int listener, int port, std::uint32_t source, bool rst)
{
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0)
        return false;
    const int one = 1;
    setsockopt(c, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(source);
    bind(c, reinterpret_cast<sockaddr *>(&from), sizeof from);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(std::uint16_t(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0) {
        close(c);
        return false;
    }
    const int s = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (rst) {
        const linger l{1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(c);
    if (s >= 0)
        close(s);
    return true;
}

void worker(int listener, int port, int index, int threads, double ratePerThread, bool rst)
{
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::uint32_t n = std::uint32_t(index);
    unsigned long long done = 0;
    while (!g_stop) {
        const std::uint32_t source = (127u << 24) | (1u << 16) | (n % 65534 + 1);
        n += std::uint32_t(threads);
        if (oneConnection(listener, port, source, rst)) {
            ++done;
            g_total.fetch_add(1, std::memory_order_relaxed);
        }
        if (ratePerThread > 0) {
            const auto due = start + std::chrono::duration<double>(double(done) / ratePerThread);
            std::this_thread::sleep_until(std::chrono::time_point_cast<clock::duration>(due));
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc < 2) {
        std::fprintf(
            stderr,
            "usage: connection_storm PORT [--rate N] [--seconds S] [--threads T] [--rst]\n");
        return 2;
    }
    const int port = std::atoi(argv[1]);
    double rate = 0, seconds = 60;
    int threads = 2;
    bool rst = false;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--rate" && i + 1 < argc)
            rate = std::atof(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (a == "--threads" && i + 1 < argc)
            threads = std::max(1, std::atoi(argv[++i]));
        else if (a == "--rst")
            rst = true;
    }
    const int listener = listenOn(port);
    std::fprintf(stderr, "ready\n");
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(worker, listener, port, t, threads, rate / threads, rst);
    unsigned long long last = 0;
    for (int s = 1; s <= int(seconds); ++s) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        const unsigned long long now = g_total.load();
        std::fprintf(stderr, "storm: %d s, %llu connections/s, total %llu\n", s, now - last, now);
        last = now;
    }
    g_stop = true;
    for (std::thread &t : pool)
        t.join();
    return 0;
}
