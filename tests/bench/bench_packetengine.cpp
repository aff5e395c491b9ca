// bench_packetengine FILE: the packet engine's own speed on a capture, in the same run:
// libpcap's read loop alone; read + decode; the tracker alone on decoded segments (the
// engine, packets/second); and the memory the tracker holds per connection.
#include "packets/capturereader.h"

#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>

using namespace tcpscope;

namespace {
double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
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

    double best = 1e9;
    std::size_t conns = 0, changes = 0;
    for (int round = 0; round < 3; ++round) {
        TcpTracker tracker;
        t0 = std::chrono::steady_clock::now();
        for (const Segment &s : segments)
            tracker.process(s);
        tracker.finish(segments.back().timeNs);
        best = std::min(best, secondsSince(t0));
        conns = tracker.connections().size();
        changes = tracker.changes().size();
    }
    std::printf("packets %llu, connections %zu, transitions %zu\n", (unsigned long long)n, conns,
                changes);
    std::printf("libpcap read loop alone:   %8.1f ms  %6.2f M packets/s\n", libpcapLoop * 1e3,
                n / libpcapLoop / 1e6);
    std::printf("read + decode (libpcap):   %8.1f ms  %6.2f M packets/s\n", readDecode * 1e3,
                n / readDecode / 1e6);
    std::printf("engine (tracker) alone:    %8.1f ms  %6.2f M packets/s per core\n", best * 1e3,
                n / best / 1e6);
    std::printf("memory: %zu bytes per connection + %zu bytes per transition (%zu transitions per "
                "connection)\n",
                sizeof(Connection), sizeof(StateChange), conns ? changes / conns : 0);
    return 0;
}
