// The live capture worker driven headless, for its tests: a Replica follows its deltas as
// PacketConnectionModel does, runThrough() feeds a recording through a pipe in chunks, and
// differences() compares the replica's tracker with the file's.
#pragma once

#include "packets/capturefile.h"
#include "packets/capturereader.h"
#include "packets/ladder.h"
#include "packets/livecaptureworker.h"
#include "support/pcapfeed.h"

#include <QTest>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

namespace tcpscope::test {

inline QString fixture(const QString &name)
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

inline bool sameConnection(const Connection &a, const Connection &b)
{
    return a.address == b.address && a.port == b.port && a.firstSeenNs == b.firstSeenNs
           && a.lastSeenNs == b.lastSeenNs && a.midStream == b.midStream && a.refused == b.refused
           && a.ep[0].state == b.ep[0].state && a.ep[1].state == b.ep[1].state
           && a.ep[0].role == b.ep[0].role && a.ep[1].role == b.ep[1].role;
}

inline bool sameChange(const StateChange &a, const StateChange &b)
{
    return a.timeNs == b.timeNs && a.connection == b.connection && a.packet == b.packet
           && a.endpoint == b.endpoint && a.from == b.from && a.to == b.to && a.flags == b.flags
           && a.inferred == b.inferred;
}

// A live capture never rewrites a change it has published: where a file's reading merges
// two changes of one endpoint caused by the same packet (FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT
// as FIN_WAIT_1 → TIME_WAIT), a publish in between leaves both. Merged, they are the same.
inline std::vector<StateChange> merged(const std::vector<StateChange> &history)
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
inline QString differences(const TcpTracker &got, const TcpTracker &want, bool exact = false)
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
inline QString ladderDifferences(const Replica &got, const CaptureResult &want)
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

inline LiveCaptureOptions fileLike()
{
    LiveCaptureOptions o;
    o.wallClock = false; // the recording's own times, and pending delivered at the end
    o.publishIntervalMs = 10;
    o.keepPackets = false;
    return o;
}

// Runs `file` through a worker in chunks, the consumer taking each delta as it comes.
inline void runThrough(LiveCaptureWorker &worker, Replica &replica, const QString &file,
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

} // namespace tcpscope::test
