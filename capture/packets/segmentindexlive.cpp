// SegmentIndex in a live view: filed delta by delta, connections retired and renumbered as
// the view's tracker retires them, and bounded in all.
#include "packets/segmentindex.h"

#include "packets/livedelta.h"
#include "packets/retiredids.h"

#include <algorithm>

namespace tcpscope {

namespace {

template<typename T>
void growTo(std::vector<T> &v, std::uint32_t conn)
{
    if (conn >= v.size())
        v.resize(std::size_t(conn) + 1);
}

} // namespace

void SegmentIndex::add(std::uint32_t conn, const IndexedSegment &s)
{
    growTo(m_segments, conn);
    growTo(m_dropped, conn);
    if (m_dropped[conn])
        return;
    m_segments[conn].push_back(s);
    ++m_total;
}

void SegmentIndex::fileChanges(const std::vector<StateChange> &changes, std::size_t from)
{
    if (from == 0)
        m_changes.clear();
    for (std::size_t i = from; i < changes.size(); ++i) {
        growTo(m_changes, changes[i].connection);
        m_changes[changes[i].connection].push_back(std::uint32_t(i));
    }
}

void SegmentIndex::fileAnnotations(const std::vector<SegmentAnnotation> &notes)
{
    for (const SegmentAnnotation &a : notes) {
        growTo(m_notes, a.connection);
        m_notes[a.connection].push_back(a);
    }
}

void SegmentIndex::fileDelta(const LiveDelta &d, const TcpTracker &view, std::size_t knownChanges)
{
    for (const auto &[conn, seg] : d.segments)
        add(conn, seg);
    fileChanges(view.changes(), knownChanges);
    fileAnnotations(d.notes);
}

void SegmentIndex::retire(const std::vector<std::uint32_t> &ids,
                          const std::vector<std::uint32_t> &changeMap)
{
    if (ids.empty())
        return;
    for (std::uint32_t id : ids) {
        if (id < m_segments.size())
            m_total -= m_segments[id].size();
    }
    eraseIds(m_segments, ids);
    eraseIds(m_notes, ids);
    eraseIds(m_dropped, ids);
    for (auto &bucket : m_notes) {
        for (SegmentAnnotation &a : bucket)
            a.connection -=
                std::uint32_t(std::lower_bound(ids.begin(), ids.end(), a.connection) - ids.begin());
    }
    retireChangeLists(m_changes, ids, changeMap);
}

void SegmentIndex::bound(std::size_t maxSegments, std::uint32_t keep)
{
    if (m_total <= maxSegments)
        return;
    m_dropped.resize(m_segments.size(), 0);
    for (std::uint32_t id = 0; id < m_segments.size() && m_total > maxSegments / 4 * 3; ++id) {
        if (id == keep || m_segments[id].empty())
            continue;
        m_total -= m_segments[id].size();
        std::vector<IndexedSegment>().swap(m_segments[id]);
        m_dropped[id] = 1;
    }
}

bool SegmentIndex::complete(std::uint32_t conn) const
{
    return conn >= m_dropped.size() || !m_dropped[conn];
}

} // namespace tcpscope
