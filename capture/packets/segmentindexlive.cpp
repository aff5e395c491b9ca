// SegmentIndex in a live view: filed delta by delta, connections retired and renumbered as
// the view's tracker retires them, and bounded in all.
#include "packets/segmentindex.h"

#include "packets/livedelta.h"

#include <algorithm>

namespace tcpscope {

namespace {

template<typename T>
void growTo(std::vector<T> &v, std::uint32_t conn)
{
    if (conn >= v.size())
        v.resize(std::size_t(conn) + 1);
}

// Keeps the entries whose index is not in `ids` (ascending), in order.
template<typename T>
void removeIds(std::vector<T> &v, const std::vector<std::uint32_t> &ids)
{
    std::size_t next = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!std::binary_search(ids.begin(), ids.end(), std::uint32_t(i)))
            v[next++] = std::move(v[i]);
    }
    v.resize(next);
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

void SegmentIndex::retire(const std::vector<std::uint32_t> &ids)
{
    if (ids.empty())
        return;
    for (std::uint32_t id : ids) {
        if (id < m_segments.size())
            m_total -= m_segments[id].size();
    }
    removeIds(m_segments, ids);
    removeIds(m_notes, ids);
    removeIds(m_dropped, ids);
    for (auto &bucket : m_notes) {
        for (SegmentAnnotation &a : bucket)
            a.connection -=
                std::uint32_t(std::lower_bound(ids.begin(), ids.end(), a.connection) - ids.begin());
    }
    m_changes.clear();
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
