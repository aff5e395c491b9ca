// The TCP engine on segments no decoder would need to build: each 16 bytes of input are one
// segment between a few endpoints, with any flags, sequence and acknowledgment numbers, window
// scale and time (wrapping through all of int64, as a hostile capture's timestamps may), or a
// live capture's timer tick; then the summary writers. Finds what whole files reach only by
// luck: the engine's state machine and its time arithmetic.
#include "formats/summaryformat.h"
#include "packets/tcptracker.h"

#include <cstring>

using namespace tcpscope;

namespace {

constexpr std::size_t kRecord = 16;

IpAddress host(unsigned i)
{
    const std::uint8_t a[4] = {127, 0, 0, std::uint8_t(1 + i)};
    return IpAddress::v4(a);
}

std::uint16_t port(unsigned i)
{
    constexpr std::uint16_t kPorts[4] = {8080, 40000, 40001, 0};
    return kPorts[i & 3];
}

// bytes: 0 endpoints, 1 flags, 2 what, 3 window scale, 4-7 seq, 8-11 ack, 12-13 payload,
// 14-15 time step (scaled by a power of ten that byte 2 chooses).
Segment segmentOf(const std::uint8_t *r, std::uint64_t &clock)
{
    Segment s;
    s.src = host(r[0] & 1);
    s.dst = host((r[0] >> 1) & 1);
    s.srcPort = port(r[0] >> 2);
    s.dstPort = port(r[0] >> 4);
    s.flags = r[1];
    s.windowScale = std::int8_t(r[3]);
    std::memcpy(&s.seq, r + 4, 4);
    std::memcpy(&s.ack, r + 8, 4);
    std::uint16_t payload, step;
    std::memcpy(&payload, r + 12, 2);
    std::memcpy(&step, r + 14, 2);
    s.payload = payload;
    s.window = std::uint16_t(step ^ payload);
    std::uint64_t scale = 1;
    for (int k = (r[2] >> 4) & 15; k > 0; --k)
        scale *= 10;
    clock += std::uint64_t(std::int64_t(std::int16_t(step))) * scale; // wraps: any int64
    s.timeNs = std::int64_t(clock);
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    TcpTracker tracker(size > 0 && (data[0] & 0x80) ? 1'000'000'000LL : 60'000'000'000LL);
    ReadStats stats;
    std::uint64_t clock = 1'732'440'000'000'000'000ULL;
    for (std::size_t off = 0; off + kRecord <= size; off += kRecord) {
        const std::uint8_t *r = data + off;
        Segment s = segmentOf(r, clock);
        if ((r[2] & 15) == 15) { // a live capture's timer
            tracker.expire(s.timeNs);
            continue;
        }
        s.packet = std::int64_t(++stats.packets);
        ++stats.tcpPackets;
        if (stats.packets == 1)
            stats.firstTimeNs = s.timeNs;
        stats.lastTimeNs = s.timeNs;
        tracker.process(s);
    }
    tracker.finish(stats.lastTimeNs);
    std::string out;
    writeSummaryJson(out, tracker, stats);
    writeSummaryText(out, tracker, stats);
    for (const StateChange &c : tracker.changes()) { // what the live printer writes
        writeChangeText(out, tracker, c, 9);
        writeChangeJson(out, tracker, c, 9);
    }
    return 0;
}
