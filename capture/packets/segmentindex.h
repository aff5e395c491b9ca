// Every segment of a capture filed under its connection as it is read, with the engine's
// changes and annotations filed the same way: a view of one connection (the ladder) reads
// only that connection's segments, never the whole capture.
#pragma once

#include "packets/tcptracker.h"

#include <cstdint>
#include <vector>

namespace tcpscope {

struct LiveDelta;

// One segment as the ladder needs it: 32 bytes (a 100,000-segment connection is 3.2 MB).
struct IndexedSegment
{
    std::int64_t timeNs = 0;
    std::uint32_t packet = 0; // 1-based, in its capture
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t payload = 0;
    std::uint16_t window = 0; // as sent, unscaled
    std::uint8_t flags = 0;
    std::uint8_t sender = 0;      // the sending endpoint's index in its Connection (0 or 1)
    std::int8_t windowScale = -1; // the SYN's window-scale option, -1 when absent
};

// Segment `s` as the ladder keeps it, sent by one endpoint of `c` (the connection the tracker
// has just processed it into).
IndexedSegment indexedSegment(const Connection &c, const Segment &s);

class SegmentIndex
{
public:
    // Files segment `s`, which the tracker has just processed into connection `conn`.
    void add(std::uint32_t conn, const Connection &c, const Segment &s);
    // Files the tracker's changes and annotations per connection (after its finish()).
    void fileEngineRecord(const TcpTracker &tracker);

    // A live view's index, following a worker's deltas (segmentindexlive.cpp): segments,
    // changes from index `from` of the view tracker's, annotations, as they come.
    void add(std::uint32_t conn, const IndexedSegment &s);
    void fileChanges(const std::vector<StateChange> &changes, std::size_t from);
    void fileAnnotations(const std::vector<SegmentAnnotation> &notes);
    // All three from a delta the view's tracker has just applied (it had knownChanges before).
    void fileDelta(const LiveDelta &d, const TcpTracker &view, std::size_t knownChanges);
    // Removes the retired connections (ascending) and renumbers the rest and their changes as
    // the tracker did (changeMap: TcpTracker::retire's old change index → new).
    void retire(const std::vector<std::uint32_t> &ids, const std::vector<std::uint32_t> &changeMap);
    // Bounded: past `maxSegments` in all, the segments of the oldest connections other than
    // `keep` are dropped (to three quarters of the bound); a dropped connection is no longer
    // complete and files no more segments.
    void bound(std::size_t maxSegments, std::uint32_t keep);
    bool complete(std::uint32_t conn) const;
    std::size_t segmentCount() const { return m_total; }

    std::size_t connectionCount() const { return m_segments.size(); }
    // Empty for an unknown connection.
    const std::vector<IndexedSegment> &segments(std::uint32_t conn) const;
    // Indices into tracker.changes(), in the tracker's order.
    const std::vector<std::uint32_t> &changes(std::uint32_t conn) const;
    const std::vector<SegmentAnnotation> &annotations(std::uint32_t conn) const;

private:
    std::vector<std::vector<IndexedSegment>> m_segments;
    std::vector<std::vector<std::uint32_t>> m_changes;
    std::vector<std::vector<SegmentAnnotation>> m_notes;
    std::vector<std::uint8_t> m_dropped; // per connection (live views only)
    std::size_t m_total = 0;
};

} // namespace tcpscope
