// One Ethernet/IPv4/TCP packet record (headers only, as snaplen 200 keeps) of a pcap file,
// for the generated loopback captures of the benchmarks (make_loopback_capture,
// bench_livepublish).
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace loopback {

inline std::uint16_t checksum(const std::uint8_t *p, int len)
{
    std::uint32_t sum = 0;
    for (int i = 0; i + 1 < len; i += 2)
        sum += std::uint32_t(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(~sum);
}

inline void writePacket(FILE *f, std::uint64_t tsUs, std::uint32_t src, std::uint32_t dst,
                        std::uint16_t sport, std::uint16_t dport, std::uint32_t seq,
                        std::uint32_t ack, std::uint8_t flags, int payload)
{
    std::uint8_t pkt[14 + 20 + 32];
    std::memset(pkt, 0, sizeof pkt);
    pkt[12] = 0x08; // IPv4
    std::uint8_t *ip = pkt + 14;
    const int tcpLen = flags & 0x02 ? 32 : 20; // SYNs carry options (MSS, wscale...)
    const int total = 20 + tcpLen + payload;
    ip[0] = 0x45;
    ip[2] = std::uint8_t(total >> 8);
    ip[3] = std::uint8_t(total);
    ip[6] = 0x40; // DF
    ip[8] = 64;
    ip[9] = 6;
    const std::uint32_t s = htonl(src), d = htonl(dst);
    std::memcpy(ip + 12, &s, 4);
    std::memcpy(ip + 16, &d, 4);
    const std::uint16_t c = checksum(ip, 20);
    ip[10] = std::uint8_t(c >> 8);
    ip[11] = std::uint8_t(c);
    std::uint8_t *tcp = ip + 20;
    tcp[0] = std::uint8_t(sport >> 8);
    tcp[1] = std::uint8_t(sport);
    tcp[2] = std::uint8_t(dport >> 8);
    tcp[3] = std::uint8_t(dport);
    const std::uint32_t nseq = htonl(seq), nack = htonl(ack);
    std::memcpy(tcp + 4, &nseq, 4);
    std::memcpy(tcp + 8, &nack, 4);
    tcp[12] = std::uint8_t((tcpLen / 4) << 4);
    tcp[13] = flags;
    tcp[14] = 0xff;
    tcp[15] = 0xff;
    if (tcpLen == 32) { // MSS 65495, NOP, window scale 7, NOPs
        const std::uint8_t opts[12] = {2, 4, 0xff, 0xd7, 1, 3, 3, 7, 1, 1, 1, 1};
        std::memcpy(tcp + 20, opts, 12);
    }
    const std::uint32_t caplen =
        std::uint32_t(14 + 20 + tcpLen); // headers only, as snaplen 200 keeps
    const std::uint32_t hdr[4] = {std::uint32_t(tsUs / 1000000), std::uint32_t(tsUs % 1000000),
                                  caplen, std::uint32_t(14 + total)};
    std::fwrite(hdr, 4, 4, f);
    std::fwrite(pkt, 1, caplen, f);
}

} // namespace loopback
