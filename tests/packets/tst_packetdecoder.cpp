// The decoder on every link layer and IP header shape it claims, built around real IPv4 and
// IPv6 TCP packets taken from the recorded fixtures; and every prefix of every frame, which
// must be refused with a truncation reason, never read past (the sanitizer build checks).
#include "packets/capturereader.h"

#include <QFile>
#include <QTest>

#include <pcap/pcap.h>

using namespace tcpscope;

Q_DECLARE_METATYPE(tcpscope::SkipReason)

namespace {

// The first SYN of a fixture, as an IP packet (the Ethernet header stripped).
QByteArray firstIpPacket(const char *fixture)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(
        QByteArray(TCPSCOPE_TEST_DATA "/packets/").append(fixture).constData(), errbuf);
    if (!p)
        qFatal("%s", errbuf);
    pcap_pkthdr *h;
    const u_char *d;
    QByteArray ip;
    if (pcap_next_ex(p, &h, &d) == 1)
        ip = QByteArray(reinterpret_cast<const char *>(d) + 14, int(h->caplen) - 14);
    pcap_close(p);
    return ip;
}

QByteArray be16(int v) { return QByteArray(1, char(v >> 8)).append(char(v & 0xff)); }

QByteArray withIpv4Options(QByteArray ip)
{
    // IHL 5 → 7: eight bytes of NOP options; fix the total length (the checksum is not ours to
    // check).
    QByteArray out = ip.left(20);
    out[0] = char(0x47);
    const int total = (std::uint8_t(ip[2]) << 8 | std::uint8_t(ip[3])) + 8;
    out[2] = char(total >> 8);
    out[3] = char(total & 0xff);
    out.append(QByteArray(8, char(1)));
    out.append(ip.mid(20));
    return out;
}

QByteArray withIpv6Extensions(QByteArray ip, bool laterFragment)
{
    // hop-by-hop (8) → destination options (8) → fragment (8) → TCP
    const char tcp = ip[6];
    QByteArray ext;
    ext += char(60) + QByteArray(1, 0) + QByteArray(6, 0); // hop-by-hop, next: dest opts
    ext += char(44) + QByteArray(1, 0) + QByteArray(6, 0); // dest options, next: fragment
    ext += QByteArray(1, tcp) + QByteArray(1, 0) + be16(laterFragment ? (8 << 3) : 1)
           + QByteArray(4, 0x11);
    QByteArray out = ip.left(40);
    out[6] = char(0); // next header: hop-by-hop
    const int payload = (std::uint8_t(ip[4]) << 8 | std::uint8_t(ip[5])) + ext.size();
    out[4] = char(payload >> 8);
    out[5] = char(payload & 0xff);
    return out + ext + ip.mid(40);
}

} // namespace

class TestPacketDecoder : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void linkLayers_data();
    void linkLayers();
    void everyPrefixIsRefused_data();
    void everyPrefixIsRefused();

private:
    QByteArray m_v4, m_v6;
};

void TestPacketDecoder::initTestCase()
{
    m_v4 = firstIpPacket("client_close.lo.pcap");
    m_v6 = firstIpPacket("ipv6.lo.pcap");
    QCOMPARE(std::uint8_t(m_v4[0]) >> 4, 4);
    QCOMPARE(std::uint8_t(m_v6[0]) >> 4, 6);
}

