// bench_packetengine FILE: the packet engine's own speed on a capture, in the same run:
// libpcap's read loop alone; read + decode; the tracker alone on decoded segments (the
// engine, packets/second); and the memory the tracker holds per connection.
#include "packets/capturereader.h"

#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>
#include <ctime>

using namespace tcpscope;

namespace {
double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
// This thread's CPU time (user + system, page faults included), which a loaded machine's other
// processes inflate much less than the wall clock.
double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}
} // namespace

int main(int argc, char *argv[])
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_packetengine FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    auto t0 = std::chrono::steady_clock::now();
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (!p) {
        std::fprintf(stderr, "%s\n", errbuf);
        return 1;
    }
    pcap_pkthdr *h;
    const u_char *d;
    std::uint64_t n = 0;
    while (pcap_next_ex(p, &h, &d) == 1)
        ++n;
    pcap_close(p);
    const double libpcapLoop = secondsSince(t0);

    CaptureReader reader;
    QString error;
    std::vector<Segment> segments;
    segments.reserve(n);
    t0 = std::chrono::steady_clock::now();
    if (!reader.open(QString::fromLocal8Bit(argv[1]), &error)
        || !reader.read(nullptr, &segments, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const double readDecode = secondsSince(t0);

    // Best of three rounds, each with a fresh tracker: as it comes (growing by copying), and
    // with the room summarize and readCapture reserve for a file of this size (reserveFor).
    double best[2] = {1e9, 1e9}, bestCpu[2] = {1e9, 1e9};
    std::size_t conns = 0, changes = 0;
    for (int reserved = 0; reserved < 2; ++reserved) {
        for (int round = 0; round < 3; ++round) {
            TcpTracker tracker;
            t0 = std::chrono::steady_clock::now();
            const double cpu0 = threadCpuSeconds();
            if (reserved)
                reader.reserveFor(tracker);
            for (const Segment &s : segments)
                tracker.process(s);
            tracker.finish(segments.back().timeNs);
            best[reserved] = std::min(best[reserved], secondsSince(t0));
            bestCpu[reserved] = std::min(bestCpu[reserved], threadCpuSeconds() - cpu0);
            conns = tracker.connections().size();
            changes = tracker.changes().size();
        }
    }
    std::printf("packets %llu, connections %zu, transitions %zu\n", (unsigned long long)n, conns,
                changes);
    std::printf("libpcap read loop alone:   %8.1f ms  %6.2f M packets/s\n", libpcapLoop * 1e3,
                n / libpcapLoop / 1e6);
    std::printf("read + decode (libpcap):   %8.1f ms  %6.2f M packets/s\n", readDecode * 1e3,
                n / readDecode / 1e6);
    const char *what[2] = {"engine (tracker) alone:   ", "  with reserveFor's room: "};
    for (int r = 0; r < 2; ++r) {
        std::printf("%s %8.1f ms  %6.2f M packets/s per core\n", what[r], best[r] * 1e3,
                    n / best[r] / 1e6);
        std::printf("  its thread CPU time:     %8.1f ms  %6.2f M packets/s per core\n",
                    bestCpu[r] * 1e3, n / bestCpu[r] / 1e6);
    }
    std::printf("memory: %zu bytes per connection + %zu bytes per transition (%zu transitions per "
                "connection)\n",
                sizeof(Connection), sizeof(StateChange), conns ? changes / conns : 0);
    return 0;
}
