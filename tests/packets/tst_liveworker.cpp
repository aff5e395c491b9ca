// The live capture worker, headless, driven with the recorded captures of tests/data/packets
// written through a pipe in chunks: its deltas add up to exactly what reading the file gives,
// a consumer that takes late gets one merged delta, finished connections beyond the bound are
// retired with the counts kept right, the kept packets file is private, and a full disk or a
// stream cut off is said while what was read stays.
#include "packets/capturefile.h"
#include "packets/capturereader.h"
#include "packets/ladder.h"
#include "packets/livecaptureworker.h"
#include "support/pcapfeed.h"
#include "support/smalltmpfs.h"

#include <QSignalSpy>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tcpscope;
using namespace std::chrono_literals;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + name;
}

// What a view holds: a tracker that follows the deltas, as PacketConnectionModel's does.
struct Replica
{
    TcpTracker view;
    SegmentIndex segments; // as PacketConnectionModel files them for the ladder
    RetiredSummary retired;
    int deltas = 0;
    bool final = false;
    QString broken; // the first delta that did not fit
    LiveDelta status;

    void apply(const LiveDelta &d)
    {
        if (final && broken.isEmpty())
            broken = QStringLiteral("a delta after the final one");
        if (d.first != (deltas == 0) && broken.isEmpty())
            broken = QStringLiteral("delta %1: first is %2").arg(deltas).arg(d.first);
        std::vector<std::uint32_t> changeMap;
        retired.add(view.retire(d.retired, true, &changeMap));
        segments.retire(d.retired, changeMap);
        const std::size_t knownChanges = view.changes().size();
        if (d.firstNew != view.connections().size() && broken.isEmpty())
            broken = QStringLiteral("delta %1 adds at %2, the view has %3")
                         .arg(deltas)
                         .arg(d.firstNew)
                         .arg(view.connections().size());
        view.apply(d);
        segments.fileDelta(d, view, knownChanges);
        if (d.connections != view.connections().size() && broken.isEmpty())
            broken = QStringLiteral("delta %1 says %2 connections, the view has %3")
                         .arg(deltas)
                         .arg(d.connections)
                         .arg(view.connections().size());
        ++deltas;
        final = d.final;
        status = d;
    }
};

bool sameConnection(const Connection &a, const Connection &b)
{
    return a.address == b.address && a.port == b.port && a.firstSeenNs == b.firstSeenNs
           && a.lastSeenNs == b.lastSeenNs && a.midStream == b.midStream && a.refused == b.refused
           && a.ep[0].state == b.ep[0].state && a.ep[1].state == b.ep[1].state
           && a.ep[0].role == b.ep[0].role && a.ep[1].role == b.ep[1].role;
}

bool sameChange(const StateChange &a, const StateChange &b)
{
    return a.timeNs == b.timeNs && a.connection == b.connection && a.packet == b.packet
           && a.endpoint == b.endpoint && a.from == b.from && a.to == b.to && a.flags == b.flags
           && a.inferred == b.inferred;
}

