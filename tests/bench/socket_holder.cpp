// socket_holder PAIRS TIMEWAIT SUBNET: holds PAIRS established loopback connections (both
// ends, 2*PAIRS descriptors) and leaves TIMEWAIT connections in TIME_WAIT, each client bound
// to its own address in 127.SUBNET.x.y so that no 4-tuple is reused. Prints "ready N" when
// done and holds everything until it is killed. Mass changes for the benchmarks, all at once:
//   SIGUSR1  resets every held connection (SO_LINGER 0: both ends vanish in one poll)
//   SIGUSR2  opens PAIRS new connections (2*PAIRS sockets appear)
//   SIGHUP   closes every held connection gracefully (clients to TIME_WAIT, servers vanish)
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

int listener(in_addr_t addr)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = addr;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 4096) != 0) {
        std::perror("socket_holder: listen");
        std::exit(1);
    }
    return fd;
}

int connectFrom(in_addr_t from, const sockaddr_in &to)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = from;
    if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0
        || connect(fd, reinterpret_cast<const sockaddr *>(&to), sizeof to) != 0) {
        std::perror("socket_holder: connect");
        std::exit(1);
    }
    return fd;
}

volatile std::sig_atomic_t g_signal = 0;

void remember(int sig) { g_signal = sig; }

void closeAll(std::vector<int> &held, bool reset)
{
    const linger now{1, 0};
    for (std::size_t i = 0; i < held.size(); ++i) {
        if (reset)
            setsockopt(held[i], SOL_SOCKET, SO_LINGER, &now, sizeof now);
        close(held[i]);
    }
    held.clear();
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: socket_holder PAIRS TIMEWAIT SUBNET\n");
        return 2;
    }
    const long pairs = std::atol(argv[1]);
    const long timewait = std::atol(argv[2]);
    const long subnet = std::atol(argv[3]);
    const in_addr_t serverAddr = htonl(0x7f000001);
    const int l = listener(serverAddr);
    sockaddr_in to{};
    socklen_t len = sizeof to;
    getsockname(l, reinterpret_cast<sockaddr *>(&to), &len);

    std::vector<int> held;
    long n = 0;
    auto nextAddr = [&] { // 127.SUBNET.(n/250).(n%250+1)
        const long i = n++;
        return htonl((127u << 24) | (std::uint32_t(subnet) << 16) | (std::uint32_t(i / 250) << 8)
                     | std::uint32_t(i % 250 + 1));
    };
    auto openPairs = [&] {
        for (long i = 0; i < pairs; ++i) {
            held.push_back(connectFrom(nextAddr(), to));
            held.push_back(accept(l, nullptr, nullptr));
        }
    };
    openPairs();
    char buf[16];
    for (long i = 0; i < timewait; ++i) {
        const int c = connectFrom(nextAddr(), to);
        const int s = accept(l, nullptr, nullptr);
        close(c); // the client closes first: its side goes to TIME_WAIT
        while (read(s, buf, sizeof buf) > 0) {
        }
        close(s);
    }
    std::printf("ready %ld\n", pairs * 2 + timewait);
    std::fflush(stdout);
    for (int sig : {SIGUSR1, SIGUSR2, SIGHUP})
        std::signal(sig, remember);
    for (;;) { // until killed
        pause();
        const int sig = g_signal;
        g_signal = 0;
        if (sig == SIGUSR1 || sig == SIGHUP)
            closeAll(held, sig == SIGUSR1);
        else if (sig == SIGUSR2)
            openPairs();
    }
}
