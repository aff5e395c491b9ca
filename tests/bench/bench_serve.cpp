// bench_serve [ROUNDS]: what `tcpscope-cli serve` spends per poll and per scrape on the table of
// the network namespace it runs in. A poll is what the serve's poller thread does each interval
// (the dump, owners, diff and diagnosis: pollBatch + DiagnosisEngine::addPoll); a scrape is
// what its HTTP handler does (read /proc/net/netstat, render the exposition from the last poll).
// Prints the median thread CPU time and wall time of each, and their ratio
// (tests/bench/serve_bench.sh runs it at 100k sockets).
#include "diagnose/diagnosisengine.h"
#include "formats/metricsexposition.h"

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace tcpscope;

namespace {
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}
double wallMs()
{
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    KernelTable table;
    DiagnosisEngine engine;
    std::vector<double> pollCpu, pollWall, scrapeCpu, scrapeWall;
    std::size_t bytes = 0;
    int sockets = 0;
    KernelPollBatch last = pollBatch(table); // the baseline: first poll scans every process
    for (int r = 0; r < rounds; ++r) {
        double c0 = threadCpuMs(), w0 = wallMs();
        KernelPollBatch batch = pollBatch(table);
        batch.findings = std::make_shared<const std::vector<Finding>>(engine.addPoll(batch));
        pollCpu.push_back(threadCpuMs() - c0);
        pollWall.push_back(wallMs() - w0);
        last = std::move(batch);
        sockets = last.stats.sockets;

        c0 = threadCpuMs(), w0 = wallMs();
        MetricsSource source;
        source.last = &last;
        source.polls = std::uint64_t(r + 1);
        source.counters = readNetstatCounters();
        std::string out;
        out.reserve(16384);
        writeMetrics(out, source, {});
        const QByteArray body(out.data(), qsizetype(out.size())); // the response's copy
        scrapeCpu.push_back(threadCpuMs() - c0);
        scrapeWall.push_back(wallMs() - w0);
        bytes = std::size_t(body.size());
    }
    std::printf("sockets=%d rounds=%d poll_cpu_ms=%.2f poll_wall_ms=%.2f scrape_cpu_ms=%.3f "
                "scrape_wall_ms=%.3f scrape/poll=%.3f exposition_bytes=%zu\n",
                sockets, rounds, median(pollCpu), median(pollWall), median(scrapeCpu),
                median(scrapeWall), median(scrapeCpu) / std::max(1e-9, median(pollCpu)), bytes);
    return 0;
}
