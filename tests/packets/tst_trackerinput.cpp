// Segments the decoder never makes but the engine must still take (fuzz_tracker's finding): a
// window-scale shift over 14 counts as 14 (RFC 7323 §2.3). A shift of 127 was undefined
// behaviour (UBSan: "shift exponent 127"), and on x86 widened the window to 2^31, so that a
// reset 2·10^9 bytes ahead was taken for an in-window one.
#include "packets/tcptracker.h"

#include <QTest>

using namespace tcpscope;

namespace {

Segment segment(bool fromClient, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack)
{
    Segment s;
    const IpAddress client = IpAddress::parse(u"10.0.0.1"_qs),
                    server = IpAddress::parse(u"10.0.0.2"_qs);
    s.src = fromClient ? client : server;
    s.dst = fromClient ? server : client;
    s.srcPort = fromClient ? 40000 : 8080;
    s.dstPort = fromClient ? 8080 : 40000;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.window = 65535;
    return s;
}

} // namespace

class TestTrackerInput : public QObject
{
    Q_OBJECT
private slots:
    void windowScaleOver14CountsAs14();
};

void TestTrackerInput::windowScaleOver14CountsAs14()
{
    using namespace tcpflag;
    TcpTracker t;
    std::int64_t time = 1'000'000'000;
    const auto send = [&](Segment s, std::int8_t scale = -1) {
        s.windowScale = scale;
        s.timeNs = time += 1'000'000;
        t.process(s);
    };
    send(segment(true, Syn, 1000, 0), 127);
    send(segment(false, Syn | Ack, 5000, 1001), 127);
    send(segment(true, Ack, 1001, 5001));
    QCOMPARE(t.connections().size(), std::size_t(1));
    QCOMPARE(t.connections()[0].ep[1].state, TcpState::Established);
    // 2·10^9 ahead: past a window of 65535 << 14 (about 1.07·10^9).
    send(segment(true, Rst, 1001 + 2'000'000'000u, 0));
    QCOMPARE(t.connections()[0].ep[1].state, TcpState::Established);
}

QTEST_GUILESS_MAIN(TestTrackerInput)
#include "tst_trackerinput.moc"
