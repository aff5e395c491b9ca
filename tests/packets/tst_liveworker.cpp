// The live capture worker, headless, driven with the recorded captures of tests/data/packets
// written through a pipe in chunks: its deltas add up to exactly what reading the file gives,
// a consumer that takes late gets one merged delta, and finished connections beyond the bound
// are retired with the counts kept right (the kept packets file: tst_livekeptfile).
#include "support/livereplica.h"

#include <QSignalSpy>
#include <QTest>

using namespace tcpscope;
using namespace tcpscope::test;
using namespace std::chrono_literals;

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

QTEST_GUILESS_MAIN(TestLiveWorker)
#include "tst_liveworker.moc"
