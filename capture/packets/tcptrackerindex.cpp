// The packet engine's connection index: one open-addressing table from a 4-tuple (either
// direction) to its current incarnation. Kept apart from the packet logic in tcptracker.cpp.
#include "packets/tcptrackerinline.h"

#include <algorithm>

namespace tcpscope {

namespace {

using namespace trackerindex;

bool sameTuple(const Connection &c, const Connection &n)
{
    return (sameAddress(c.address[0], n.address[0]) && c.port[0] == n.port[0]
            && sameAddress(c.address[1], n.address[1]) && c.port[1] == n.port[1])
           || (sameAddress(c.address[0], n.address[1]) && c.port[0] == n.port[1]
               && sameAddress(c.address[1], n.address[0]) && c.port[1] == n.port[0]);
}

std::uint64_t connectionHash(const Connection &c)
{
    return tupleHash(c.address[0], c.port[0], c.address[1], c.port[1]);
}

} // namespace

void TcpTracker::grow()
{
    std::vector<std::uint64_t> old = std::move(m_slots);
    m_slots.assign(old.size() * 2, 0);
    const std::size_t mask = m_slots.size() - 1;
    for (const std::uint64_t slot : old) { // the tuples are distinct: each goes to a free slot
        if (slot) {
            std::size_t i = homeSlot(slot, mask);
            while (m_slots[i] != 0)
                i = (i + 1) & mask;
            m_slots[i] = slot;
        }
    }
}

void TcpTracker::rebuildIndex()
{
    std::fill(m_slots.begin(), m_slots.end(), 0);
    m_used = 0;
    for (std::uint32_t id = 0; id < m_connections.size(); ++id)
        insertIndex(connectionHash(m_connections[id]), id);
}

void TcpTracker::insertIndex(std::uint64_t hash, std::uint32_t conn)
{
    if ((m_used + 1) * 2 > m_slots.size()) // at most half full: short probes
        grow();
    const std::size_t mask = m_slots.size() - 1;
    const std::uint64_t tag = hash & kTagMask;
    for (std::size_t i = homeSlot(hash, mask);; i = (i + 1) & mask) {
        if (m_slots[i] == 0) {
            m_slots[i] = slotOf(hash, conn);
            ++m_used;
            return;
        }
        // A new incarnation replaces the old one in the index.
        if ((m_slots[i] & kTagMask) == tag
            && sameTuple(m_connections[slotConnection(m_slots[i])], m_connections[conn])) {
            m_slots[i] = slotOf(hash, conn);
            return;
        }
    }
}

std::uint32_t TcpTracker::create(const Segment &s)
{
    const auto id = std::uint32_t(m_connections.size());
    Connection &c = m_connections.emplace_back();
    c.address = {s.src, s.dst};
    c.port = {s.srcPort, s.dstPort};
    c.firstSeenNs = s.timeNs;
    const std::uint64_t hash = tupleHash(s.src, s.srcPort, s.dst, s.dstPort);
    if (!m_parked.empty()) [[unlikely]] // a TIME_WAIT no longer kept ends as this one opens
        unpark(m_parked.take(hash));
    insertIndex(hash, id);
    m_recent[recentKey(s)] = id; // the 4-tuple's current incarnation now
    startConnection(c, id, s);
    return m_lastConnection = id;
}

} // namespace tcpscope
