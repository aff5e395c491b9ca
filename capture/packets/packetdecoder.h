// From a captured frame to a TCP Segment: link layers (Ethernet with 802.1Q/QinQ, Linux
// cooked v1 and v2, BSD loopback NULL/LOOP in both byte orders, RAW, IPV4, IPV6), IPv4 with
// options and fragments, IPv6 with its extension-header chain, TCP with options. Every length
// is checked against the captured length; what cannot be decoded is skipped with a reason.
#pragma once

#include "packets/segment.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tcpscope {

enum class SkipReason : std::uint8_t {
    None,                // a TCP segment
    NotIp,               // ARP, LLDP... (not an error)
    NotTcp,              // UDP, ICMP...
    IpFragment,          // a non-first IPv4/IPv6 fragment: counted, skipped
    TruncatedLink,       // the link header is cut short
    TruncatedIp,         // the IP header is cut short
    TruncatedTcp,        // the TCP header is cut short
    BadIpHeader,         // IPv4 IHL < 5, version mismatch, total length below the header
    BadTcpHeader,        // TCP data offset < 5 or past the segment
    UnsupportedLink,     // a link type we do not decode (per packet, in pcapng)
    TimestampOutOfRange, // its time does not fit in 64-bit nanoseconds (a hostile file)
    Count
};
inline constexpr int kSkipReasonCount = static_cast<int>(SkipReason::Count);
const char *skipReasonName(SkipReason r); // "not_ip", "truncated_tcp"...

// The link types we decode (DLT_/LINKTYPE_ numbers).
bool isSupportedLinkType(int linkType);
const char *linkTypeName(int linkType);

// Decodes one frame. seg.time and seg.packet are left to the caller.
SkipReason decodePacket(int linkType, const std::uint8_t *data, std::size_t caplen, Segment &seg);

} // namespace tcpscope
