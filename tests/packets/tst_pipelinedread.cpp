// Reading on two threads (packets/pipelinedread.h) gives the record, the counts and the error
// of reading on one: fixtures of each kind (pcap, nanosecond pcap, pcapng, cooked), one long
// enough for many batches, and the same cut off inside a record.
#include "packets/pipelinedread.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tcpscope;

namespace {
const QString kData = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

struct Read
{
    bool ok = false;
    QString error;
    ReadStats stats;
    TcpTracker tracker;
};

void readAll(const QString &path, bool pipelined, Read &r)
{
    CaptureReader reader;
    if (!reader.open(path, &r.error))
        return;
    reader.reserveFor(r.tracker);
    r.ok =
        pipelined ? readPipelined(reader, r.tracker, &r.error) : reader.read(r.tracker, &r.error);
    r.tracker.finish(reader.stats().lastTimeNs);
    r.stats = reader.stats();
}

bool sameChange(const StateChange &a, const StateChange &b)
{
    return a.timeNs == b.timeNs && a.connection == b.connection && a.packet == b.packet
           && a.endpoint == b.endpoint && a.from == b.from && a.to == b.to && a.flags == b.flags
           && a.inferred == b.inferred && a.revision == b.revision;
}
} // namespace

class TestPipelinedRead : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void sameAsOneThread_data();
    void sameAsOneThread();

private:
    QTemporaryDir m_dir;
};

void TestPipelinedRead::sameAsOneThread_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("complete");
    for (const char *f : {"many_short.lo.pcap", "many_short.lo-nano.pcap", "lost_fin.lo.pcapng",
                          "ipv6.any-sll2.pcap", "listen_overflow.lo.pcap"})
        QTest::newRow(f) << kData + QString::fromLatin1(f) << true;
    // Many batches: the fixture's records twenty times over (the same connections again), and
    // the same cut off inside its last record.
    QFile in(kData + u"many_short.lo.pcap"_qs);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray whole = in.readAll();
    QByteArray longer = whole;
    for (int i = 1; i < 20; ++i)
        longer += whole.mid(24);
    for (const bool cut : {false, true}) {
        const QString path = m_dir.filePath(cut ? u"cut.pcap"_qs : u"long.pcap"_qs);
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(cut ? longer.left(longer.size() - 5) : longer);
        out.close();
        QTest::newRow(cut ? "many batches, cut off" : "many batches") << path << !cut;
    }
}

void TestPipelinedRead::sameAsOneThread()
{
    QFETCH(QString, path);
    QFETCH(bool, complete);
    Read one, two;
    readAll(path, false, one);
    readAll(path, true, two);
    QCOMPARE(one.ok, complete);
    QCOMPARE(two.ok, complete);
    QCOMPARE(two.error, one.error);
    QCOMPARE(two.stats.packets, one.stats.packets);
    QCOMPARE(two.stats.tcpPackets, one.stats.tcpPackets);
    QCOMPARE(two.stats.lastTimeNs, one.stats.lastTimeNs);
    QCOMPARE(two.stats.precisionDigits, one.stats.precisionDigits);
    QCOMPARE(two.tracker.connections().size(), one.tracker.connections().size());
    QCOMPARE(two.tracker.changes().size(), one.tracker.changes().size());
    QVERIFY(!one.tracker.changes().empty());
    if (path.endsWith(u"long.pcap"))
        QVERIFY(one.stats.packets > 3 * 2048);
    for (std::size_t i = 0; i < one.tracker.changes().size(); ++i)
        QVERIFY2(sameChange(two.tracker.changes()[i], one.tracker.changes()[i]),
                 qPrintable(QString::number(i)));
}

QTEST_GUILESS_MAIN(TestPipelinedRead)
#include "tst_pipelinedread.moc"
