// One TCP segment as decoded from a captured packet: the packet engine's input.
#pragma once

#include "ipaddress.h"

#include <cstdint>

namespace tcpscope {

namespace tcpflag {
inline constexpr std::uint8_t Fin = 0x01;
inline constexpr std::uint8_t Syn = 0x02;
inline constexpr std::uint8_t Rst = 0x04;
inline constexpr std::uint8_t Psh = 0x08;
inline constexpr std::uint8_t Ack = 0x10;
} // namespace tcpflag

struct Segment
{
    std::int64_t timeNs = 0; // nanoseconds since the epoch
    std::int64_t packet = 0; // 1-based index of the packet in its capture
    IpAddress src;
    IpAddress dst;
    std::uint16_t srcPort = 0;
    std::uint16_t dstPort = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload = 0; // bytes of data after the TCP header
    std::uint16_t window = 0;  // as sent, unscaled
    std::uint8_t flags = 0;
    std::int8_t windowScale = -1; // the SYN's window-scale option, -1 when absent
};

// "SYN,ACK", "FIN,ACK", "RST"...
const char *flagsText(std::uint8_t flags, char *buf /* at least 32 bytes */);

} // namespace tcpscope
