// The tracker's part in live views: retiring finished connections (bounded memory) and a
// view's copy following a worker's deltas. Kept apart from the packet logic in tcptracker.cpp.
#include "nanoseconds.h"
#include "packets/livedelta.h"
#include "packets/tcptrackerinline.h"

namespace tcpscope {

namespace {

// Per endpoint of each retired connection, the state it left for CLOSED.
void summarise(const std::vector<StateChange> &changes, const std::vector<std::uint32_t> &map,
               const std::vector<Connection> &connections, const std::vector<std::uint32_t> &ids,
               RetiredSummary &out)
{
    // An endpoint retired in TIME_WAIT leaves it when its timer ends (or a SYN reuses it).
    std::vector<std::array<TcpState, 2>> closedFrom(ids.size());
    std::vector<std::uint32_t> slot(connections.size(), UINT32_MAX);
    for (std::uint32_t k = 0; k < ids.size(); ++k) {
        slot[ids[k]] = k;
        for (int e = 0; e < 2; ++e) {
            const bool waiting = connections[ids[k]].ep[std::size_t(e)].state == TcpState::TimeWait;
            closedFrom[k][std::size_t(e)] = waiting ? TcpState::TimeWait : TcpState::Closed;
            out.timeWait += waiting ? 1 : 0;
        }
    }
    for (const StateChange &c : changes) {
        if (map[c.connection] == UINT32_MAX && c.to == TcpState::Closed)
            closedFrom[slot[c.connection]][c.endpoint] = c.from;
    }
    for (std::uint32_t k = 0; k < ids.size(); ++k) {
        ++out.connections;
        out.refused += connections[ids[k]].refused ? 1 : 0;
        for (TcpState s : closedFrom[k])
            ++out.closedFrom[std::size_t(index(s))];
    }
}

} // namespace

void TcpTracker::park(const std::vector<std::uint32_t> &ids)
{
    for (std::uint32_t id : ids) {
        const Connection &c = m_connections[id];
        int waiting = 0;
        std::int64_t endNs = 0;
        for (const TrackedEndpoint &ep : c.ep) {
            if (ep.state == TcpState::TimeWait) {
                ++waiting;
                endNs = std::max(endNs, saturatingAdd(ep.timeWaitSinceNs, m_twoMslNs));
            }
        }
        if (waiting > 0)
            unpark(m_parked.park(
                trackerindex::tupleHash(c.address[0], c.port[0], c.address[1], c.port[1]), endNs,
                waiting));
    }
}

void TcpTracker::unpark(int endpoints)
{
    m_counts[index(TcpState::TimeWait)] -= endpoints;
    m_counts[index(TcpState::Closed)] += endpoints;
}

RetiredSummary TcpTracker::retire(const std::vector<std::uint32_t> &ids, bool keepHistory,
                                  std::vector<std::uint32_t> *changeMapOut)
{
    RetiredSummary summary;
    if (ids.empty())
        return summary;
    // Old id → new id (UINT32_MAX: retired).
    std::vector<std::uint32_t> map(m_connections.size(), 0);
    for (std::uint32_t id : ids)
        map[id] = UINT32_MAX;
    if (keepHistory)
        summarise(m_changes, map, m_connections, ids, summary);
    std::uint32_t next = 0;
    for (std::uint32_t id = 0; id < m_connections.size(); ++id) {
        if (map[id] != UINT32_MAX) {
            map[id] = next;
            if (next != id)
                m_connections[next] = m_connections[id];
            ++next;
        }
    }
    m_connections.resize(next);
    // The changes that stay, renumbered; endpoints point at their latest one still kept.
    std::vector<std::uint32_t> changeMap(m_changes.size(), UINT32_MAX);
    std::size_t kept = 0, keptPublished = 0;
    for (std::size_t i = 0; i < m_changes.size(); ++i) {
        StateChange c = m_changes[i];
        if (map[c.connection] == UINT32_MAX || (!keepHistory && i < m_published))
            continue;
        c.connection = map[c.connection];
        changeMap[i] = std::uint32_t(kept);
        keptPublished += i < m_published ? 1 : 0;
        m_changes[kept++] = c;
    }
    m_changes.resize(kept);
    m_published = keptPublished;
    for (Connection &c : m_connections) {
        for (TrackedEndpoint &ep : c.ep) {
            if (ep.lastChange != UINT32_MAX)
                ep.lastChange =
                    ep.lastChange < changeMap.size() ? changeMap[ep.lastChange] : UINT32_MAX;
        }
    }
    std::erase_if(m_holding, [&](std::uint32_t &conn) {
        conn = map[conn];
        return conn == UINT32_MAX;
    });
    std::erase_if(m_notes, [&](SegmentAnnotation &n) {
        n.connection = map[n.connection];
        return n.connection == UINT32_MAX;
    });
    std::erase_if(m_timeWait, [&](std::uint32_t &conn) {
        conn = map[conn];
        return conn == UINT32_MAX;
    });
    m_lastConnection = m_lastConnection < map.size() ? map[m_lastConnection] : UINT32_MAX;
    m_recent.fill(UINT32_MAX); // ids changed
    if (m_used > 0)
        rebuildIndex();
    if (changeMapOut)
        *changeMapOut = std::move(changeMap);
    return summary;
}

void TcpTracker::apply(const LiveDelta &d)
{
    for (const auto &[id, c] : d.changed)
        m_connections[id] = c;
    m_connections.insert(m_connections.end(), d.added.begin(), d.added.end());
    m_changes.insert(m_changes.end(), d.changes.begin(), d.changes.end());
    m_counts = d.counts;
}

} // namespace tcpscope
