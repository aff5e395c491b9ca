#include "packets/tcptracker.h"

#include "nanoseconds.h"
#include "packets/tcpseq.h"

#include <algorithm>
#include <cstring>

namespace tcpscope {

namespace {

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
    ep.revocable = TrackedEndpoint::Revocable::No;
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
    // notBeforeNs 0: no later bound (times before 1970 are negative, so no max with it then)
    const std::int64_t at = p.notBeforeNs != 0 ? std::max(p.timeNs, p.notBeforeNs) : p.timeNs;
    const Cause why{at, p.packet, p.segSeq, p.segAck, p.flags};
    if (why.timeNs != p.timeNs && p.packet != 0)
        m_causeTimes[p.packet] = p.timeNs; // caused then, confirmed at why.timeNs
    setState(conn, e, stateOnArrival(ep, p.syn), why);
}

std::optional<std::int64_t> TcpTracker::causeTimeNs(std::uint32_t packet) const
{
    const auto it = m_causeTimes.find(packet);
    return it == m_causeTimes.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
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
    if (!m_holding.empty()) [[unlikely]]
        releaseOverdueAcks(nowNs);
}

void TcpTracker::finish(std::int64_t nowNs)
{
    // What is still pending is assumed to have arrived, except a SYN that no listener ever
    // answered, and a SYN/FIN its receiver has since shown it had not received (it spoke
    // without acknowledging it): the receiver stays as it was.
    for (std::uint32_t id = 0; id < m_connections.size(); ++id) {
        for (int e = 0; e < 2; ++e) {
            TrackedEndpoint &ep = m_connections[id].ep[std::size_t(e)];
            if ((ep.pending.syn && ep.state == TcpState::Listen) || ep.pending.notBeforeNs != 0)
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

void TcpTracker::process(const Segment &s)
{
    ++m_stats.segments;
    int i = 0;
    const std::uint32_t id = connectionFor(s, &i);
    Connection &c = m_connections[id];
    c.lastSeenNs = s.timeNs;
    // 0. The sender is alive after all (an RST it sent or got did not reset it), or shows an
    //    ACK it doubted had acted; a stray SYN changes nothing.
    if (c.ep[std::size_t(i)].revocable == TrackedEndpoint::Revocable::Rst
        || c.ep[std::size_t(i)].doubtAcks) [[unlikely]]
        speaks(id, i, s);
    if ((s.flags & (tcpflag::Syn | tcpflag::Ack)) == tcpflag::Syn && c.ep[std::size_t(i)].synSent
        && straySyn(c, i, s)) [[unlikely]] {
        note(id, s, SegmentNote::StraySyn);
        return;
    }
    // 1. In-order delivery: a later segment of this direction shows the receiver got the
    //    SYN/FIN before it, unless the receiver has since acknowledged short of it (a hole).
    //    Evidence: the sender acknowledges the peer's pending SYN/FIN, so it had arrived.
    const TrackedEndpoint::Pending &ahead = c.ep[std::size_t(1 - i)].pending;
    if ((ahead.syn || ahead.fin) && ahead.notBeforeNs == 0 && seqGT(s.seq, ahead.seq))
        deliverPending(id, 1 - i);
    takeEvidence(id, i, s);
    // 2. What sending this segment does to the sender (an RST: to both, and nothing else).
    if (s.flags & tcpflag::Rst) {
        applyRst(id, i, s);
        return;
    }
    applySent(id, i, s);
    // 3. The ACK acts on the receiver as it arrives (unless the receiver doubts its peer's
    //    ACKs).
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
    return !retransmission && !simultaneousOpen && !straySyn(c, sender, s);
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
    if ((s.flags & tcpflag::Ack) && seqGT(s.ack, snd.pending.seq)) {
        deliverPending(conn, sender);
        return;
    }
    snd.pending.notBeforeNs = s.timeNs;
    if (!(s.flags & tcpflag::Fin) || snd.finSent)
        snd.pending.spokeShort = true;
}

void TcpTracker::applySyn(std::uint32_t conn, int sender, const Segment &s)
{
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if (snd.synSent)
        return;
    snd.synSent = true;
    snd.iss = s.seq;
    snd.lastCopyNs = s.timeNs;
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
    snd.lastCopyNs = s.timeNs;
    snd.copyGapNs = 0;
    setState(conn, sender, stateAfterSendingFin(snd.state), causeOf(s));
}

void TcpTracker::applySent(std::uint32_t conn, int sender, const Segment &s)
{
    const bool syn = s.flags & tcpflag::Syn;
    const bool fin = s.flags & tcpflag::Fin;
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if (syn) {
        if (!snd.synSent)
            applySyn(conn, sender, s);
        else if (s.seq == snd.iss)
            copyOfSynOrFin(conn, sender, s, true);
    }
    const std::uint32_t end = s.seq + s.payload + (syn ? 1 : 0);
    if (fin) {
        if (!snd.finSent)
            applyFin(conn, sender, s, end);
        else if (end == snd.finSeq)
            copyOfSynOrFin(conn, sender, s, false);
    }
    if (seqGT(snd.nextSeq, s.seq) && snd.seqKnown && !(s.flags & (tcpflag::Syn | tcpflag::Fin)))
        [[unlikely]] // it starts below what was sent
        noteSent(conn, sender, s);
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
    if (rcv.synSent && !rcv.synAcked && seqGE(s.ack, rcv.iss + 1)
        && !(rcv.doubtAcks && holdAck(conn, rcv, s)))
        ackMoves(conn, receiver, true, causeOf(s));
    if (rcv.finSent && !rcv.finAcked && seqGT(s.ack, rcv.finSeq)
        && !(rcv.doubtAcks && holdAck(conn, rcv, s)))
        ackMoves(conn, receiver, false, causeOf(s));
}

// The ACK of its SYN (syn) or FIN has arrived at endpoint e; withdrawn if e then
// retransmits what it covered.
void TcpTracker::ackMoves(std::uint32_t conn, int e, bool syn, const Cause &why)
{
    TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
    const TcpState before = ep.state;
    TcpState to = before;
    if (syn) {
        ep.synAcked = true;
        if (before == TcpState::SynReceived)
            to = TcpState::Established;
    } else {
        ep.finAcked = true;
        to = stateOnFinAcked(before);
    }
    if (to == before)
        return;
    setState(conn, e, to, why);
    ep.revocable = TrackedEndpoint::Revocable::Ack;
    ep.revertTo = before;
}

void TcpTracker::markPending(TrackedEndpoint &rcv, const Segment &s)
{
    const auto packet = std::uint32_t(s.packet);
    if ((s.flags & tcpflag::Syn) && !rcv.peerSynSeen) {
        rcv.peerSynSeen = true;
        rcv.pending = {true, false, s.seq, s.timeNs, 0, packet, s.seq, s.ack, s.flags, false};
    } else if ((s.flags & tcpflag::Fin) && !rcv.peerFinSeen) {
        rcv.peerFinSeen = true;
        rcv.pending = {false, true,  s.seq + s.payload, s.timeNs, 0, packet,
                       s.seq, s.ack, s.flags,           false};
    }
}

} // namespace tcpscope
