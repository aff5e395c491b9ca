// The live capture worker's kept packets file and its reading's ends, headless: the file is
// private and whole, a full disk (/dev/full, a real full tmpfs) is said while the view loses
// nothing, and a stream cut off is said with what was read kept.
#include "support/livereplica.h"
#include "support/smalltmpfs.h"

#include <QTest>

#include <sys/stat.h>

using namespace tcpscope;
using namespace tcpscope::test;
using namespace std::chrono_literals;

class TestLiveKeptFile : public QObject
{
    Q_OBJECT
private slots:
    void keptFileIsPrivateAndWhole();
    void fullDiskIsSaid();
    void fullFilesystemKeepsWholePackets();
    void cutOffStreamIsSaid();
};

void TestLiveKeptFile::keptFileIsPrivateAndWhole()
{
    const QString file = u"client_close.lo.pcap"_qs;
    LiveCaptureOptions o = fileLike();
    o.keepPackets = true;
    LiveCaptureWorker worker(o);
    Replica replica;
    QString kept;
    QObject::connect(&worker, &LiveCaptureWorker::started, &worker,
                     [&] { kept = worker.keptPath(); });
    runThrough(worker, replica, file, 2, 15ms);
    QVERIFY(!kept.isEmpty());
    QCOMPARE(worker.keptPath(), kept);
    struct stat st
    {};
    QCOMPARE(::stat(QFile::encodeName(kept).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
    QCOMPARE(st.st_uid, ::geteuid());
    // Its directory lets no one else in either.
    struct stat dir
    {};
    QCOMPARE(::stat(QFile::encodeName(QFileInfo(kept).path()).constData(), &dir), 0);
    QCOMPARE(dir.st_mode & 077, mode_t(0));
    QVERIFY(!kept.startsWith(u"/tmp/tcpscope-live-"));
    const CaptureResult back = readCapture(kept);
    QVERIFY2(back.tracker, qPrintable(back.error));
    QCOMPARE(back.packets, readCapture(fixture(file)).packets);
    QVERIFY(QFile::remove(kept));
}

void TestLiveKeptFile::fullDiskIsSaid()
{
    if (!QFileInfo::exists(u"/dev/full"_qs))
        QSKIP("no /dev/full here to stand for a full disk");
    const QString file = u"many_short.lo.pcap"_qs;
    LiveCaptureOptions o = fileLike();
    o.keepPackets = true;
    o.keepPath = u"/dev/full"_qs; // every write fails with ENOSPC
    LiveCaptureWorker worker(o);
    Replica replica;
    runThrough(worker, replica, file, 50, 15ms);
    QVERIFY2(replica.status.keepError.contains(u"No space left on device"),
             qPrintable(replica.status.keepError));
    // The live view lost nothing.
    const CaptureResult want = readCapture(fixture(file));
    const QString diff = differences(replica.view, *want.tracker);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

// A real full filesystem (a tmpfs left with 12 KB free, 28 KB of packets to keep): said, the
// kept file ends at the last whole packet, the delta says how many it holds, the view loses
// nothing.
void TestLiveKeptFile::fullFilesystemKeepsWholePackets()
{
    test::SmallTmpfs disk(256);
    if (!disk.isMounted())
        QSKIP("mounting a small tmpfs needs root");
    QVERIFY(disk.fillLeaving(12 * 1024));
    const QString file = u"many_short.lo.pcap"_qs;
    LiveCaptureOptions o = fileLike();
    o.keepPackets = true;
    o.keepPath = disk.path(u"kept.pcap"_qs);
    LiveCaptureWorker worker(o);
    Replica replica;
    runThrough(worker, replica, file, 50, 15ms);
    const LiveDelta &end = replica.status;
    QVERIFY2(end.keepError.contains(u"No space left on device"), qPrintable(end.keepError));
    QVERIFY2(end.keptPackets > 0 && end.keptPackets < end.packets,
             qPrintable(QStringLiteral("%1 of %2").arg(end.keptPackets).arg(end.packets)));
    QVERIFY2(
        end.keepError.contains(QStringLiteral("holds the first %1 packets").arg(end.keptPackets)),
        qPrintable(end.keepError));
    const CaptureResult back = readCapture(o.keepPath);
    QVERIFY2(back.error.isEmpty(), qPrintable(back.error)); // not cut inside a record
    QCOMPARE(back.packets, end.keptPackets);
    const CaptureResult want = readCapture(fixture(file));
    QCOMPARE(end.packets, want.packets);
    const QString diff = differences(replica.view, *want.tracker);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestLiveKeptFile::cutOffStreamIsSaid()
{
    const QString file = u"client_close.lo.pcap"_qs;
    LiveCaptureWorker worker(fileLike());
    Replica replica;
    runThrough(worker, replica, file, 1, 15ms, true);
    QVERIFY2(replica.status.readError.contains(u"cut off"), qPrintable(replica.status.readError));
    const std::size_t records = test::splitPcap(fixture(file)).records.size();
    QCOMPARE(replica.status.packets, std::uint64_t(records - 1)); // all but the half one
    QCOMPARE(replica.view.connections().size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestLiveKeptFile)
#include "tst_livekeptfile.moc"
