// A pcapng file of several sections (`cat a.pcapng b.pcapng`) whose link types differ from one
// section to the next is read whole, as Wireshark reads it: libpcap 1.10 refuses it after its
// first section, so our own reader must take it. Made at test time from two real fixtures:
// dumpcap's pcapng of lo (Ethernet) and, as pcapng, a capture on "any" (Linux cooked).
#include "formats/sessionfile.h"
#include "packets/capturereader.h"

#include "support/filecontents.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace tcpscope;

namespace {
const QString kData = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

using test::fileContents;

struct Read
{
    bool ok = false;
    QString error;
    int linkType = 0;
    ReadStats stats;
    TcpTracker tracker;
};

std::size_t packetChanges(const TcpTracker &t)
{
    return std::size_t(std::count_if(t.changes().begin(), t.changes().end(),
                                     [](const StateChange &c) { return c.packet != 0; }));
}

Read readAll(const QString &path)
{
    Read r;
    CaptureReader reader;
    r.ok = reader.open(path, &r.error) && reader.read(r.tracker, &r.error);
    r.tracker.finish(reader.stats().lastTimeNs);
    r.linkType = reader.linkType();
    r.stats = reader.stats();
    return r;
}
} // namespace

class TestPcapngSections : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void sectionsOfDifferentLinkTypes_data();
    void sectionsOfDifferentLinkTypes();

private:
    QTemporaryDir m_dir;
    QString m_lo, m_any;
};

void TestPcapngSections::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_lo = kData + u"client_close.lo.pcapng"_qs;
    // The cooked capture as pcapng, written by the session writer (packets only).
    m_any = m_dir.filePath(u"abortive_close.any-sll.pcapng"_qs);
    QString error;
    QVERIFY2(writeSessionFile(m_any, kData + u"abortive_close.any-sll.pcap"_qs, nullptr, &error),
             qPrintable(error));
}

void TestPcapngSections::sectionsOfDifferentLinkTypes_data()
{
    QTest::addColumn<bool>("loFirst");
    QTest::newRow("Ethernet, then Linux cooked") << true;
    QTest::newRow("Linux cooked, then Ethernet") << false;
}

void TestPcapngSections::sectionsOfDifferentLinkTypes()
{
    QFETCH(bool, loFirst);
    const Read lo = readAll(m_lo), any = readAll(m_any);
    QVERIFY2(lo.ok && any.ok, qPrintable(lo.error + any.error));
    QVERIFY(lo.linkType != any.linkType); // each alone: one link type, read by libpcap

    const QString both = m_dir.filePath(loFirst ? u"lo-any.pcapng"_qs : u"any-lo.pcapng"_qs);
    QFile f(both);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(loFirst ? fileContents(m_lo) + fileContents(m_any)
                    : fileContents(m_any) + fileContents(m_lo));
    f.close();

    const Read r = readAll(both);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.linkType, -2); // several
    QCOMPARE(r.stats.packets, lo.stats.packets + any.stats.packets);
    QCOMPARE(r.stats.tcpPackets, lo.stats.tcpPackets + any.stats.tcpPackets);
    QCOMPARE(r.tracker.connections().size(),
             lo.tracker.connections().size() + any.tracker.connections().size());
    // The same transitions from packets (the 2·MSL timer may expire a TIME_WAIT of the first
    // part during the second, depending on when each was recorded).
    QCOMPARE(packetChanges(r.tracker), packetChanges(lo.tracker) + packetChanges(any.tracker));
}

QTEST_GUILESS_MAIN(TestPcapngSections)
#include "tst_pcapngsections.moc"
