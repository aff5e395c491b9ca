// The packet engine's small steps that every segment takes and that more than one of its files
// calls (recording a change, delivering a pending SYN/FIN, an ACK moving an endpoint): inline,
// so that the per-segment path is one function. Private to capture/packets/tcptracker*.cpp.
#pragma once

#include "packets/tcptracker.h"

#include <algorithm>
#include <cstring>

namespace tcpscope::trackerstates {

// Where the peer's SYN (or FIN) takes an endpoint when it arrives.
inline TcpState onArrival(const TrackedEndpoint &ep, bool syn)
{
    if (syn) {
        switch (ep.state) {
        case TcpState::Listen:
        case TcpState::Closed:
            return TcpState::SynReceived;
        case TcpState::SynSent: // its own SYN acknowledged: open; else a simultaneous open
            return ep.synAcked ? TcpState::Established : TcpState::SynReceived;
        default:
            return ep.state;
        }
    }
    switch (ep.state) {
    case TcpState::Established:
    case TcpState::SynReceived:
        return TcpState::CloseWait;
    case TcpState::FinWait1: // its own FIN acknowledged: done; else a simultaneous close
        return ep.finAcked ? TcpState::TimeWait : TcpState::Closing;
    case TcpState::FinWait2:
        return TcpState::TimeWait;
    default:
        return ep.state;
    }
}

// Where sending its FIN takes an endpoint.
inline TcpState afterSendingFin(TcpState s)
{
    switch (s) {
    case TcpState::Established:
    case TcpState::SynReceived:
        return TcpState::FinWait1;
    case TcpState::CloseWait:
        return TcpState::LastAck;
    default:
        return s;
    }
}

// Where the acknowledgement of its FIN takes an endpoint.
inline TcpState onFinAcked(TcpState s)
{
    switch (s) {
    case TcpState::FinWait1:
        return TcpState::FinWait2;
    case TcpState::Closing:
        return TcpState::TimeWait;
    case TcpState::LastAck:
        return TcpState::Closed;
    default:
        return s;
    }
}

} // namespace tcpscope::trackerstates

