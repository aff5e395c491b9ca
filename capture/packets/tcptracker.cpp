#include "packets/tcptracker.h"

#include "nanoseconds.h"

#include <algorithm>
#include <cstring>

namespace tcpscope {

namespace {

// Sequence-space comparisons (RFC 9293 §3.4), modulo 2^32.
inline bool seqGE(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) >= 0; }
inline bool seqGT(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) > 0; }

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

// Where the peer's SYN (or FIN) takes an endpoint when it arrives.
TcpState stateOnArrival(const TrackedEndpoint &ep, bool syn)
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
TcpState stateAfterSendingFin(TcpState s)
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
TcpState stateOnFinAcked(TcpState s)
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

} // namespace

const char *roleName(Role r)
{
    switch (r) {
    case Role::Client:
        return "client";
    case Role::Server:
        return "server";
    case Role::Unknown:
        break;
    }
    return "unknown";
}

TcpTracker::TcpTracker(std::int64_t twoMslNs)
    : m_twoMslNs(twoMslNs)
{
    m_slotHash.assign(1024, 0);
    m_slotConn.assign(1024, 0);
}

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

// How the first segment we see of a connection places its two endpoints. Endpoint 0 is its
// sender.
void TcpTracker::startConnection(Connection &c, std::uint32_t id, const Segment &s)
{
    const bool syn = s.flags & tcpflag::Syn;
    const bool ack = s.flags & tcpflag::Ack;
    if (syn && !ack) { // an opening: the sender is the client, the receiver listens
        c.ep[0].role = Role::Client;
        c.ep[1].role = Role::Server;
        c.ep[1].state = TcpState::Listen;
        m_counts[index(TcpState::Listen)]++;
        m_counts[index(TcpState::Closed)]++;
        return;
    }
    c.midStream = true;
    m_counts[index(TcpState::Closed)] += 2;
    const Cause assumed = causeOf(s, true);
    if (syn && ack) { // the SYN was missed: the sender is a server that got it
        c.ep[0].role = Role::Server;
        c.ep[1].role = Role::Client;
        c.ep[1].synSent = true;
        c.ep[1].iss = s.ack - 1;
        c.ep[1].nextSeq = s.ack;
        c.ep[1].seqKnown = true;
        c.ep[0].peerSynSeen = true;
        setState(id, 1, TcpState::SynSent, assumed);
        setState(id, 0, TcpState::SynReceived, assumed);
        return;
    }
    // Joined mid-stream: both ends were established (as far as anyone can tell).
    for (int e = 0; e < 2; ++e) {
        c.ep[std::size_t(e)].synSent = c.ep[std::size_t(e)].synAcked = true;
        c.ep[std::size_t(e)].peerSynSeen = true;
        setState(id, e, TcpState::Established, assumed);
    }
    c.ep[0].nextSeq = s.seq;
    c.ep[0].seqKnown = true;
    if (ack) {
        c.ep[1].nextSeq = s.ack;
        c.ep[1].seqKnown = true;
    }
}

TcpTracker::Cause TcpTracker::causeOf(const Segment &s, bool inferred)
{
    return {s.timeNs, std::uint32_t(s.packet), s.seq, s.ack, s.flags, inferred};
}

void TcpTracker::setState(std::uint32_t conn, int e, TcpState to, const Cause &why)
{
    TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
    if (ep.state == to)
        return;
    --m_counts[index(ep.state)];
    ++m_counts[index(to)];
    if (!amendLastChange(ep, to, why)) {
        StateChange c;
        c.timeNs = why.timeNs;
        c.connection = conn;
        c.packet = why.packet;
        c.seq = why.seq;
        c.ack = why.ack;
        c.endpoint = std::uint8_t(e);
        c.from = ep.state;
        c.to = to;
        c.flags = why.flags;
        c.inferred = why.inferred;
        ep.lastChange = std::uint32_t(m_changes.size());
        m_changes.push_back(c);
    }
    ep.state = to;
    if (to == TcpState::TimeWait) {
        ep.timeWaitSinceNs = why.timeNs;
        m_timeWait.push_back(conn);
    }
}

// One segment that moves an endpoint twice (FIN_WAIT_1 receiving FIN,ACK: the ACK, then the
// FIN) is one transition, as the kernel makes it: FIN_WAIT_1 → TIME_WAIT. True when the
// endpoint's latest change (not yet published) was that segment's, and now ends in `to`.
bool TcpTracker::amendLastChange(TrackedEndpoint &ep, TcpState to, const Cause &why)
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
void TcpTracker::deliverPending(std::uint32_t conn, int e)
{
    TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
    const TrackedEndpoint::Pending p = ep.pending;
    if (!p.syn && !p.fin)
        return;
    ep.pending = {};
    const Cause why{std::max(p.timeNs, p.notBeforeNs), p.packet, p.segSeq, p.segAck, p.flags};
    setState(conn, e, stateOnArrival(ep, p.syn), why);
}