// A live capture never rewrites a change it has published: where a file's reading merges
// two changes of one endpoint caused by the same packet (FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT
// as FIN_WAIT_1 → TIME_WAIT), a publish in between leaves both. Merged, they are the same.
std::vector<StateChange> merged(const std::vector<StateChange> &history)
{
    std::vector<StateChange> out;
    for (const StateChange &c : history) {
        auto last = std::find_if(out.rbegin(), out.rend(),
                                 [&](const StateChange &o) { return o.endpoint == c.endpoint; });
        if (last != out.rend() && c.packet != 0 && last->packet == c.packet
            && last->timeNs == c.timeNs && last->to == c.from) {
            last->to = c.to;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

// Empty when `got` holds exactly the connections and changes of `want` (exact: also no
// change split by a publish).
QString differences(const TcpTracker &got, const TcpTracker &want, bool exact = false)
{
    if (got.connections().size() != want.connections().size())
        return QStringLiteral("%1 connections, want %2")
            .arg(got.connections().size())
            .arg(want.connections().size());
    for (std::size_t i = 0; i < want.connections().size(); ++i) {
        if (!sameConnection(got.connections()[i], want.connections()[i]))
            return QStringLiteral("connection %1 differs").arg(i);
    }
    if (exact && got.changes().size() != want.changes().size())
        return QStringLiteral("%1 changes, want %2")
            .arg(got.changes().size())
            .arg(want.changes().size());
    // Per connection, in order (timers may be recorded in another order across connections).
    std::vector<std::vector<StateChange>> a(want.connections().size()), b(a.size());
    for (const StateChange &c : got.changes())
        a[c.connection].push_back(c);
    for (const StateChange &c : want.changes())
        b[c.connection].push_back(c);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = exact ? a[i] : merged(a[i]), y = exact ? b[i] : merged(b[i]);
        if (!std::equal(x.begin(), x.end(), y.begin(), y.end(), sameChange))
            return QStringLiteral("the changes of connection %1 differ").arg(i);
    }
    if (got.counts() != want.counts())
        return QStringLiteral("the counts per state differ");
    return {};
}

// Empty when the ladder of every connection, grown delta by delta, has the file's segments:
// the same packets in order, the same numbers and labels, notes and roles.
QString ladderDifferences(const Replica &got, const CaptureResult &want)
{
    for (std::uint32_t i = 0; i < want.tracker->connections().size(); ++i) {
        const Ladder a = buildLadder(got.view, got.segments, i);
        const Ladder b = buildLadder(*want.tracker, *want.segments, i);
        if (a.rows.size() != b.rows.size())
            return QStringLiteral("connection %1: %2 segments, want %3")
                .arg(i)
                .arg(a.rows.size())
                .arg(b.rows.size());
        for (std::size_t k = 0; k < a.rows.size(); ++k) {
            const LadderRow &x = a.rows[k], &y = b.rows[k];
            const QString where =
                QStringLiteral("connection %1, packet %2: ").arg(i).arg(y.seg.packet);
            if (x.seg.packet != y.seg.packet || x.seg.timeNs != y.seg.timeNs
                || x.seg.sender != y.seg.sender)
                return where + QStringLiteral("another segment (%1)").arg(x.seg.packet);
            if (ladderLabel(x, true) != ladderLabel(y, true))
                return where + ladderLabel(x, true) + QStringLiteral(" ≠ ") + ladderLabel(y, true);
            if (x.notes != y.notes)
                return where + ladderNoteIds(x.notes) + QStringLiteral(" ≠ ")
                       + ladderNoteIds(y.notes);
            if (x.role != y.role)
                return where + QLatin1String(segmentRoleId(x.role)) + QStringLiteral(" ≠ ")
                       + QLatin1String(segmentRoleId(y.role));
        }
        if (a.final != b.final)
            return QStringLiteral("connection %1: the bands end elsewhere").arg(i);
    }
    return {};
}

struct Pipe
{
    int read = -1, write = -1;
    Pipe()
    {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) == 0) {
            read = p[0];
            write = p[1];
        }
    }
};

LiveCaptureOptions fileLike()
{
    LiveCaptureOptions o;
    o.wallClock = false; // the recording's own times, and pending delivered at the end
    o.publishIntervalMs = 10;
    o.keepPackets = false;
    return o;
}

// Runs `file` through a worker in chunks, the consumer taking each delta as it comes.
void runThrough(LiveCaptureWorker &worker, Replica &replica, const QString &file,
                std::size_t perChunk, std::chrono::milliseconds pause, bool cutOff = false)
{
    QObject::connect(&worker, &LiveCaptureWorker::deltaReady, &worker, [&] {
        if (std::optional<LiveDelta> d = worker.takeDelta())
            replica.apply(*d);
    });
    Pipe pipe;
    QVERIFY(pipe.read >= 0);
    worker.startStream(pipe.read, file);
    {
        test::PcapFeeder feed(test::splitPcap(fixture(file)), pipe.write, perChunk, pause, cutOff);
        QVERIFY(QTest::qWaitFor([&] { return replica.final; }, 20000));
    }
}

} // namespace

class TestLiveWorker : public QObject
{
    Q_OBJECT
private slots:
    void deltasAddUpToTheFile_data();
    void deltasAddUpToTheFile();
    void ladderGrowsToTheFile_data() { deltasAddUpToTheFile_data(); }
    void ladderGrowsToTheFile();
    void lateConsumerGetsOneMergedDelta();
    void retirementKeepsTheViewBounded();
    void keptFileIsPrivateAndWhole();
    void fullDiskIsSaid();
    void fullFilesystemKeepsWholePackets();
    void cutOffStreamIsSaid();
};

void TestLiveWorker::deltasAddUpToTheFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("perChunk");
    const QStringList files{u"client_close.lo.pcap"_qs,
                            u"server_close.lo.pcap"_qs,
                            u"simultaneous_close.lo.pcap"_qs,
                            u"simultaneous_open.lo.pcap"_qs,
                            u"half_close.lo.pcap"_qs,
                            u"refused.lo.pcap"_qs,
                            u"reuse_time_wait.lo.pcap"_qs,
                            u"mid_stream.lo.pcap"_qs,
                            u"abortive_close.lo.pcap"_qs,
                            u"unread_data_rst.lo.pcap"_qs,
                            u"ipv6.lo.pcap"_qs,
                            u"many_short.any-sll.pcap"_qs,
                            u"many_short.lo.pcap"_qs};
    for (const QString &f : files) {
        for (int n : {1, 3, 1000})
            QTest::addRow("%s/%d", qPrintable(f), n) << f << n;
    }
}

