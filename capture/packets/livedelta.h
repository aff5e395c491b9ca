// What a live capture publishes: what changed since its last publish, by value, so that a
// view applies it in O(what changed) and a slow view takes several as one (merge()).
//
// A view applies a delta in this order: remove the `retired` connections (ids in the
// numbering the view has, ascending; the others keep their order and are renumbered), append
// `added` (their ids start at firstNew), overwrite the `changed` ones, append `changes`,
// `segments` and `notes`.
#pragma once

#include "packets/segmentindex.h"

#include <QString>

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace tcpscope {

// The finished connections a live view no longer keeps, folded into counts.
struct RetiredSummary
{
    std::uint64_t connections = 0;
    std::uint64_t refused = 0;
    // Per endpoint: the state it left for CLOSED (CLOSED: it never left CLOSED, e.g. the
    // side of a refused SYN). An endpoint retired in TIME_WAIT counts as leaving TIME_WAIT:
    // the source counts it in TIME_WAIT until its timer ends (TcpTracker::park).
    std::array<std::uint64_t, kTcpStateCount> closedFrom{};
    std::uint64_t timeWait = 0; // endpoints retired in TIME_WAIT (in closedFrom too)

    void add(const RetiredSummary &o);
    bool operator==(const RetiredSummary &) const = default;
};

struct LiveDelta
{
    bool first = false; // the first delta of a capture: a view starts afresh
    bool final = false; // the capture has ended: nothing follows
    std::vector<std::uint32_t> retired;
    std::vector<Connection> retiredConnections; // their last values (for 4-tuple indexes)
    std::uint32_t firstNew = 0;
    std::vector<Connection> added;
    std::vector<std::pair<std::uint32_t, Connection>> changed; // ids < firstNew, ascending
    std::vector<StateChange> changes;
    // The segments read since the last delta, each with its connection (numbered as after
    // `retired`), and the engine's notes on segments (LiveCaptureOptions::segments).
    std::vector<std::pair<std::uint32_t, IndexedSegment>> segments;
    std::vector<SegmentAnnotation> notes;
    std::array<int, kTcpStateCount> counts{}; // the tracker's, after this delta
    std::uint64_t packets = 0, tcpPackets = 0;
    std::uint64_t keptPackets = 0; // of `packets`, how many the kept file holds, whole
    std::int64_t lastTimeNs = 0;
    int digits = 6;
    std::uint32_t connections = 0; // kept after this delta (firstNew + added.size())
    std::int64_t buildNs = 0;      // what making it cost the worker (merged: the sum)
    QString dropReport;            // the helper's latest "received=N dropped=N ifdropped=N"
    // What went wrong, for the view to say (it words and translates it).
    QString readError;                 // the stream was cut off
    QString keepError;                 // the kept packets file could not be written (disk full...)
    QString helperSays;                // the helper's own message (no capability, bad filter...)
    std::optional<int> helperExitCode; // it ended by itself with this code
    std::optional<int> helperSignal;   // it was killed by this signal

    // This delta followed by `later` (which retires nothing: a worker retires only when its
    // previous delta was taken), as one delta.
    void merge(LiveDelta &&later);
};

} // namespace tcpscope
