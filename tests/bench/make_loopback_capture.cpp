// make_loopback_capture FILE [CONNECTIONS]: writes a pcap (Ethernet, as `-i lo` gives) of
// CONNECTIONS short loopback connections (default 100,000), ten packets each, 100 open at a
// time: handshake, a request and a response with their ACKs, the client's FIN, the server's
// FIN, and the last ACKs — 1,000,000 packets by default, for the packet-engine benchmark.
#include "loopbackpackets.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

struct Conn
{
    std::uint32_t client, server; // addresses, host order
    std::uint16_t cport, sport;
    std::uint32_t cseq, sseq;
    int step = 0;
};

using loopback::writePacket;

} // namespace

int main(int argc, char *argv[])
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_loopback_capture FILE [CONNECTIONS]\n");
        return 2;
    }
    const long total = argc > 2 ? std::atol(argv[2]) : 100000;
    FILE *f = std::fopen(argv[1], "wb");
    if (!f) {
        std::perror(argv[1]);
        return 1;
    }
    const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    std::fwrite(header, 4, 6, f);
    std::vector<Conn> open;
    long started = 0, packets = 0;
    std::uint64_t ts = 1732440000000000ull;
    std::uint32_t rng = 12345;
    auto next = [&] {
        return rng = rng * 1664525u + 1013904223u;
    };
    while (started < total || !open.empty()) {
        while (open.size() < 100 && started < total) {
            Conn c;
            c.client = 0x7f000001u + std::uint32_t(1 + (started / 28000)); // 127.0.0.x
            c.server = 0x7f000001u;
            c.cport = std::uint16_t(32768 + started % 28000);
            c.sport = 8080;
            c.cseq = next();
            c.sseq = next();
            open.push_back(c);
            ++started;
        }
        const std::size_t i = next() % open.size();
        Conn &c = open[i];
        ts += 1 + next() % 20;
        const std::uint32_t A = 0x10, S = 0x02, F = 0x01, P = 0x08;
        switch (c.step++) {
        case 0:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq, 0, S, 0);
            break;
        case 1:
            writePacket(f, ts, c.server, c.client, c.sport, c.cport, c.sseq, c.cseq + 1, S | A, 0);
            break;
        case 2:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq + 1, c.sseq + 1, A, 0);
            break;
        case 3:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq + 1, c.sseq + 1, P | A,
                        100);
            break;
        case 4:
            writePacket(f, ts, c.server, c.client, c.sport, c.cport, c.sseq + 1, c.cseq + 101, A,
                        0);
            break;
        case 5:
            writePacket(f, ts, c.server, c.client, c.sport, c.cport, c.sseq + 1, c.cseq + 101,
                        P | A, 1000);
            break;
        case 6:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq + 101, c.sseq + 1001, A,
                        0);
            break;
        case 7:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq + 101, c.sseq + 1001,
                        F | A, 0);
            break;
        case 8:
            writePacket(f, ts, c.server, c.client, c.sport, c.cport, c.sseq + 1001, c.cseq + 102,
                        F | A, 0);
            break;
        case 9:
            writePacket(f, ts, c.client, c.server, c.cport, c.sport, c.cseq + 102, c.sseq + 1002, A,
                        0);
            break;
        }
        ++packets;
        if (c.step == 10) {
            open[i] = open.back();
            open.pop_back();
        }
    }
    std::fclose(f);
    std::printf("%ld packets, %ld connections\n", packets, total);
    return 0;
}
