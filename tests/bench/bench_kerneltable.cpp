// bench_kerneltable ROUNDS: the in-process cost of reading the kernel's socket table, in the
// same run: a bare sock_diag dump; one poll + diff without process attribution; one with
// it (cache warm). Prints the median of ROUNDS, in milliseconds.
#include "kernel/kerneltable.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace tcpscope;

namespace {

template<typename F>
double medianMs(int rounds, F f)
{
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 7;
    SockDiagSocket diag;
    std::vector<SocketRecord> records;
    QString error;
    const double bare =
        medianMs(rounds, [&] { diag.dump(kAllLinuxStates, false, records, &error); });

    KernelTableOptions noProc;
    noProc.processes = false;
    KernelTable plain(noProc);
    plain.poll();
    const double poll = medianMs(rounds, [&] { plain.poll(); });

    KernelTable withProc;
    withProc.poll(); // warms the process cache
    const double pollProc = medianMs(rounds, [&] { withProc.poll(); });

    std::printf("sockets %zu\n", records.size());
    std::printf("bare_dump_ms %.2f\n", bare);
    std::printf("poll_diff_ms %.2f (%.2fx the bare dump)\n", poll, poll / bare);
    std::printf("poll_diff_process_ms %.2f (+%.0f%% for process attribution)\n", pollProc,
                (pollProc / poll - 1) * 100);
    return 0;
}
