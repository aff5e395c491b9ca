#include "packets/packetdecoder.h"

#include <algorithm>
#include <cstring>

namespace tcpscope {

namespace {

// Link-layer numbers (pcap-linktype(7)); DLT_RAW is 12 on Linux builds of libpcap, 14 on
// some BSDs, and LINKTYPE_RAW (101) in files.
constexpr int kNull = 0, kEthernet = 1, kRaw12 = 12, kRaw14 = 14, kRaw = 101, kLoop = 108,
              kSll = 113, kIpv4 = 228, kIpv6 = 229, kNflog = 239, kSll2 = 276;

constexpr std::uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100,
                        kEtherQinQ = 0x88a8, kEtherQinQOld = 0x9100, kEtherPppoeSession = 0x8864;

inline std::uint16_t be16(const std::uint8_t *p) { return std::uint16_t(p[0] << 8 | p[1]); }
inline std::uint32_t be32(const std::uint8_t *p)
{
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}

SkipReason decodeTcp(const std::uint8_t *p, std::size_t len, Segment &seg)
{
    if (len < 20)
        return SkipReason::TruncatedTcp;
    const std::size_t off = std::size_t(p[12] >> 4) * 4;
    if (off < 20)
        return SkipReason::BadTcpHeader;
    if (off > len)
        return SkipReason::TruncatedTcp;
    seg.srcPort = be16(p);
    seg.dstPort = be16(p + 2);
    seg.seq = be32(p + 4);
    seg.ack = be32(p + 8);
    seg.flags = p[13];
    seg.window = be16(p + 14);
    seg.windowScale = -1;
    if (seg.flags & tcpflag::Syn) { // only a SYN carries the window-scale option
        for (std::size_t i = 20; i < off;) {
            const std::uint8_t kind = p[i];
            if (kind == 0)
                break;
            if (kind == 1) {
                ++i;
                continue;
            }
            if (i + 1 >= off || p[i + 1] < 2 || i + p[i + 1] > off)
                break;
            if (kind == 3 && p[i + 1] == 3)
                seg.windowScale = std::int8_t(p[i + 2] > 14 ? 14 : p[i + 2]);
            i += p[i + 1];
        }
    }
    return SkipReason::None;
}

// wireLen: the IP packet's own idea of the TCP length (from its header), capLen: what was
// captured. The payload size comes from the header even when the capture is cut short
// (snap length): captures keep headers only.
SkipReason decodeIpv4(const std::uint8_t *p, std::size_t len, Segment &seg)
{
    if (len < 20)
        return SkipReason::TruncatedIp;
    if ((p[0] >> 4) != 4)
        return SkipReason::BadIpHeader;
    const std::size_t ihl = std::size_t(p[0] & 0x0f) * 4;
    const std::size_t total = be16(p + 2);
    if (ihl < 20 || total < ihl)
        return SkipReason::BadIpHeader;
    if (ihl > len)
        return SkipReason::TruncatedIp;
    const std::uint16_t frag = be16(p + 6);
    if (p[9] != 6)
        return SkipReason::NotTcp;
    if (frag & 0x1fff) // a later fragment: no TCP header in it
        return SkipReason::IpFragment;
    seg.src = IpAddress::v4(p + 12);
    seg.dst = IpAddress::v4(p + 16);
    const bool moreFragments = frag & 0x2000;
    // What the packet holds after its header: the captured bytes, or less if the header says
    // so (Ethernet padding).
    const std::size_t avail = std::min(len - ihl, total - ihl);
    const SkipReason r = decodeTcp(p + ihl, avail, seg);
    if (r == SkipReason::TruncatedTcp && moreFragments && len - ihl >= total - ihl)
        return SkipReason::IpFragment; // a first fragment too short to hold the TCP header
    if (r != SkipReason::None)
        return r;
    const std::size_t tcpHeader = std::size_t(p[ihl + 12] >> 4) * 4;
    const std::size_t tcpLen = total - ihl;
    if (tcpLen < tcpHeader) // a first fragment cut inside the TCP header, or a lie
        return moreFragments ? SkipReason::IpFragment : SkipReason::BadTcpHeader;
    seg.payload = std::uint32_t(tcpLen - tcpHeader);
    return SkipReason::None;
}

SkipReason decodeIpv6(const std::uint8_t *p, std::size_t len, Segment &seg)
{
    if (len < 40)
        return SkipReason::TruncatedIp;
    if ((p[0] >> 4) != 6)
        return SkipReason::BadIpHeader;
    const std::size_t payloadLen = be16(p + 4);
    std::uint8_t next = p[6];
    seg.src = IpAddress::v6(p + 8);
    seg.dst = IpAddress::v6(p + 24);
    std::size_t off = 40;
    std::size_t remaining = payloadLen; // bytes after the fixed header, per the header
    for (int hops = 0; hops < 16; ++hops) {
        switch (next) {
        case 6: { // TCP
            const SkipReason r = decodeTcp(p + off, len - off, seg);
            if (r != SkipReason::None)
                return r;
            const std::size_t tcpHeader = std::size_t(p[off + 12] >> 4) * 4;
            if (remaining < tcpHeader)
                return SkipReason::BadTcpHeader;
            seg.payload = std::uint32_t(remaining - tcpHeader);
            return SkipReason::None;
        }
        case 0:    // hop-by-hop
        case 43:   // routing
        case 60:   // destination options
        case 51:   // AH: length in 4-byte units, minus 2
        case 44: { // fragment
            if (off + 8 > len)
                return SkipReason::TruncatedIp;
            std::size_t extLen;
            if (next == 44) {
                extLen = 8;
                const std::uint16_t fragOff = be16(p + off + 2) >> 3;
                if (fragOff != 0)
                    return SkipReason::IpFragment;
            } else if (next == 51) {
                extLen = (std::size_t(p[off + 1]) + 2) * 4;
            } else {
                extLen = (std::size_t(p[off + 1]) + 1) * 8;
            }
            if (extLen > remaining)
                return SkipReason::BadIpHeader;
            if (off + extLen > len)
                return SkipReason::TruncatedIp;
            next = p[off];
            off += extLen;
            remaining -= extLen;
            break;
        }
        default:
            return SkipReason::NotTcp; // UDP, ICMPv6, ESP, no next header...
        }
    }
    return SkipReason::BadIpHeader; // an extension chain too long to be honest
}

SkipReason decodeByEtherType(std::uint16_t type, const std::uint8_t *p, std::size_t len,
                             Segment &seg)
{
    if (type == kEtherIpv4)
        return decodeIpv4(p, len, seg);
    if (type == kEtherIpv6)
        return decodeIpv6(p, len, seg);
    if (type == kEtherPppoeSession) { // PPPoE header (6), then the PPP protocol (2)
        if (len < 8)
            return SkipReason::TruncatedLink;
        const std::uint16_t ppp = be16(p + 6);
        if (ppp == 0x0021)
            return decodeIpv4(p + 8, len - 8, seg);
        if (ppp == 0x0057)
            return decodeIpv6(p + 8, len - 8, seg);
        return SkipReason::NotIp;
    }
    return SkipReason::NotIp;
}

// NFLOG: a 4-byte header (family, version, resource id), then TLVs with little-endian length
// and type, each padded to 4 bytes; the packet is the NFULA_PAYLOAD (type 9).
SkipReason decodeNflog(const std::uint8_t *p, std::size_t len, Segment &seg)
{
    if (len < 4)
        return SkipReason::TruncatedLink;
    const std::uint8_t family = p[0];
    std::size_t off = 4;
    while (off + 4 <= len) {
        const std::size_t tlvLen = std::size_t(p[off] | p[off + 1] << 8);
        const std::uint16_t type = std::uint16_t(p[off + 2] | p[off + 3] << 8);
        if (tlvLen < 4 || off + tlvLen > len)
            return SkipReason::TruncatedLink;
        if (type == 9) {
            const std::uint8_t *ip = p + off + 4;
            const std::size_t ipLen = tlvLen - 4;
            return family == 10 ? decodeIpv6(ip, ipLen, seg) : decodeIpv4(ip, ipLen, seg);
        }
        off += (tlvLen + 3) & ~std::size_t(3);
    }
    return SkipReason::NotIp; // no payload: a log entry of metadata only
}

SkipReason decodeByFamily(std::uint32_t family, const std::uint8_t *p, std::size_t len,
                          Segment &seg)
{
    if (family == 2)
        return decodeIpv4(p, len, seg);
    if (family == 10 || family == 24 || family == 28 || family == 30) // Linux, BSDs, macOS
        return decodeIpv6(p, len, seg);
    return SkipReason::NotIp;
}

} // namespace

const char *skipReasonName(SkipReason r)
{
    switch (r) {
    case SkipReason::None:
        return "none";
    case SkipReason::NotIp:
        return "not_ip";
    case SkipReason::NotTcp:
        return "not_tcp";
    case SkipReason::IpFragment:
        return "ip_fragment";
    case SkipReason::TruncatedLink:
        return "truncated_link";
    case SkipReason::TruncatedIp:
        return "truncated_ip";
    case SkipReason::TruncatedTcp:
        return "truncated_tcp";
    case SkipReason::BadIpHeader:
        return "bad_ip_header";
    case SkipReason::BadTcpHeader:
        return "bad_tcp_header";
    case SkipReason::UnsupportedLink:
        return "unsupported_link_type";
    case SkipReason::TimestampOutOfRange:
        return "timestamp_out_of_range";
    case SkipReason::Count:
        break;
    }
    return "unknown";
}

bool isSupportedLinkType(int t)
{
    switch (t) {
    case kNull:
    case kEthernet:
    case kRaw12:
    case kRaw14:
    case kRaw:
    case kLoop:
    case kSll:
    case kIpv4:
    case kIpv6:
    case kNflog:
    case kSll2:
        return true;
    default:
        return false;
    }
}

const char *linkTypeName(int t)
{
    switch (t) {
    case kNull:
        return "NULL (BSD loopback)";
    case kEthernet:
        return "Ethernet";
    case kRaw12:
    case kRaw14:
    case kRaw:
        return "RAW";
    case kLoop:
        return "LOOP (OpenBSD loopback)";
    case kSll:
        return "Linux cooked (SLL)";
    case kIpv4:
        return "IPV4";
    case kIpv6:
        return "IPV6";
    case kSll2:
        return "Linux cooked v2 (SLL2)";
    case kNflog:
        return "NFLOG";
    default:
        return "unknown";
    }
}

SkipReason decodePacket(int linkType, const std::uint8_t *p, std::size_t len, Segment &seg)
{
    switch (linkType) {
    case kEthernet: {
        if (len < 14)
            return SkipReason::TruncatedLink;
        std::size_t off = 12;
        std::uint16_t type = be16(p + off);
        for (int tags = 0;
             (type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld) && tags < 4;
             ++tags) {
            off += 4;
            if (off + 2 > len)
                return SkipReason::TruncatedLink;
            type = be16(p + off);
        }
        off += 2;
        return decodeByEtherType(type, p + off, len - off, seg);
    }
    case kSll:
        if (len < 16)
            return SkipReason::TruncatedLink;
        return decodeByEtherType(be16(p + 14), p + 16, len - 16, seg);
    case kSll2:
        if (len < 20)
            return SkipReason::TruncatedLink;
        return decodeByEtherType(be16(p), p + 20, len - 20, seg);
    case kNull: { // the family in the capturing host's byte order: accept either
        if (len < 4)
            return SkipReason::TruncatedLink;
        std::uint32_t fam;
        std::memcpy(&fam, p, 4);
        if (fam > 0xffff)
            fam = __builtin_bswap32(fam);
        return decodeByFamily(fam, p + 4, len - 4, seg);
    }
    case kLoop: // network byte order
        if (len < 4)
            return SkipReason::TruncatedLink;
        return decodeByFamily(be32(p), p + 4, len - 4, seg);
    case kRaw12:
    case kRaw14:
    case kRaw:
        if (len < 1)
            return SkipReason::TruncatedIp;
        return (p[0] >> 4) == 6 ? decodeIpv6(p, len, seg) : decodeIpv4(p, len, seg);
    case kIpv4:
        return decodeIpv4(p, len, seg);
    case kIpv6:
        return decodeIpv6(p, len, seg);
    case kNflog:
        return decodeNflog(p, len, seg);
    default:
        return SkipReason::UnsupportedLink;
    }
}

const char *flagsText(std::uint8_t flags, char *buf)
{
    // Built once for all 256 combinations: summarize names the flags of every transition.
    static const auto table = [] {
        std::array<std::array<char, 32>, 256> t{};
        static constexpr struct
        {
            std::uint8_t bit;
            const char *name;
        } kNames[] = {{tcpflag::Syn, "SYN"},
                      {tcpflag::Fin, "FIN"},
                      {tcpflag::Rst, "RST"},
                      {tcpflag::Psh, "PSH"},
                      {tcpflag::Ack, "ACK"}};
        for (int f = 0; f < 256; ++f) {
            char *out = t[std::size_t(f)].data();
            for (const auto &n : kNames) {
                if (f & n.bit) {
                    if (out[0])
                        std::strcat(out, ",");
                    std::strcat(out, n.name);
                }
            }
        }
        return t;
    }();
    std::memcpy(buf, table[flags].data(), 32);
    return buf;
}

} // namespace tcpscope
