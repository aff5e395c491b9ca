// What the trace helper (tcpscope-trace, app/trace_helper.cpp) writes to standard output, and
// what its reader (TraceStream) expects. Plain C++, no Qt: the helper links libbpf only.
//
// The stream is a sequence of frames, each a FrameHeader followed by `size` bytes:
//   Hello  once, first, after the BPF program is attached (the clocks sampled together,
//          which hooks are attached)
//   Event  a tcptrace_event (kernel/bpf/tcptrace_event.h)
//   Stats  once a second and at the end: events written, events lost (ring buffer full)
// Native byte order: producer and reader run on the same machine. Messages for the user go to
// standard error, one line each.
#pragma once

#include "kernel/bpf/tcptrace_event.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace tcpscope::traceprotocol {

inline constexpr std::uint32_t kVersion = 2; // 2: events of every namespace, labelled
inline constexpr char kMagic[8] = {'t', 'c', 'p', 't', 'r', 'a', 'c', 'e'};

enum class FrameType : std::uint32_t { Hello = 1, Event = 2, Stats = 3 };

struct FrameHeader
{
    FrameType type;
    std::uint32_t size; // of the payload that follows
};

// Which parts of the trace this kernel allows (Hello::features). What is missing, the
// poller reports (TraceMerge keeps those of its transitions).
enum Feature : std::uint32_t {
    kTimeWaitEnter = 1u << 0,    // a socket becoming a TIME_WAIT (or FIN_WAIT_2) minisocket
    kTimeWaitExpiry = 1u << 1,   // the minisocket's timer expiring
    kContext = 1u << 2,          // softirq told apart from process context
    kTimeWaitSubstate = 1u << 3, // an orphan's FIN_WAIT_2 minisocket getting the peer's FIN
    kTimeWaitKill = 1u << 4,     // a minisocket ended before its timer (reused, SYN, RST)
};

struct Hello
{
    char magic[8];
    std::uint32_t version;
    std::uint32_t eventSize;  // sizeof(tcptrace_event) on the producer's side
    std::int64_t realtimeNs;  // CLOCK_REALTIME ...
    std::int64_t monotonicNs; // ... and CLOCK_MONOTONIC, read back to back
    std::uint32_t features;
    std::uint32_t ringBytes; // the ring buffer's size
};

struct Stats
{
    std::uint64_t events; // written so far
    std::uint64_t lost;   // dropped by the BPF program: the ring buffer was full
    std::uint32_t final;  // 1 in the last frame
    std::uint32_t reserved;
};

inline Hello makeHello(std::int64_t realtimeNs, std::int64_t monotonicNs, std::uint32_t features,
                       std::uint32_t ringBytes)
{
    Hello h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.eventSize = sizeof(tcptrace_event);
    h.realtimeNs = realtimeNs;
    h.monotonicNs = monotonicNs;
    h.features = features;
    h.ringBytes = ringBytes;
    return h;
}

// A Hello this reader understands.
inline bool helloIsValid(const Hello &h)
{
    return std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.version == kVersion
           && h.eventSize == sizeof(tcptrace_event);
}

// The largest payload a frame may carry; anything bigger is a corrupt stream.
inline constexpr std::uint32_t kMaxFrameBytes = 4096;

} // namespace tcpscope::traceprotocol
