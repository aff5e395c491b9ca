// bench_diagnosis [N] [ROUNDS]: the diagnosis engine's cost per poll at N sockets (default
// 100,000), on a table shaped like a busy host: 40% ESTABLISHED toward 1,000 destinations,
// 30% TIME_WAIT toward 50, 10% CLOSE_WAIT held by 20 processes, 10% FIN_WAIT_2, 5% SYN_SENT,
// the rest listeners' SYN_RECEIVED; each round is the next poll (a few rows new). Prints the
// median and best of ROUNDS in milliseconds of the thread's CPU time, next to pollBatch() of the
// same rows (the packaging the poller does anyway) for scale. Compare with the poll's own cost in
// the README.
#include "diagnose/diagnosisengine.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

using namespace tcpscope;

namespace {

IpAddress v4(std::uint32_t hostOrder)
{
    const std::uint8_t b[4] = {std::uint8_t(hostOrder >> 24), std::uint8_t(hostOrder >> 16),
                               std::uint8_t(hostOrder >> 8), std::uint8_t(hostOrder)};
    return IpAddress::v4(b);
}

DiagnosisRows makeRows(int n, double now)
{
    DiagnosisRows rows;
    rows.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        KernelPollBatch::Row r;
        SocketRecord &s = r.row.record;
        s.localAddress = v4(0x0a000001);
        s.localPort = std::uint16_t(32768 + i % 28000);
        const int band = i % 100;
        if (band < 40) {
            s.state = TcpState::Established;
            s.remoteAddress = v4(0x0a100000 + std::uint32_t(i % 1000));
            s.remotePort = 443;
            s.inode = std::uint64_t(i) + 1;
        } else if (band < 70) {
            s.state = TcpState::TimeWait;
            s.remoteAddress = v4(0x0a200000 + std::uint32_t(i % 50));
            s.remotePort = 80;
        } else if (band < 80) {
            s.state = TcpState::CloseWait;
            s.localPort = 8080;
            s.remoteAddress = v4(0x0a300000 + std::uint32_t(i % 5000));
            s.remotePort = std::uint16_t(40000 + i % 20000);
            s.recvQ = std::uint32_t(i % 3);
            s.inode = std::uint64_t(i) + 1;
            r.ownership = Ownership::Owned;
            r.processes.push_back({100000 + i % 20, QStringLiteral("worker"), QString()});
        } else if (band < 90) {
            s.state = TcpState::FinWait2;
            s.remoteAddress = v4(0x0a400000 + std::uint32_t(i % 200));
            s.remotePort = 5432;
        } else if (band < 95) {
            s.state = TcpState::SynSent;
            s.remoteAddress = v4(0x0a500000 + std::uint32_t(i % 100));
            s.remotePort = 443;
            s.inode = std::uint64_t(i) + 1;
        } else {
            s.state = TcpState::SynReceived;
            s.localPort = std::uint16_t(8000 + i % 10);
            s.remoteAddress = v4(0x0a600000 + std::uint32_t(i));
            s.remotePort = std::uint16_t(1024 + i % 60000);
        }
        r.row.key = std::uint64_t(i) * 2654435761u + 1;
        r.row.firstSeen = r.row.stateSince = now - 120;
        rows.push_back(std::move(r));
    }
    return rows;
}

// This thread's CPU time: on a shared machine, time spent descheduled is not the code's.
double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Timing
{
    double median, min;
};

template<typename F>
Timing timeMs(int rounds, F f)
{
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
        const double start = cpuMs();
        f(i);
        t.push_back(cpuMs() - start);
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t.front()};
}

} // namespace

int main(int argc, char *argv[])
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 15;
    const double now = nowSeconds();
    DiagnosisRows rows = makeRows(n, now);
    const HostFacts facts = readHostFacts();
    DiagnosisEngine engine;
    std::size_t findings = 0;
    const Timing diagnose = timeMs(rounds, [&](int round) {
        for (int k = 0; k < 50; ++k) // some new sockets each poll
            rows[std::size_t((round * 50 + k) % n)].row.firstSeen = now + round;
        findings = engine.addPoll(now + round, rows, facts).size();
    });
    // What pollBatch() does with the same rows: one copy of each (the poller does it anyway).
    const Timing copy = timeMs(rounds, [&](int) {
        auto copied = std::make_shared<DiagnosisRows>(rows);
        (void)copied;
    });
    std::printf("sockets %d  rounds %d  findings %zu\n", n, rounds, findings);
    std::printf("diagnosis per poll: %.1f ms CPU (median), %.1f ms (best)\n", diagnose.median,
                diagnose.min);
    std::printf("copying the rows once (as pollBatch does): %.1f ms CPU (median), %.1f ms (best)\n",
                copy.median, copy.min);
    return 0;
}
