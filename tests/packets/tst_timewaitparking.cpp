// A live source retires finished connections whose last endpoint waits out TIME_WAIT
// (TcpTracker::park): on real loopback recordings, the counts per state stay those of a
// tracker that keeps every connection — while the timers run, when they end, and when a new
// incarnation reuses a parked 4-tuple (tcp_tw_reuse on loopback).
#include "packets/capturereader.h"
#include "packets/finishedconnections.h"
#include "packets/tcptracker.h"

#include <QTest>

using namespace tcpscope;

namespace {

QString fixture(const QString &name)
{
    return QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + name;
}

int timeWaitEndpoints(const TcpTracker &t)
{
    int n = 0;
    for (const Connection &c : t.connections())
        n += (c.ep[0].state == TcpState::TimeWait) + (c.ep[1].state == TcpState::TimeWait);
    return n;
}

std::vector<std::uint32_t> all(const TcpTracker &t)
{
    std::vector<std::uint32_t> ids(t.connections().size());
    for (std::uint32_t id = 0; id < ids.size(); ++id)
        ids[id] = id;
    return ids;
}

} // namespace

class TestTimeWaitParking : public QObject
{
    Q_OBJECT

private slots:
    void parkedEndpointsStayCountedUntilTheirTimerEnds();
    void reuseEndsAParkedTimeWait();
};

void TestTimeWaitParking::parkedEndpointsStayCountedUntilTheirTimerEnds()
{
    TcpTracker kept, live;
    std::int64_t last = 0;
    for (TcpTracker *t : {&kept, &live}) {
        CaptureReader reader;
        QString error;
        QVERIFY2(reader.open(fixture(u"many_short.lo.pcap"_qs), &error) && reader.read(*t, &error),
                 qPrintable(error));
        last = reader.stats().lastTimeNs;
        t->expire(last);
    }
    const int waiting = timeWaitEndpoints(kept);
    QVERIFY2(waiting > 20, qPrintable(QString::number(waiting))); // each client's TIME_WAIT

    // Every connection is finished (each endpoint CLOSED or in TIME_WAIT): all but none kept.
    FinishedConnections finished(0, 0, FinishedConnections::TimeWaits::Parked);
    std::vector<std::uint32_t> ids = all(live), touched;
    for (std::uint32_t id : ids)
        finished.update(live.connections()[id], id);
    QCOMPARE(finished.count(), live.connections().size());
    const std::vector<std::uint32_t> retired =
        finished.retire(live, std::uint32_t(ids.size()), last, touched);
    QCOMPARE(retired.size(), ids.size());
    QVERIFY(live.connections().empty());
    QCOMPARE(live.parkedTimeWaits(), waiting);
    QCOMPARE(live.counts(), kept.counts());

    // A second before the first timer ends nothing moves; after the last, every one is CLOSED.
    std::int64_t firstEnd = INT64_MAX;
    for (const Connection &c : kept.connections()) {
        for (const TrackedEndpoint &ep : c.ep) {
            if (ep.state == TcpState::TimeWait)
                firstEnd = std::min(firstEnd, ep.timeWaitSinceNs + kept.twoMslNs());
        }
    }
    for (const std::int64_t at : {firstEnd - 1'000'000'000, last + kept.twoMslNs() + 1}) {
        kept.expire(at);
        live.expire(at);
        QCOMPARE(live.counts(), kept.counts());
    }
    QCOMPARE(live.parkedTimeWaits(), 0);
    QCOMPARE(live.counts()[std::size_t(index(TcpState::TimeWait))], 0);
}

void TestTimeWaitParking::reuseEndsAParkedTimeWait()
{
    // The client's 4-tuple goes to TIME_WAIT, and 1.2 s later a new connection reuses it.
    TcpTracker kept, live;
    CaptureReader a, b;
    QString error;
    const QString file = fixture(u"reuse_time_wait.lo.pcap"_qs);
    QVERIFY2(a.open(file, &error) && b.open(file, &error), qPrintable(error));
    bool parked = false;
    do {
        QVERIFY2(a.read(kept, &error, 1) && b.read(live, &error, 1), qPrintable(error));
        if (!parked && !live.connections().empty()) {
            const Connection &c = live.connections().front();
            const bool done =
                c.ep[0].state != c.ep[1].state
                && (c.ep[0].state == TcpState::TimeWait || c.ep[1].state == TcpState::TimeWait)
                && (c.ep[0].state == TcpState::Closed || c.ep[1].state == TcpState::Closed);
            if (done) {
                live.park({0});
                live.retire({0}, false);
                parked = true;
                QCOMPARE(live.parkedTimeWaits(), 1);
            }
        }
        QCOMPARE(live.counts(), kept.counts());
    } while (!b.atEnd());
    QVERIFY2(parked, "the first incarnation never reached TIME_WAIT and CLOSED");
    QCOMPARE(live.parkedTimeWaits(), 0); // the reuse took it
    QCOMPARE(kept.connections().size(), 2u);
    QCOMPARE(live.connections().size(), 1u);
}

QTEST_GUILESS_MAIN(TestTimeWaitParking)
#include "tst_timewaitparking.moc"
