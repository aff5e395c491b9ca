// One endpoint moving from one TCP state to another: the common currency of the packet
// engine and the kernel-table poller, used by the history, the animation and the
// explanations.
#pragma once

#include "ipaddress.h"
#include "tcpstate.h"

#include <cstdint>

namespace tcpscope {

enum class ObservedBy : std::uint8_t { Packets, Polling };

struct Transition
{
    double time = 0;     // seconds since the epoch
    double earliest = 0; // polling: the change happened in (earliest, time]; packets: = time
    IpAddress localAddress;
    IpAddress remoteAddress;
    std::uint16_t localPort = 0;
    std::uint16_t remotePort = 0;
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
    ObservedBy observedBy = ObservedBy::Polling;
    bool firstSeen = false;       // polling: the socket appeared; `from` is CLOSED by assumption
    std::uint64_t connection = 0; // the socket cookie (polling) or the incarnation id (packets)

    // Packets only: the segment that caused it.
    std::int64_t packetIndex = -1;
    std::uint8_t tcpFlags = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
};

} // namespace tcpscope