namespace tcpscope::trackerindex {

inline std::uint64_t endpointHash(const IpAddress &a, std::uint16_t port)
{
    std::uint64_t w[2];
    std::memcpy(w, a.bytes.data(), 16);
    return (w[0] * 0x9e3779b97f4a7c15ull) ^ (w[1] * 0xc2b2ae3d27d4eb4full)
           ^ ((std::uint64_t(port) << 8 | a.family) * 0x165667b19e3779f9ull);
}

// The same hash for both directions of a connection: a symmetric combination, mixed once.
inline std::uint64_t tupleHash(const IpAddress &a, std::uint16_t pa, const IpAddress &b,
                               std::uint16_t pb)
{
    std::uint64_t h = endpointHash(a, pa) + endpointHash(b, pb);
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

// IpAddress equality as two word compares (the hot path compares several per packet).
inline bool sameAddress(const IpAddress &x, const IpAddress &y)
{
    std::uint64_t a[2], b[2];
    std::memcpy(a, x.bytes.data(), 16);
    std::memcpy(b, y.bytes.data(), 16);
    return a[0] == b[0] && a[1] == b[1] && x.family == y.family;
}

// A slot of the index: the hash's upper half above the connection + 1. The slot a tuple
// starts probing at is its hash's upper half modulo the table's size, so a growing table
// places its slots again without hashing (or reading) any connection.
constexpr std::uint64_t kTagMask = 0xffffffff00000000ull;
inline std::uint64_t slotOf(std::uint64_t hash, std::uint32_t conn)
{
    return (hash & kTagMask) | (std::uint64_t(conn) + 1);
}
inline std::uint32_t slotConnection(std::uint64_t slot) { return std::uint32_t(slot) - 1; }
inline std::size_t homeSlot(std::uint64_t hashOrSlot, std::size_t mask)
{
    return std::size_t(hashOrSlot >> 32) & mask;
}

// Where a segment's 4-tuple sits in the small cache of recent connections: the same for
// both directions.
inline std::size_t recentKey(const Segment &s)
{
    std::uint32_t a, b;
    std::memcpy(&a, s.src.bytes.data() + (s.src.isV6() ? 12 : 0), 4);
    std::memcpy(&b, s.dst.bytes.data() + (s.dst.isV6() ? 12 : 0), 4);
    const std::uint32_t k = (a ^ b) * 0x9e3779b1u ^ (std::uint32_t(s.srcPort ^ s.dstPort) << 3);
    return (k ^ (k >> 16)) & (TcpTracker::kRecentSlots - 1);
}

// Which endpoint of c sent s: 0 or 1, -1 when s is not of c's 4-tuple.
inline int senderIn(const Connection &c, const Segment &s)
{
    if (c.port[0] == s.srcPort && c.port[1] == s.dstPort && sameAddress(c.address[0], s.src)
        && sameAddress(c.address[1], s.dst))
        return 0;
    if (c.port[1] == s.srcPort && c.port[0] == s.dstPort && sameAddress(c.address[1], s.src)
        && sameAddress(c.address[0], s.dst))
        return 1;
    return -1;
}

} // namespace tcpscope::trackerindex

namespace tcpscope {

// The current incarnation of s's 4-tuple, UINT32_MAX when there is none. The recent cache holds
// only current incarnations (create() and rebuildIndex() keep it so): a hit is the index's
// answer without hashing.
inline std::uint32_t TcpTracker::lookup(const Segment &s, int *senderIndex)
{
    using namespace trackerindex;
    std::uint32_t &recent = m_recent[recentKey(s)];
    if (recent < m_connections.size()) [[likely]] {
        const int e = senderIn(m_connections[recent], s);
        if (e >= 0) [[likely]] {
            *senderIndex = e;
            return m_lastConnection = recent;
        }
    }
    const std::uint64_t hash = tupleHash(s.src, s.srcPort, s.dst, s.dstPort);
    const std::uint64_t tag = hash & kTagMask;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = homeSlot(hash, mask); m_slots[i] != 0; i = (i + 1) & mask) {
        if ((m_slots[i] & kTagMask) != tag)
            continue;
        const std::uint32_t id = slotConnection(m_slots[i]);
        const int e = senderIn(m_connections[id], s);
        if (e >= 0) {
            *senderIndex = e;
            recent = id;
            return m_lastConnection = id;
        }
    }
    return UINT32_MAX;
}

inline TcpTracker::Cause TcpTracker::causeOf(const Segment &s, bool inferred)
{
    return {s.timeNs, std::uint32_t(s.packet), s.seq, s.ack, s.flags, inferred};
}

inline void TcpTracker::setState(std::uint32_t conn, int e, TcpState to, const Cause &why)
{
    setState(m_connections[conn].ep[std::size_t(e)], conn, e, to, why);
}

inline void TcpTracker::setState(TrackedEndpoint &ep, std::uint32_t conn, int e, TcpState to,
                                 const Cause &why)
{
    if (ep.state == to)
        return;
    --m_counts[index(ep.state)];
    ++m_counts[index(to)];
    if (!amendLastChange(ep, to, why)) {
        ep.lastChange = std::uint32_t(m_changes.size());
        m_changes.push_back({why.timeNs, conn, why.packet, why.seq, why.ack, std::uint8_t(e),
                             ep.state, to, why.flags, why.inferred, Revision::None});
    }
    ep.state = to;
    ep.revocable = TrackedEndpoint::Revocable::No;
    if (to == TcpState::TimeWait) [[unlikely]] {
        ep.timeWaitSinceNs = why.timeNs;
        m_timeWait.push_back(conn);
    }
}

// One segment that moves an endpoint twice (FIN_WAIT_1 receiving FIN,ACK: the ACK, then the
// FIN) is one transition, as the kernel makes it: FIN_WAIT_1 → TIME_WAIT. True when the
// endpoint's latest change (not yet published) was that segment's, and now ends in `to`.
inline bool TcpTracker::amendLastChange(TrackedEndpoint &ep, TcpState to, const Cause &why)
{
    if (ep.lastChange == UINT32_MAX || ep.lastChange < m_published || why.packet == 0)
        return false;
    StateChange &last = m_changes[ep.lastChange];
    if (last.packet != why.packet || last.timeNs != why.timeNs)
        return false;
    last.to = to;
    return true;
}

// The peer's pending SYN or FIN has arrived at endpoint e.
inline void TcpTracker::deliverPending(std::uint32_t conn, int e)
{
    deliverPending(m_connections[conn].ep[std::size_t(e)], conn, e);
}

inline void TcpTracker::deliverPending(TrackedEndpoint &ep, std::uint32_t conn, int e)
{
    const TrackedEndpoint::Pending p = ep.pending;
    if (!p.syn && !p.fin)
        return;
    ep.pending = {};
    // notBeforeNs 0: no later bound (times before 1970 are negative, so no max with it then)
    const std::int64_t at = p.notBeforeNs != 0 ? std::max(p.timeNs, p.notBeforeNs) : p.timeNs;
    const Cause why{at, p.packet, p.segSeq, p.segAck, p.flags};
    if (why.timeNs != p.timeNs && p.packet != 0) [[unlikely]]
        m_causeTimes[p.packet] = p.timeNs; // caused then, confirmed at why.timeNs
    setState(ep, conn, e, trackerstates::onArrival(ep, p.syn), why);
}

// The ACK of its SYN (syn) or FIN has arrived at endpoint e; withdrawn if e then
// retransmits what it covered.
inline void TcpTracker::ackMoves(std::uint32_t conn, int e, bool syn, const Cause &why)
{
    ackMoves(m_connections[conn].ep[std::size_t(e)], conn, e, syn, why);
}

inline void TcpTracker::ackMoves(TrackedEndpoint &ep, std::uint32_t conn, int e, bool syn,
                                 const Cause &why)
{
    const TcpState before = ep.state;
    TcpState to = before;
    if (syn) {
        ep.synAcked = true;
        if (before == TcpState::SynReceived)
            to = TcpState::Established;
    } else {
        ep.finAcked = true;
        to = trackerstates::onFinAcked(before);
    }
    if (to == before)
        return;
    setState(ep, conn, e, to, why);
    ep.revocable = TrackedEndpoint::Revocable::Ack;
    ep.revertTo = before;
}

} // namespace tcpscope