void TcpTracker::expireConnection(std::uint32_t conn, std::int64_t nowNs)
{
    for (int e = 0; e < 2; ++e) {
        TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
        // Saturating: a capture's clock may jump anywhere (a hostile if_tsoffset).
        if (ep.state == TcpState::TimeWait
            && saturatingSub(nowNs, ep.timeWaitSinceNs) >= m_twoMslNs) {
            const Cause timer{saturatingAdd(ep.timeWaitSinceNs, m_twoMslNs)};
            setState(conn, e, TcpState::Closed, timer);
        }
    }
}

void TcpTracker::expire(std::int64_t nowNs)
{
    std::erase_if(m_timeWait, [&](std::uint32_t conn) {
        expireConnection(conn, nowNs);
        const Connection &c = m_connections[conn];
        return c.ep[0].state != TcpState::TimeWait && c.ep[1].state != TcpState::TimeWait;
    });
}

void TcpTracker::finish(std::int64_t nowNs)
{
    // What is still pending is assumed to have arrived, except a SYN that no listener ever
    // answered: the receiver stays as it was.
    for (std::uint32_t id = 0; id < m_connections.size(); ++id) {
        for (int e = 0; e < 2; ++e) {
            TrackedEndpoint &ep = m_connections[id].ep[std::size_t(e)];
            if (ep.pending.syn && ep.state == TcpState::Listen)
                ep.pending = {};
            deliverPending(id, e);
        }
    }
    expire(nowNs);
}

// The LISTEN we assumed for a SYN's receiver was wrong (nobody listened, or it was opening
// too): it was CLOSED all along, so no transition is recorded.
void TcpTracker::dropAssumedListener(TrackedEndpoint &ep)
{
    --m_counts[index(TcpState::Listen)];
    ++m_counts[index(TcpState::Closed)];
    ep.state = TcpState::Closed;
}

bool TcpTracker::rstAcceptable(const Connection &c, int sender, const Segment &s) const
{
    const TrackedEndpoint &from = c.ep[std::size_t(sender)];
    const TrackedEndpoint &to = c.ep[std::size_t(1 - sender)];
    if (to.state == TcpState::SynSent) // RFC 9293 §3.10.7.3: acceptable if it ACKs our SYN
        return (s.flags & tcpflag::Ack) && s.ack == to.iss + 1;
    if (!from.seqKnown)
        return true;
    // A shift over 14 counts as 14 (RFC 7323 §2.3); the decoder caps it, other producers may not.
    const std::uint32_t scale = to.windowScale > 0 && from.windowScale >= 0
                                    ? std::min<std::uint32_t>(std::uint32_t(to.windowScale), 14)
                                    : 0;
    const std::uint32_t window = std::max<std::uint32_t>(to.window << scale, 1);
    // In the receive window (Linux wants it exact, and answers others with a challenge ACK:
    // the exact case is what moves a state; the window admits what a capture may have missed).
    return seqGE(s.seq, from.nextSeq - 1) && !seqGT(s.seq, from.nextSeq + window);
}

void TcpTracker::process(const Segment &s)
{
    ++m_stats.segments;
    int i = 0;
    const std::uint32_t id = connectionFor(s, &i);
    m_connections[id].lastSeenNs = s.timeNs;
    // 0. In-order delivery: an earlier SYN/FIN of this direction reached the receiver first.
    deliverPending(id, 1 - i);
    // 1. Evidence: the sender acknowledges the peer's pending SYN/FIN, so it had arrived.
    takeEvidence(id, i, s);
    // 2. What sending this segment does to the sender (an RST: to both, and nothing else).
    if (s.flags & tcpflag::Rst) {
        applyRst(id, i, s);
        return;
    }
    applySent(id, i, s);
    // 3. The ACK acts on the receiver as it arrives.
    if (s.flags & tcpflag::Ack)
        applyAck(id, 1 - i, s);
    // 4. A SYN or FIN is pending at the receiver until it shows it arrived.
    markPending(m_connections[id].ep[std::size_t(1 - i)], s);
}

// The connection a segment belongs to, created when it opens a new one; *sender is its
// endpoint there.
std::uint32_t TcpTracker::connectionFor(const Segment &s, int *sender)
{
    const std::uint32_t id = lookup(s, sender);
    if (id != UINT32_MAX) {
        expireConnection(id, s.timeNs);
        if (!reopens(id, *sender, s))
            return id;
        closeIncarnation(id, s);
    }
    *sender = 0;
    return create(s);
}

// A SYN on a known 4-tuple: a retransmission, the other half of a simultaneous open, or a new
// incarnation (a 4-tuple reused after CLOSED or TIME_WAIT). True for the last.
bool TcpTracker::reopens(std::uint32_t conn, int sender, const Segment &s) const
{
    if (!(s.flags & tcpflag::Syn) || (s.flags & tcpflag::Ack))
        return false;
    const Connection &c = m_connections[conn];
    const TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    const TrackedEndpoint &rcv = c.ep[std::size_t(1 - sender)];
    const bool retransmission = snd.synSent && s.seq == snd.iss;
    const bool simultaneousOpen = !snd.synSent && rcv.state == TcpState::SynSent;
    return !retransmission && !simultaneousOpen;
}

