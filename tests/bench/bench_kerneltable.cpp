// bench_kerneltable ROUNDS: the in-process cost of reading the kernel's socket table, in the
// same run: a bare sock_diag dump; one poll + diff without process attribution; one with
// it (cache warm); the diagnosis engine on that poll's rows. Prints the median of ROUNDS, in
// milliseconds (wall; for the poll with processes and the diagnosis also the thread's CPU
// time, which a shared machine's other load does not inflate).
#include "diagnose/diagnosisengine.h"
#include "kernel/kerneltable.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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

double cpuNowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

template<typename F>
double medianCpuMs(int rounds, F f)
{
    std::vector<double> t;
    for (int i = 0; i < rounds; ++i) {
        const double start = cpuNowMs();
        f();
        t.push_back(cpuNowMs() - start);
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
    const double pollProcCpu = medianCpuMs(rounds, [&] { withProc.poll(); });

    // The diagnosis of the same table, as the poller runs it after each poll.
    const KernelPollBatch batch = pollBatch(withProc);
    const HostFacts facts = readHostFacts();
    DiagnosisEngine engine;
    double t = batch.stats.time;
    const auto diagnoseOnce = [&] {
        engine.addPoll(t += 1, *batch.rows, facts);
    };
    const double diagnose = medianMs(rounds, diagnoseOnce);
    const double diagnoseCpu = medianCpuMs(rounds, diagnoseOnce);

    std::printf("sockets %zu\n", records.size());
    std::printf("bare_dump_ms %.2f\n", bare);
    std::printf("poll_diff_ms %.2f (%.2fx the bare dump)\n", poll, poll / bare);
    std::printf("poll_diff_process_ms %.2f (+%.0f%% for process attribution)\n", pollProc,
                (pollProc / poll - 1) * 100);
    std::printf("poll_diff_process_cpu_ms %.2f\n", pollProcCpu);
    std::printf("diagnosis_ms %.2f wall, %.2f CPU (+%.1f%% wall, +%.1f%% CPU of the poll with "
                "processes)\n",
                diagnose, diagnoseCpu, diagnose / pollProc * 100, diagnoseCpu / pollProcCpu * 100);
    return 0;
}
