// Timestamps a hostile or odd capture can carry, read without undefined behaviour (the asan
// and clang-ubsan builds run this): pcapng resolutions finer than a nanosecond, if_tsoffset
// pushing a time past what 64-bit nanoseconds hold (that packet is skipped as
// "timestamp_out_of_range"), and a clock that jumps by more than 2^63 ns between two packets
// of one connection. The files are made at test time from a real loopback fixture's packets.
#include "formats/dataexport.h"
#include "nanoseconds.h"
#include "packets/capturereader.h"
#include "packets/livecaptureworker.h"
#include "support/pcapfeed.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

#include <algorithm>

#include <fcntl.h>

using namespace tcpscope;

namespace {
const QString kFixture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");
const QString kManyShort = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");

struct RealPacket
{
    std::int64_t timeNs = 0;
    QByteArray data;
};

std::vector<RealPacket> fixturePackets(const QString &path = kFixture)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline_with_tstamp_precision(qPrintable(path),
                                                        PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p)
        qFatal("%s", errbuf);
    std::vector<RealPacket> out;
    pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1)
        out.push_back({std::int64_t(h->ts.tv_sec) * 1'000'000'000 + h->ts.tv_usec,
                       QByteArray(reinterpret_cast<const char *>(d), int(h->caplen))});
    pcap_close(p);
    return out;
}

// A pcapng file, block by block, in host byte order.
class PcapngBuilder
{
public:
    PcapngBuilder()
    {
        QByteArray b;
        put32(b, 0x1A2B3C4D);
        put16(b, 1);
        put16(b, 0);
        put64(b, ~0ull); // section length unknown
        block(0x0A0D0D0A, b);
    }
    // An interface: its link type and snap length, if_tsresol (omitted when < 0) and
    // if_tsoffset (omitted when 0).
    void interface(int linkType, std::uint32_t snaplen, int tsresol, std::int64_t tsoffset = 0)
    {
        QByteArray b;
        put16(b, std::uint16_t(linkType));
        put16(b, 0);
        put32(b, snaplen);
        if (tsresol >= 0) {
            put16(b, 9);
            put16(b, 1);
            b.append(char(tsresol)).append(3, '\0');
        }
        if (tsoffset) {
            put16(b, 14);
            put16(b, 8);
            put64(b, std::uint64_t(tsoffset));
        }
        put32(b, 0); // opt_endofopt
        block(1, b);
    }
    void packet(std::uint32_t interfaceId, std::uint64_t ticks, const QByteArray &data)
    {
        QByteArray b;
        put32(b, interfaceId);
        put32(b, std::uint32_t(ticks >> 32));
        put32(b, std::uint32_t(ticks));
        put32(b, std::uint32_t(data.size()));
        put32(b, std::uint32_t(data.size()));
        b.append(data);
        while (b.size() % 4)
            b.append('\0');
        block(6, b);
    }
    // The section header and the interface, then each packet block (for a test::PcapFeeder).
    test::PcapRecords blocks() const
    {
        test::PcapRecords out;
        for (qsizetype at = 0, n = 0; at + 8 <= m_bytes.size(); ++n) {
            std::uint32_t total = 0;
            std::memcpy(&total, m_bytes.constData() + at + 4, 4);
            (n < 2 ? out.header : out.records.emplace_back()).append(m_bytes.mid(at, total));
            at += total;
        }
        return out;
    }
    QString save(const QTemporaryDir &dir, const QString &name) const
    {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(m_bytes) != m_bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private:
    static void put16(QByteArray &b, std::uint16_t v) { b.append(reinterpret_cast<char *>(&v), 2); }
    static void put32(QByteArray &b, std::uint32_t v) { b.append(reinterpret_cast<char *>(&v), 4); }
    static void put64(QByteArray &b, std::uint64_t v) { b.append(reinterpret_cast<char *>(&v), 8); }
    void block(std::uint32_t type, const QByteArray &body)
    {
        const auto total = std::uint32_t(12 + body.size());
        put32(m_bytes, type);
        put32(m_bytes, total);
        m_bytes.append(body);
        put32(m_bytes, total);
    }
    QByteArray m_bytes;
};

struct Read
{
    bool ok = false;
    QString error;
    int linkType = 0;
    ReadStats stats;
    std::vector<Segment> segments;
    TcpTracker tracker;
};

Read readAll(const QString &path)
{
    Read r;
    CaptureReader reader;
    r.ok = reader.open(path, &r.error) && reader.read(&r.tracker, &r.segments, &r.error);
    r.tracker.finish(reader.stats().lastTimeNs);
    r.linkType = reader.linkType();
    r.stats = reader.stats();
    return r;
}

constexpr int kEthernet = 1;
} // namespace

