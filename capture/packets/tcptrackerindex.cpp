// The packet engine's connection index: one open-addressing table from a 4-tuple (either
// direction) to its current incarnation. Kept apart from the packet logic in tcptracker.cpp.
#include "packets/tcptracker.h"

#include <algorithm>
#include <cstring>

namespace tcpscope {

namespace {

inline std::uint64_t mix(std::uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

inline std::uint64_t endpointHash(const IpAddress &a, std::uint16_t port)
{
    std::uint64_t w[2];
    std::memcpy(w, a.bytes.data(), 16);
    return (w[0] * 0x9e3779b97f4a7c15ull) ^ (w[1] * 0xc2b2ae3d27d4eb4full)
           ^ ((std::uint64_t(port) << 8 | a.family) * 0x165667b19e3779f9ull);
}

// The same hash for both directions of a connection: a symmetric combination, mixed once.
std::uint64_t tupleHash(const IpAddress &a, std::uint16_t pa, const IpAddress &b, std::uint16_t pb)
{
    const std::uint64_t ha = endpointHash(a, pa), hb = endpointHash(b, pb);
    const std::uint64_t h = mix(ha + hb);
    return h ? h : 1;
}

// IpAddress equality as two word compares (the hot path compares several per packet).
inline bool sameAddress(const IpAddress &x, const IpAddress &y)
{
    std::uint64_t a[2], b[2];
    std::memcpy(a, x.bytes.data(), 16);
    std::memcpy(b, y.bytes.data(), 16);
    return a[0] == b[0] && a[1] == b[1] && x.family == y.family;
}

} // namespace

void TcpTracker::grow()
{
    std::vector<std::uint64_t> oldHash = std::move(m_slotHash);
    std::vector<std::uint32_t> oldConn = std::move(m_slotConn);
    m_slotHash.assign(oldHash.size() * 2, 0);
    m_slotConn.assign(oldHash.size() * 2, 0);
    m_used = 0;
    for (std::size_t i = 0; i < oldHash.size(); ++i) {
        if (oldHash[i])
            insertIndex(oldHash[i], oldConn[i] - 1);
    }
}

void TcpTracker::rebuildIndex()
{
    std::fill(m_slotHash.begin(), m_slotHash.end(), 0);
    std::fill(m_slotConn.begin(), m_slotConn.end(), 0);
    m_used = 0;
    for (std::uint32_t id = 0; id < m_connections.size(); ++id) {
        const Connection &c = m_connections[id];
        insertIndex(tupleHash(c.address[0], c.port[0], c.address[1], c.port[1]), id);
    }
}

void TcpTracker::insertIndex(std::uint64_t hash, std::uint32_t conn)
{
    if ((m_used + 1) * 4 > m_slotHash.size() * 3)
        grow();
    const std::size_t mask = m_slotHash.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        if (m_slotHash[i] == 0) {
            m_slotHash[i] = hash;
            m_slotConn[i] = conn + 1;
            ++m_used;
            return;
        }
        const Connection &c = m_connections[m_slotConn[i] - 1];
        const Connection &n = m_connections[conn];
        const bool same = m_slotHash[i] == hash
                          && ((c.address[0] == n.address[0] && c.port[0] == n.port[0]
                               && c.address[1] == n.address[1] && c.port[1] == n.port[1])
                              || (c.address[0] == n.address[1] && c.port[0] == n.port[1]
                                  && c.address[1] == n.address[0] && c.port[1] == n.port[0]));
        if (same) { // a new incarnation replaces the old one in the index
            m_slotConn[i] = conn + 1;
            return;
        }
    }
}

std::uint32_t TcpTracker::lookup(const Segment &s, int *senderIndex)
{
    const std::uint64_t hash = tupleHash(s.src, s.srcPort, s.dst, s.dstPort);
    const std::size_t mask = m_slotHash.size() - 1;
    for (std::size_t i = hash & mask; m_slotHash[i] != 0; i = (i + 1) & mask) {
        if (m_slotHash[i] != hash)
            continue;
        const std::uint32_t id = m_slotConn[i] - 1;
        const Connection &c = m_connections[id];
        if (c.port[0] == s.srcPort && c.port[1] == s.dstPort && sameAddress(c.address[0], s.src)
            && sameAddress(c.address[1], s.dst)) {
            *senderIndex = 0;
            return m_lastConnection = id;
        }
        if (c.port[1] == s.srcPort && c.port[0] == s.dstPort && sameAddress(c.address[1], s.src)
            && sameAddress(c.address[0], s.dst)) {
            *senderIndex = 1;
            return m_lastConnection = id;
        }
    }
    return UINT32_MAX;
}

std::uint32_t TcpTracker::create(const Segment &s)
{
    const auto id = std::uint32_t(m_connections.size());
    Connection c;
    c.address = {s.src, s.dst};
    c.port = {s.srcPort, s.dstPort};
    c.firstSeenNs = s.timeNs;
    m_connections.push_back(c);
    insertIndex(tupleHash(s.src, s.srcPort, s.dst, s.dstPort), id);
    startConnection(m_connections[id], id, s);
    return m_lastConnection = id;
}

} // namespace tcpscope
