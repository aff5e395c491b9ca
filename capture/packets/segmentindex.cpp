#include "packets/segmentindex.h"

namespace tcpscope {

namespace {

template<typename T>
const std::vector<T> &bucket(const std::vector<std::vector<T>> &all, std::uint32_t conn)
{
    static const std::vector<T> none;
    return conn < all.size() ? all[conn] : none;
}

template<typename T>
std::vector<T> &grownTo(std::vector<std::vector<T>> &all, std::uint32_t conn)
{
    if (conn >= all.size())
        all.resize(std::size_t(conn) + 1);
    return all[conn];
}

} // namespace

IndexedSegment indexedSegment(const Connection &c, const Segment &s)
{
    IndexedSegment x;
    x.timeNs = s.timeNs;
    x.packet = std::uint32_t(s.packet);
    x.seq = s.seq;
    x.ack = s.ack;
    x.payload = s.payload;
    x.window = s.window;
    x.flags = s.flags;
    x.sender = c.port[0] == s.srcPort && c.address[0] == s.src ? 0 : 1;
    x.windowScale = s.windowScale;
    return x;
}

void SegmentIndex::add(std::uint32_t conn, const Connection &c, const Segment &s)
{
    grownTo(m_segments, conn).push_back(indexedSegment(c, s));
    ++m_total;
}

void SegmentIndex::fileEngineRecord(const TcpTracker &tracker)
{
    m_changes.assign(m_segments.size(), {});
    m_notes.assign(m_segments.size(), {});
    const auto &changes = tracker.changes();
    for (std::uint32_t i = 0; i < changes.size(); ++i)
        grownTo(m_changes, changes[i].connection).push_back(i);
    for (const SegmentAnnotation &a : tracker.annotations())
        grownTo(m_notes, a.connection).push_back(a);
}

const std::vector<IndexedSegment> &SegmentIndex::segments(std::uint32_t conn) const
{
    return bucket(m_segments, conn);
}

const std::vector<std::uint32_t> &SegmentIndex::changes(std::uint32_t conn) const
{
    return bucket(m_changes, conn);
}

const std::vector<SegmentAnnotation> &SegmentIndex::annotations(std::uint32_t conn) const
{
    return bucket(m_notes, conn);
}

} // namespace tcpscope