class TestHostileTimes : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void finerThanNanoseconds_data();
    void finerThanNanoseconds();
    void outOfRangeIsSkippedAndSaid_data();
    void outOfRangeIsSkippedAndSaid();
    void clockJumpsPast63Bits();
    void extremesFormat();
    void beforeNineteenSeventyIsTheSameCapture();
    void liveRetirementNearTheEarliestTime();

private:
    QTemporaryDir m_dir;
    std::vector<RealPacket> m_packets;
};

void TestHostileTimes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_packets = fixturePackets();
    QVERIFY(m_packets.size() >= 10);
}

void TestHostileTimes::finerThanNanoseconds_data()
{
    QTest::addColumn<int>("tsresol"); // pcapng's if_tsresol byte
    QTest::addColumn<double>("unitsPerSecond");
    QTest::newRow("10^-9 (as usual)") << 9 << 1e9;
    QTest::newRow("10^-10") << 10 << 1e10;
    QTest::newRow("10^-11") << 11 << 1e11;
    QTest::newRow("10^-12") << 12 << 1e12;
    QTest::newRow("2^-40") << (0x80 | 40) << double(1ull << 40);
}

// Two interfaces of different snap lengths: our own pcapng reader. The fixture's packets keep
// their offsets from its first one, starting 1000 s after the epoch (finer ticks than 1 ns
// cannot count to 2024 in 64 bits).
void TestHostileTimes::finerThanNanoseconds()
{
    QFETCH(int, tsresol);
    QFETCH(double, unitsPerSecond);
    const auto units = std::uint64_t(unitsPerSecond);
    PcapngBuilder b;
    b.interface(kEthernet, 262144, tsresol);
    b.interface(kEthernet, 200, 9);
    const std::int64_t start = 1000'000'000'000LL - m_packets.front().timeNs;
    std::vector<std::int64_t> want;
    for (const RealPacket &p : m_packets) {
        const std::int64_t ns = p.timeNs + start;
        const auto ticks = std::uint64_t(Uint128(ns) * units / 1'000'000'000u);
        want.push_back(std::int64_t(Uint128(ticks) * 1'000'000'000u / units));
        b.packet(0, ticks, p.data);
    }
    const Read r = readAll(b.save(m_dir, QStringLiteral("tsresol-%1.pcapng").arg(tsresol)));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.linkType, -2); // read by PcapngFile, not libpcap
    QCOMPARE(r.segments.size(), m_packets.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        QCOMPARE(r.segments[i].timeNs, want[i]);
    QCOMPARE(r.stats.skipped[std::size_t(SkipReason::TimestampOutOfRange)], std::uint64_t(0));
}

void TestHostileTimes::outOfRangeIsSkippedAndSaid_data()
{
    QTest::addColumn<bool>("ownReader"); // a second snap length: PcapngFile; else libpcap
    QTest::addColumn<int>("tsresol");
    QTest::addColumn<qint64>("tsoffset");
    QTest::addColumn<quint64>("ticks"); // 0: the fixture's own times
    QTest::newRow("libpcap: if_tsoffset 2^40 s") << false << 9 << qint64(1) << quint64(0);
    QTest::newRow("own reader: if_tsoffset 2^40 s") << true << 9 << qint64(1) << quint64(0);
    QTest::newRow("own reader: 2^64-1 seconds") << true << 0 << qint64(0) << ~quint64(0);
    QTest::newRow("own reader: if_tsoffset -2^62 s") << true << 9 << qint64(-1) << quint64(0);
}

// Interface 1's packets (every other one) are out of range: counted, skipped, and said so;
// interface 0's are read as usual.
void TestHostileTimes::outOfRangeIsSkippedAndSaid()
{
    QFETCH(bool, ownReader);
    QFETCH(int, tsresol);
    QFETCH(qint64, tsoffset);
    QFETCH(quint64, ticks);
    const std::int64_t offset = tsoffset > 0 ? (1LL << 40) : tsoffset < 0 ? -(1LL << 62) : 0;
    PcapngBuilder b;
    b.interface(kEthernet, 262144, 9);
    b.interface(kEthernet, ownReader ? 200 : 262144, tsresol, offset);
    std::uint64_t hostile = 0;
    for (std::size_t i = 0; i < m_packets.size(); ++i) {
        const bool bad = i % 2 == 1;
        hostile += bad;
        b.packet(bad ? 1 : 0, bad && ticks ? ticks : std::uint64_t(m_packets[i].timeNs),
                 m_packets[i].data);
    }
    const QString path =
        b.save(m_dir, QStringLiteral("out-of-range-%1.pcapng").arg(QTest::currentDataTag()));
    const Read r = readAll(path);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.linkType == -2, ownReader);
    QCOMPARE(r.stats.packets, std::uint64_t(m_packets.size()));
    QCOMPARE(r.stats.skipped[std::size_t(SkipReason::TimestampOutOfRange)], hostile);
    QCOMPARE(r.stats.tcpPackets, m_packets.size() - hostile);
    for (const Segment &s : r.segments)
        QVERIFY(s.timeNs >= m_packets.front().timeNs && s.timeNs <= m_packets.back().timeNs);

    QProcess cli;
    cli.start(kCli, {u"summarize"_qs, u"--format"_qs, u"text"_qs, path});
    QVERIFY(cli.waitForFinished(20000));
    QCOMPARE(cli.exitCode(), 0);
    const QByteArray out = cli.readAllStandardOutput();
    QVERIFY2(out.contains("timestamp_out_of_range " + QByteArray::number(hostile)),
             out.constData());
}

// One connection's packets 10^19 ns apart: the client's TIME_WAIT at +5·10^18 ns, then its
// last ACK again at about -5·10^18 ns (if_tsoffset wraps libpcap's seconds). The 2·MSL timer
// and the chart's buckets take the difference of the two.
void TestHostileTimes::clockJumpsPast63Bits()
{
    const std::int64_t ahead = 5'000'000'000LL - m_packets.front().timeNs / 1'000'000'000;
    const std::int64_t behind = -5'000'000'000LL - m_packets.front().timeNs / 1'000'000'000;
    PcapngBuilder b;
    b.interface(kEthernet, 262144, 9, ahead);
    b.interface(kEthernet, 262144, 9, behind);
    for (const RealPacket &p : m_packets)
        b.packet(0, std::uint64_t(p.timeNs), p.data);
    b.packet(1, std::uint64_t(m_packets.back().timeNs), m_packets.back().data);
    const Read r = readAll(b.save(m_dir, u"clock-jump.pcapng"_qs));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.linkType, kEthernet); // libpcap reads this one, and applies if_tsoffset
    QCOMPARE(r.segments.size(), m_packets.size() + 1);
    QCOMPARE(r.segments.front().timeNs, m_packets.front().timeNs + ahead * 1'000'000'000);
    QVERIFY(r.segments.back().timeNs < -4'000'000'000'000'000'000LL);
    const auto &changes = r.tracker.changes();
    const auto timeWait = std::find_if(changes.begin(), changes.end(), [](const StateChange &c) {
        return c.to == TcpState::TimeWait;
    });
    QVERIFY(timeWait != changes.end());
    QVERIFY(timeWait->timeNs > 4'000'000'000'000'000'000LL);
    // The chart of counts over time spans both ends.
    const std::vector<CountSample> samples = countsOverTime(r.tracker, 100);
    QVERIFY(!samples.empty());
    QCOMPARE(connectionsTable(r.tracker, 9).rows.size(), std::size_t(1));
}

void TestHostileTimes::extremesFormat()
{
    QCOMPARE(formatTime(INT64_MIN, 9), std::string("-9223372036.854775808"));
    QCOMPARE(formatTime(INT64_MAX, 9), std::string("9223372036.854775807"));
    QCOMPARE(isoTime(INT64_MIN, 9), u"1677-09-21T00:12:43.145224192Z"_qs);
    QCOMPARE(isoTime(INT64_MAX, 9), u"2262-04-11T23:47:16.854775807Z"_qs);
    QCOMPARE(isoTime(-1, 9), u"1969-12-31T23:59:59.999999999Z"_qs);
}

// A capture from before 1970 (the fixture with an if_tsoffset of -3·10^9 s: 1929) is the same
// capture: each change is the fixture's own, 3·10^18 ns earlier. (A SYN or FIN delivered with
// no later segment of its receiver took the time 0 — 1970 —, and the TIME_WAIT that followed
// began then: on a live clock it never ended.)
void TestHostileTimes::beforeNineteenSeventyIsTheSameCapture()
{
    constexpr std::int64_t shiftSeconds = -3'000'000'000LL;
    PcapngBuilder b;
    b.interface(kEthernet, 262144, 9, shiftSeconds);
    for (const RealPacket &p : m_packets)
        b.packet(0, std::uint64_t(p.timeNs), p.data);
    const Read shifted = readAll(b.save(m_dir, u"before-1970.pcapng"_qs));
    const Read original = readAll(kFixture);
    QVERIFY2(shifted.ok && original.ok, qPrintable(shifted.error + original.error));
    const auto &want = original.tracker.changes(), &got = shifted.tracker.changes();
    QVERIFY(!want.empty());
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        QCOMPARE(got[i].timeNs, want[i].timeNs + shiftSeconds * kNsPerSecond);
        QCOMPARE(got[i].to, want[i].to);
    }
}

// A live view of a capture whose times sit just above the earliest 64-bit nanosecond (an
// if_tsoffset of -9223372036 s): a finished connection's grace before it is retired (2 s) is
// counted back from there without overflowing, so none of the 40 connections of these 9 ms is
// retired. (It overflowed: the grace wrapped to the far future, and every finished connection
// went at once — undefined behaviour the fuzz build's UBSan reports.)
void TestHostileTimes::liveRetirementNearTheEarliestTime()
{
    const std::vector<RealPacket> packets = fixturePackets(kManyShort);
    PcapngBuilder b;
    b.interface(kEthernet, 262144, 9, kMinNs / kNsPerSecond);
    for (const RealPacket &p : packets)
        b.packet(0, std::uint64_t(p.timeNs - packets.front().timeNs), p.data);
    LiveCaptureOptions o;
    o.wallClock = false;
    o.keepPackets = false;
    o.publishIntervalMs = 10;
    o.twoMslNs = 1'000'000; // the connections finish while the capture plays
    o.keepFinished = 2;
    LiveCaptureWorker worker(o);
    std::size_t retired = 0, connections = 0;
    std::int64_t lastTimeNs = 0;
    bool final = false;
    QObject::connect(&worker, &LiveCaptureWorker::deltaReady, &worker, [&] {
        if (std::optional<LiveDelta> d = worker.takeDelta()) {
            retired += d->retired.size();
            connections = d->connections;
            lastTimeNs = d->lastTimeNs;
            final = d->final;
        }
    });
    int pipe[2];
    QVERIFY(::pipe2(pipe, O_CLOEXEC) == 0);
    worker.startStream(pipe[0], u"near_earliest.pcapng"_qs);
    {
        // 4 packets at a time, as a helper writes them: the worker publishes in between.
        test::PcapFeeder feed(b.blocks(), pipe[1], 4, std::chrono::milliseconds(15));
        QVERIFY(QTest::qWaitFor([&] { return final; }, 20000));
    }
    QVERIFY2(lastTimeNs < kMinNs + kNsPerSecond, "the times are not where the test puts them");
    QCOMPARE(connections, std::size_t(40));
    QCOMPARE(retired, std::size_t(0));
}

QTEST_GUILESS_MAIN(TestHostileTimes)
#include "tst_hostiletimes.moc"