void TestLiveWorker::deltasAddUpToTheFile()
{
    QFETCH(QString, file);
    QFETCH(int, perChunk);
    const CaptureResult want = readCapture(fixture(file));
    QVERIFY2(want.tracker, qPrintable(want.error));
    LiveCaptureWorker worker(fileLike());
    Replica replica;
    runThrough(worker, replica, file, std::size_t(perChunk), 15ms);
    QVERIFY2(replica.broken.isEmpty(), qPrintable(replica.broken));
    const QString diff = differences(replica.view, *want.tracker, replica.deltas == 1);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(replica.status.packets, want.packets);
    QCOMPARE(replica.status.tcpPackets, want.tcpPackets);
    QCOMPARE(replica.status.lastTimeNs, want.lastTimeNs);
    QVERIFY(replica.status.readError.isEmpty());
    if (perChunk == 1 && want.packets > 4) // it did publish along the way
        QVERIFY2(replica.deltas > 1, qPrintable(QString::number(replica.deltas)));
}

// A live tab's ladder grows with the deltas: after all of them, every connection's segments
// are those read from the whole file.
void TestLiveWorker::ladderGrowsToTheFile()
{
    QFETCH(QString, file);
    QFETCH(int, perChunk);
    const CaptureResult want = readCapture(fixture(file));
    QVERIFY2(want.tracker && want.segments, qPrintable(want.error));
    LiveCaptureWorker worker(fileLike());
    Replica replica;
    std::size_t segmentsSeen = 0, grewWhile = 0;
    QObject::connect(&worker, &LiveCaptureWorker::deltaReady, &worker, [&] {
        grewWhile += replica.segments.segmentCount() > segmentsSeen && !replica.final;
        segmentsSeen = replica.segments.segmentCount();
    });
    runThrough(worker, replica, file, std::size_t(perChunk), 15ms);
    QVERIFY2(replica.broken.isEmpty(), qPrintable(replica.broken));
    QCOMPARE(replica.segments.segmentCount(), std::size_t(want.tcpPackets));
    const QString diff = ladderDifferences(replica, want);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    if (perChunk == 1 && want.packets > 4) // it grew along the way, not at the end only
        QVERIFY2(grewWhile > 1, qPrintable(QString::number(grewWhile)));
}

void TestLiveWorker::lateConsumerGetsOneMergedDelta()
{
    const QString file = u"many_short.lo.pcap"_qs;
    const CaptureResult want = readCapture(fixture(file));
    QVERIFY2(want.tracker, qPrintable(want.error));
    LiveCaptureWorker worker(fileLike());
    QSignalSpy ready(&worker, &LiveCaptureWorker::deltaReady);
    Pipe pipe;
    worker.startStream(pipe.read, file);
    {
        // No event loop runs meanwhile: the consumer is busy, nothing is taken.
        test::PcapFeeder feed(test::splitPcap(fixture(file)), pipe.write, 20, 15ms);
    }
    for (int i = 0; i < 2000 && worker.isRunning(); ++i)
        std::this_thread::sleep_for(5ms);
    QVERIFY(!worker.isRunning());
    QVERIFY2(worker.publishCount() > 3, qPrintable(QString::number(worker.publishCount())));
    QCOMPARE(ready.count(), 1); // one notification for one waiting delta
    std::optional<LiveDelta> merged = worker.takeDelta();
    QVERIFY(merged);
    QVERIFY(merged->first);
    QVERIFY(merged->final);
    QVERIFY(!worker.takeDelta());
    Replica replica;
    replica.apply(*merged);
    const QString diff = differences(replica.view, *want.tracker);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    const QString ladders = ladderDifferences(replica, want); // merged segments, in order
    QVERIFY2(ladders.isEmpty(), qPrintable(ladders));
    QCOMPARE(merged->packets, want.packets);
}

