// One socket moving from one TCP state to another, as the kernel-table poller sees it. (The
// packet engine records its own, smaller StateChange, with the packet that caused it.)
#pragma once

#include "ipaddress.h"
#include "tcpstate.h"

#include <array>
#include <cstdint>

namespace tcpscope {

// Tracing: the kernel reported the change itself (eBPF, kernel/tracestream.h): exact time,
// exact order, and the process whose system call made it.
enum class ObservedBy : std::uint8_t { Packets, Polling, Tracing };

struct Transition
{
    double time = 0;     // seconds since the epoch
    double earliest = 0; // the change happened in (earliest, time]: the poll interval
    IpAddress localAddress;
    IpAddress remoteAddress;
    std::uint16_t localPort = 0;
    std::uint16_t remotePort = 0;
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
    ObservedBy observedBy = ObservedBy::Polling;
    bool firstSeen = false;       // the socket appeared; `from` is CLOSED by assumption
    std::uint64_t connection = 0; // the socket's identity: its cookie, or a 4-tuple hash
    std::uint32_t netns = 0;      // the socket's network namespace's inode (0: not told)
    // ObservedBy::Tracing only: the time in ns since the epoch, and who made the change: the
    // process (pid, comm) in a system call, pid 0 for a packet or a timer (softirq).
    std::int64_t timeNs = 0;
    std::uint32_t pid = 0;
    std::array<char, 16> comm{};
};

} // namespace tcpscope