// The old incarnation ends here: a SYN reopening TIME_WAIT closes it, and an attempt
// abandoned for a new one (a new ISN from the same port) is gone.
void TcpTracker::closeIncarnation(std::uint32_t conn, const Segment &s)
{
    for (int e = 0; e < 2; ++e) {
        TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
        if (ep.state != TcpState::Closed && ep.state != TcpState::Listen) {
            ep.pending = {};
            setState(conn, e, TcpState::Closed, causeOf(s));
        }
    }
}

// The sender acknowledges the peer's pending SYN/FIN: it had arrived. Otherwise this segment
// was sent before it arrived. An RST answering a SYN is the kernel's "nobody listens here":
// no SYN_RECEIVED.
void TcpTracker::takeEvidence(std::uint32_t conn, int sender, const Segment &s)
{
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if ((s.flags & tcpflag::Rst) && snd.state == TcpState::Listen && !snd.synSent)
        snd.pending = {};
    if (!snd.pending.syn && !snd.pending.fin)
        return;
    if ((s.flags & tcpflag::Ack) && seqGT(s.ack, snd.pending.seq))
        deliverPending(conn, sender);
    else
        snd.pending.notBeforeNs = s.timeNs;
}

// The sender aborts; the receiver drops the connection. A "server" that answers a SYN with
// RST never had a socket: the connection was refused.
void TcpTracker::applyRst(std::uint32_t conn, int sender, const Segment &s)
{
    Connection &c = m_connections[conn];
    if (!rstAcceptable(c, sender, s)) {
        ++m_stats.ignoredRst;
        return;
    }
    TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    if (snd.state == TcpState::Listen && !snd.synSent) {
        dropAssumedListener(snd);
        c.refused = true;
    } else {
        setState(conn, sender, TcpState::Closed, causeOf(s));
    }
    c.ep[std::size_t(1 - sender)].pending = {};
    setState(conn, 1 - sender, TcpState::Closed, causeOf(s));
}

void TcpTracker::applySyn(std::uint32_t conn, int sender, const Segment &s)
{
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if (snd.synSent)
        return;
    snd.synSent = true;
    snd.iss = s.seq;
    snd.nextSeq = s.seq + 1;
    snd.seqKnown = true;
    snd.windowScale = s.windowScale;
    if (s.flags & tcpflag::Ack)
        return;
    if (snd.state == TcpState::Listen) {
        // The "server" sends a SYN of its own: a simultaneous open, both are clients.
        dropAssumedListener(snd);
        snd.role = Role::Client;
    }
    if (snd.state == TcpState::Closed)
        setState(conn, sender, TcpState::SynSent, causeOf(s));
}

// `end`: the sequence number after the segment's SYN and data, which its FIN occupies.
void TcpTracker::applyFin(std::uint32_t conn, int sender, const Segment &s, std::uint32_t end)
{
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if (snd.finSent)
        return;
    snd.finSent = true;
    snd.finSeq = end;
    setState(conn, sender, stateAfterSendingFin(snd.state), causeOf(s));
}

void TcpTracker::applySent(std::uint32_t conn, int sender, const Segment &s)
{
    const bool syn = s.flags & tcpflag::Syn;
    const bool fin = s.flags & tcpflag::Fin;
    if (syn)
        applySyn(conn, sender, s);
    const std::uint32_t end = s.seq + s.payload + (syn ? 1 : 0);
    if (fin)
        applyFin(conn, sender, s, end);
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    const std::uint32_t after = end + (fin ? 1 : 0);
    if (!snd.seqKnown || seqGT(after, snd.nextSeq)) {
        snd.nextSeq = after;
        snd.seqKnown = true;
    }
    snd.window = s.window;
}

void TcpTracker::applyAck(std::uint32_t conn, int receiver, const Segment &s)
{
    TrackedEndpoint &rcv = m_connections[conn].ep[std::size_t(receiver)];
    if (rcv.synSent && !rcv.synAcked && seqGE(s.ack, rcv.iss + 1)) {
        rcv.synAcked = true;
        if (rcv.state == TcpState::SynReceived)
            setState(conn, receiver, TcpState::Established, causeOf(s));
    }
    if (rcv.finSent && !rcv.finAcked && seqGT(s.ack, rcv.finSeq)) {
        rcv.finAcked = true;
        setState(conn, receiver, stateOnFinAcked(rcv.state), causeOf(s));
    }
}

void TcpTracker::markPending(TrackedEndpoint &rcv, const Segment &s)
{
    const auto packet = std::uint32_t(s.packet);
    if ((s.flags & tcpflag::Syn) && !rcv.peerSynSeen) {
        rcv.peerSynSeen = true;
        rcv.pending = {true, false, s.seq, s.timeNs, s.timeNs, packet, s.seq, s.ack, s.flags};
    } else if ((s.flags & tcpflag::Fin) && !rcv.peerFinSeen) {
        rcv.peerFinSeen = true;
        rcv.pending = {false, true,   s.seq + s.payload, s.timeNs, s.timeNs, packet, s.seq,
                       s.ack, s.flags};
    }
}

} // namespace tcpscope