void TestLiveWorker::retirementKeepsTheViewBounded()
{
    // TIME_WAIT shortened to 1 ms so that the recording's connections finish (both CLOSED)
    // while it plays; the file read with the same tracker is the reference.
    const QString file = u"many_short.lo.pcap"_qs;
    constexpr std::int64_t twoMsl = 1'000'000;
    TcpTracker all(twoMsl);
    SegmentIndex allSegments;
    {
        CaptureReader reader;
        reader.setSegmentObserver([&](const Segment &seg) {
            const std::uint32_t conn = all.lastConnection();
            allSegments.add(conn, all.connections()[conn], seg);
        });
        QString error;
        QVERIFY2(reader.open(fixture(file), &error) && reader.read(all, &error), qPrintable(error));
        all.finish(reader.stats().lastTimeNs);
    }
    LiveCaptureOptions o = fileLike();
    o.twoMslNs = twoMsl;
    o.keepFinished = 2;
    o.retireAfterNs = 0;
    const std::size_t bound = o.keepFinished + 16; // the bound and its slack (see the header)
    QVERIFY2(all.connections().size() > bound + 10, "the fixture has too few connections");
    LiveCaptureWorker worker(o);
    Replica replica;
    std::size_t mostKept = 0;
    QObject::connect(&worker, &LiveCaptureWorker::deltaReady, &worker, [&] {
        // Finished for the window: each endpoint CLOSED or waiting out TIME_WAIT.
        const auto done = [](TcpState s) {
            return s == TcpState::Closed || s == TcpState::TimeWait;
        };
        std::size_t finished = 0;
        for (const Connection &c : replica.view.connections())
            finished += done(c.ep[0].state) && done(c.ep[1].state);
        mostKept = std::max(mostKept, finished);
    });
    runThrough(worker, replica, file, 4, 15ms);
    QVERIFY2(replica.broken.isEmpty(), qPrintable(replica.broken));
    QVERIFY2(replica.retired.connections > 0, "nothing was retired");
    QVERIFY2(mostKept <= bound + 1, qPrintable(QString::number(mostKept)));
    // Nothing is lost from the counts: kept + retired are all the file's connections, the
    // counts per state are the file's, and the kept ones are the file's newest, unchanged.
    QCOMPARE(replica.retired.connections + replica.view.connections().size(),
             all.connections().size());
    QCOMPARE(replica.view.counts(), all.counts());
    const std::size_t skip = std::size_t(replica.retired.connections);
    std::vector<bool> keptInFile(all.connections().size(), false);
    std::size_t k = 0;
    for (std::size_t i = 0; i < all.connections().size() && k < replica.view.connections().size();
         ++i) {
        if (sameConnection(all.connections()[i], replica.view.connections()[k])) {
            // Its segments are kept with it, renumbered as it is.
            const auto &got = replica.segments.segments(std::uint32_t(k));
            const auto &want = allSegments.segments(std::uint32_t(i));
            QCOMPARE(got.size(), want.size());
            for (std::size_t j = 0; j < got.size(); ++j)
                QCOMPARE(got[j].packet, want[j].packet);
            keptInFile[i] = true;
            ++k;
        }
    }
    QCOMPARE(k, replica.view.connections().size());
    // The summary: per endpoint of each retired connection, the state it left for CLOSED.
    RetiredSummary expected;
    std::vector<std::array<TcpState, 2>> from(all.connections().size(),
                                              {TcpState::Closed, TcpState::Closed});
    for (const StateChange &c : all.changes()) {
        if (c.to == TcpState::Closed)
            from[c.connection][c.endpoint] = c.from;
    }
    for (std::size_t i = 0; i < all.connections().size(); ++i) { // TIME_WAIT's timer still runs
        for (int e = 0; e < 2; ++e) {
            if (all.connections()[i].ep[std::size_t(e)].state == TcpState::TimeWait)
                from[i][std::size_t(e)] = TcpState::TimeWait;
        }
    }
    for (std::size_t i = 0; i < all.connections().size(); ++i) {
        if (keptInFile[i])
            continue;
        ++expected.connections;
        expected.refused += all.connections()[i].refused;
        for (TcpState s : from[i])
            ++expected.closedFrom[std::size_t(index(s))];
    }
    QCOMPARE(expected.connections, std::uint64_t(skip));
    // Those retired in TIME_WAIT (parked) leave it later, or left it in the file.
    QVERIFY(replica.retired.timeWait > 0);
    QVERIFY(replica.retired.timeWait
            <= expected.closedFrom[std::size_t(index(TcpState::TimeWait))]);
    expected.timeWait = replica.retired.timeWait;
    QVERIFY(replica.retired == expected);
    // The kept changes are those of the kept connections, each history whole.
    std::size_t keptChanges = 0;
    for (const StateChange &c : all.changes())
        keptChanges += keptInFile[c.connection];
    QCOMPARE(replica.view.changes().size(), keptChanges);
    // The changes per connection, renumbered at each retirement, are those a fresh filing of
    // the kept changes gives.
    SegmentIndex fresh;
    fresh.fileChanges(replica.view.changes(), 0);
    for (std::uint32_t c = 0; c < replica.view.connections().size(); ++c)
        QVERIFY2(replica.segments.changes(c) == fresh.changes(c), qPrintable(QString::number(c)));
}

void TestLiveWorker::keptFileIsPrivateAndWhole()
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

void TestLiveWorker::fullDiskIsSaid()
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
void TestLiveWorker::fullFilesystemKeepsWholePackets()
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

void TestLiveWorker::cutOffStreamIsSaid()
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

QTEST_GUILESS_MAIN(TestLiveWorker)
#include "tst_liveworker.moc"
