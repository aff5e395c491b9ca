// The fast path for classic pcap files (packets/classicpcapfile.h) reads exactly what libpcap
// reads: each file is read once by path (the fast path, libpcap after wherever it stops) and
// once as a stream (libpcap alone), and the segments, the counts and the error must agree.
// The files are fixtures and variants made from one at test time: cut inside a record header
// or its data, records longer than the snapshot length or than libpcap allows, odd times,
// nanosecond magic, an older version, the other byte order, reading in small steps.
#include "packets/capturereader.h"

#include "support/filecontents.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace tcpscope;

namespace {
const QString kData = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

using test::fileContents;

std::uint32_t u32At(const QByteArray &b, qsizetype off)
{
    std::uint32_t v;
    std::memcpy(&v, b.constData() + off, 4);
    return v;
}

void setU32(QByteArray &b, qsizetype off, std::uint32_t v) { std::memcpy(b.data() + off, &v, 4); }

// The offsets of the records of a classic pcap file in the host's byte order.
QList<qsizetype> recordOffsets(const QByteArray &file)
{
    QList<qsizetype> offsets;
    for (qsizetype off = 24; off + 16 <= file.size(); off += 16 + u32At(file, off + 8))
        offsets.append(off);
    return offsets;
}

// The same file in the other byte order (its headers; the packets are bytes).
QByteArray swapped(QByteArray file)
{
    const auto swap32 = [&](qsizetype off) {
        setU32(file, off, __builtin_bswap32(u32At(file, off)));
    };
    const auto swap16 = [&](qsizetype off) {
        std::swap(file[off], file[off + 1]);
    };
    const QList<qsizetype> records = recordOffsets(file);
    swap32(0);
    swap16(4);
    swap16(6);
    for (const qsizetype off : {8, 12, 16, 20})
        swap32(off);
    for (const qsizetype r : records)
        for (const qsizetype off : {0, 4, 8, 12})
            swap32(r + off);
    return file;
}

struct Read
{
    bool ok = false;
    QString error;
    ReadStats stats;
    std::vector<Segment> segments;
};

Read readSteps(CaptureReader &reader, std::uint64_t step)
{
    Read r;
    do {
        r.ok = reader.read(nullptr, &r.segments, &r.error, step);
    } while (r.ok && !reader.atEnd());
    r.stats = reader.stats();
    return r;
}

Read readByPath(const QString &path, std::uint64_t step)
{
    CaptureReader reader;
    Read r;
    if (!reader.open(path, &r.error))
        return r;
    return readSteps(reader, step);
}

Read readAsStream(const QString &path)
{
    CaptureReader reader;
    Read r;
    FILE *f = std::fopen(qPrintable(path), "rb");
    if (!f || !reader.open(f, path, &r.error))
        return r;
    return readSteps(reader, 0);
}

bool sameSegment(const Segment &a, const Segment &b)
{
    return a.timeNs == b.timeNs && a.packet == b.packet && a.src == b.src && a.dst == b.dst
           && a.srcPort == b.srcPort && a.dstPort == b.dstPort && a.seq == b.seq && a.ack == b.ack
           && a.payload == b.payload && a.window == b.window && a.flags == b.flags
           && a.windowScale == b.windowScale;
}
} // namespace

class TestClassicPcapFile : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void sameAsLibpcap_data();
    void sameAsLibpcap();

private:
    QString write(const QString &name, const QByteArray &data);
    QTemporaryDir m_dir;
};

void TestClassicPcapFile::initTestCase() { QVERIFY(m_dir.isValid()); }

QString TestClassicPcapFile::write(const QString &name, const QByteArray &data)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestClassicPcapFile::sameAsLibpcap_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<quint64>("step"); // packets per read() call, 0: all
    QTest::addColumn<bool>("complete");

    const QByteArray base = fileContents(kData + u"client_close.lo.pcap"_qs);
    const QList<qsizetype> rec = recordOffsets(base);
    QVERIFY(rec.size() > 4);
    const auto add = [&](const char *name, const QByteArray &data, bool complete,
                         quint64 step = 0) {
        QTest::newRow(name) << write(QString::fromLatin1(name) + u".pcap"_qs, data) << step
                            << complete;
    };
    for (const char *fixture : {"client_close.lo.pcap", "ipv6.any-sll.pcap",
                                "abortive_close.any-sll2.pcap", "many_short.lo-nano.pcap"})
        QTest::newRow(fixture) << kData + QString::fromLatin1(fixture) << quint64(0) << true;
    add("in steps of one", base, true, 1);
    add("in steps of three", base, true, 3);
    add("header only", base.left(24), true);
    add("cut in a record header", base.left(rec[2] + 7), false);
    add("cut in a record's data", base.left(rec[2] + 30), false);
    add("cut in a record's data, in steps", base.left(rec[3] + 20), false, 2);
    QByteArray small = base;
    setU32(small, 16, 40); // a snapshot length below the records' length: libpcap cuts them
    add("records beyond the snapshot length", small, true);
    QByteArray huge = base;
    setU32(huge, rec[2] + 8, 300000); // beyond what libpcap allows: an error
    add("a record too long", huge, false);
    QByteArray times = base;
    setU32(times, rec[1], 0xffffff00);      // before 1970, as a 32-bit signed number
    setU32(times, rec[1] + 4, 2000000000u); // "microseconds" past a second
    add("odd times", times, true);
    QByteArray nano = base;
    setU32(nano, 0, 0xa1b23c4d);
    add("nanosecond magic", nano, true);
    QByteArray v22 = base;
    v22[6] = 2; // version 2.2: libpcap swaps caplen and len, the fast path steps aside
    add("version 2.2", v22, true);
    add("other byte order", swapped(base), true);
    QByteArray snap0 = base;
    setU32(snap0, 16, 0);
    add("snapshot length 0", snap0, true);
}

void TestClassicPcapFile::sameAsLibpcap()
{
    QFETCH(QString, path);
    QFETCH(quint64, step);
    QFETCH(bool, complete);
    const Read fast = readByPath(path, step);
    const Read pcap = readAsStream(path);
    QCOMPARE(fast.ok, complete);
    QCOMPARE(pcap.ok, complete);
    QCOMPARE(fast.error, pcap.error);
    QCOMPARE(fast.stats.packets, pcap.stats.packets);
    QCOMPARE(fast.stats.tcpPackets, pcap.stats.tcpPackets);
    QVERIFY(fast.stats.skipped == pcap.stats.skipped);
    QCOMPARE(fast.stats.firstTimeNs, pcap.stats.firstTimeNs);
    QCOMPARE(fast.stats.lastTimeNs, pcap.stats.lastTimeNs);
    QCOMPARE(fast.stats.precisionDigits, pcap.stats.precisionDigits);
    QCOMPARE(fast.segments.size(), pcap.segments.size());
    for (std::size_t i = 0; i < fast.segments.size(); ++i)
        QVERIFY2(sameSegment(fast.segments[i], pcap.segments[i]), qPrintable(QString::number(i)));
    if (path.endsWith(u"client_close.lo.pcap"))
        QVERIFY(fast.stats.tcpPackets > 0);
}

QTEST_GUILESS_MAIN(TestClassicPcapFile)
#include "tst_classicpcapfile.moc"