void TestPacketDecoder::linkLayers_data()
{
    QTest::addColumn<int>("linkType");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("v6");
    QTest::addColumn<SkipReason>("expected");
    const QByteArray mac(12, char(0x02));
    const QByteArray le2("\x02\x00\x00\x00", 4), be2("\x00\x00\x00\x02", 4);
    const QByteArray le10("\x0a\x00\x00\x00", 4), be30("\x00\x00\x00\x1e", 4);
    const QByteArray sll =
        be16(0) + be16(772) + be16(6) + QByteArray(8, 0); // 14 bytes before the protocol
    const QByteArray sll2v4 = be16(0x0800) + be16(0) + QByteArray(4, 0) + be16(772)
                              + QByteArray(1, 0) + QByteArray(1, 6) + QByteArray(8, 0);
    auto row = [](const char *tag, int lt, const QByteArray &f, bool v6,
                  SkipReason r = SkipReason::None) {
        QTest::newRow(tag) << lt << f << v6 << r;
    };
    row("Ethernet IPv4", DLT_EN10MB, mac + be16(0x0800) + m_v4, false);
    row("Ethernet IPv6", DLT_EN10MB, mac + be16(0x86dd) + m_v6, true);
    row("802.1Q", DLT_EN10MB, mac + be16(0x8100) + be16(6) + be16(0x0800) + m_v4, false);
    row("QinQ", DLT_EN10MB,
        mac + be16(0x88a8) + be16(3704) + be16(0x8100) + be16(2474) + be16(0x0800) + m_v4, false);
    row("ARP", DLT_EN10MB, mac + be16(0x0806) + QByteArray(28, 0), false, SkipReason::NotIp);
    row("SLL", DLT_LINUX_SLL, sll + be16(0x0800) + m_v4, false);
    row("SLL2", DLT_LINUX_SLL2, sll2v4 + m_v4, false);
    row("NULL little-endian", DLT_NULL, le2 + m_v4, false);
    row("NULL big-endian", DLT_NULL, be2 + m_v4, false);
    row("NULL IPv6 (Linux)", DLT_NULL, le10 + m_v6, true);
    row("LOOP IPv6 (BSD 30)", DLT_LOOP, be30 + m_v6, true);
    row("LOOP IPv4", DLT_LOOP, be2 + m_v4, false);
    row("RAW IPv4", DLT_RAW, m_v4, false);
    row("RAW IPv6", 101, m_v6, true);
    row("IPV4", 228, m_v4, false);
    row("IPV6", 229, m_v6, true);
    row("IPv4 with options", 228, withIpv4Options(m_v4), false);
    row("IPv6 hop-by-hop, dest opts, first fragment", 229, withIpv6Extensions(m_v6, false), true);
    row("IPv6 later fragment", 229, withIpv6Extensions(m_v6, true), true, SkipReason::IpFragment);
    QByteArray later = m_v4;
    later[6] = char(0x00);
    later[7] = char(0x10); // fragment offset 16 (128 bytes)
    row("IPv4 later fragment", 228, later, false, SkipReason::IpFragment);
    QByteArray udp = m_v4;
    udp[9] = char(17);
    row("IPv4 UDP", 228, udp, false, SkipReason::NotTcp);
    row("unknown link type", 147, m_v4, false, SkipReason::UnsupportedLink);
}

void TestPacketDecoder::linkLayers()
{
    QFETCH(int, linkType);
    QFETCH(QByteArray, frame);
    QFETCH(bool, v6);
    QFETCH(SkipReason, expected);
    Segment seg;
    const SkipReason r =
        decodePacket(linkType, reinterpret_cast<const std::uint8_t *>(frame.constData()),
                     std::size_t(frame.size()), seg);
    QCOMPARE(r, expected);
    if (expected != SkipReason::None)
        return;
    // The same segment as the fixture's own Ethernet frame gives.
    const QByteArray ip = v6 ? m_v6 : m_v4;
    Segment ref;
    const QByteArray eth = QByteArray(12, 0) + be16(v6 ? 0x86dd : 0x0800) + ip;
    QCOMPARE(decodePacket(DLT_EN10MB, reinterpret_cast<const std::uint8_t *>(eth.constData()),
                          std::size_t(eth.size()), ref),
             SkipReason::None);
    QCOMPARE(seg.src.toString(), ref.src.toString());
    QCOMPARE(seg.dst.toString(), ref.dst.toString());
    QCOMPARE(seg.srcPort, ref.srcPort);
    QCOMPARE(seg.dstPort, ref.dstPort);
    QCOMPARE(seg.seq, ref.seq);
    QCOMPARE(seg.flags, std::uint8_t(tcpflag::Syn));
    QCOMPARE(seg.payload, 0u);
    QVERIFY(seg.windowScale >= 0); // the SYN's options were read
}

void TestPacketDecoder::everyPrefixIsRefused_data() { linkLayers_data(); }

void TestPacketDecoder::everyPrefixIsRefused()
{
    QFETCH(int, linkType);
    QFETCH(QByteArray, frame);
    QFETCH(SkipReason, expected);
    if (expected != SkipReason::None)
        return;
    // Cut to every length up to the end of the TCP header: each copy is a heap block of its
    // own, so ASan sees any read past the cut.
    for (qsizetype len = 0; len < frame.size() - 1; ++len) {
        std::vector<std::uint8_t> cut(frame.begin(), frame.begin() + len);
        Segment seg;
        const SkipReason r = decodePacket(linkType, cut.data(), cut.size(), seg);
        QVERIFY2(
            r == SkipReason::TruncatedLink || r == SkipReason::TruncatedIp
                || r == SkipReason::TruncatedTcp || r == SkipReason::NotIp
                || r == SkipReason::IpFragment,
            qPrintable(
                QStringLiteral("length %1: %2").arg(len).arg(QLatin1String(skipReasonName(r)))));
    }
}

QTEST_GUILESS_MAIN(TestPacketDecoder)
#include "tst_packetdecoder.moc"
