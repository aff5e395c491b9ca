// The packet engine's per-segment path: process() and its steps, in order. The record's
// small shared steps are inline (packets/tcptrackerinline.h); loss, RSTs and revisions are in
// packets/tcptrackerloss.cpp, the rest of the record in packets/tcptrackerrecord.cpp.
#include "packets/tcpseq.h"
#include "packets/tcptrackerinline.h"

namespace tcpscope {

// The connection a segment belongs to, created when it opens a new one; *sender is its
// endpoint there.
inline std::uint32_t TcpTracker::connectionFor(const Segment &s, int *sender)
{
    const std::uint32_t id = lookup(s, sender);
    if (id != UINT32_MAX) [[likely]] {
        const Connection &c = m_connections[id];
        if (c.ep[0].state == TcpState::TimeWait || c.ep[1].state == TcpState::TimeWait) [[unlikely]]
            expireConnection(id, s.timeNs);
        if (!(s.flags & tcpflag::Syn) || (s.flags & tcpflag::Ack) || !reopens(id, *sender, s))
            [[likely]]
            return id;
        closeIncarnation(id, s);
    }
    *sender = 0;
    return create(s);
}

// The sender acknowledges the peer's pending SYN/FIN: it had arrived. Otherwise this segment
// was sent before it arrived. An RST answering a SYN is the kernel's "nobody listens here":
// no SYN_RECEIVED.
inline void TcpTracker::takeEvidence(TrackedEndpoint &snd, std::uint32_t conn, int sender,
                                     const Segment &s)
{
    if ((s.flags & tcpflag::Rst) && snd.state == TcpState::Listen && !snd.synSent)
        snd.pending = {};
    if (!snd.pending.syn && !snd.pending.fin)
        return;
    if ((s.flags & tcpflag::Ack) && seqGT(s.ack, snd.pending.seq)) {
        deliverPending(snd, conn, sender);
        return;
    }
    snd.pending.notBeforeNs = s.timeNs;
    if (!(s.flags & tcpflag::Fin) || snd.finSent)
        snd.pending.spokeShort = true;
}

inline void TcpTracker::applySent(TrackedEndpoint &snd, std::uint32_t conn, int sender,
                                  const Segment &s)
{
    const bool syn = s.flags & tcpflag::Syn;
    const bool fin = s.flags & tcpflag::Fin;
    if (syn) [[unlikely]] {
        if (!snd.synSent)
            applySyn(conn, sender, s);
        else if (s.seq == snd.iss)
            copyOfSynOrFin(conn, sender, s, true);
    }
    const std::uint32_t end = s.seq + s.payload + (syn ? 1 : 0);
    if (fin) [[unlikely]] {
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

inline void TcpTracker::applyAck(TrackedEndpoint &rcv, std::uint32_t conn, int receiver,
                                 const Segment &s)
{
    if (rcv.synSent && !rcv.synAcked && seqGE(s.ack, rcv.iss + 1)
        && !(rcv.doubtAcks && holdAck(conn, rcv, s)))
        ackMoves(rcv, conn, receiver, true, causeOf(s));
    if (rcv.finSent && !rcv.finAcked && seqGT(s.ack, rcv.finSeq)
        && !(rcv.doubtAcks && holdAck(conn, rcv, s)))
        ackMoves(rcv, conn, receiver, false, causeOf(s));
}

void TcpTracker::process(const Segment &s)
{
    ++m_stats.segments;
    int i = 0;
    const std::uint32_t id = connectionFor(s, &i);
    Connection &c = m_connections[id]; // no connection is added below: the references hold
    TrackedEndpoint &snd = c.ep[std::size_t(i)];
    TrackedEndpoint &rcv = c.ep[std::size_t(1 - i)];
    c.lastSeenNs = s.timeNs;
    // 0. The sender is alive after all (an RST it sent or got did not reset it), or shows an
    //    ACK it doubted had acted; a stray SYN changes nothing.
    if (snd.revocable == TrackedEndpoint::Revocable::Rst || snd.doubtAcks) [[unlikely]]
        speaks(id, i, s);
    if ((s.flags & (tcpflag::Syn | tcpflag::Ack)) == tcpflag::Syn && snd.synSent
        && straySyn(c, i, s)) [[unlikely]] {
        note(id, s, SegmentNote::StraySyn);
        return;
    }
    // 1. In-order delivery: a later segment of this direction shows the receiver got the
    //    SYN/FIN before it, unless the receiver has since acknowledged short of it (a hole).
    //    Evidence: the sender acknowledges the peer's pending SYN/FIN, so it had arrived.
    const TrackedEndpoint::Pending &ahead = rcv.pending;
    if ((ahead.syn || ahead.fin) && ahead.notBeforeNs == 0 && seqGT(s.seq, ahead.seq))
        deliverPending(rcv, id, 1 - i);
    if (snd.pending.syn || snd.pending.fin || (s.flags & tcpflag::Rst))
        takeEvidence(snd, id, i, s);
    // 2. What sending this segment does to the sender (an RST: to both, and nothing else).
    if (s.flags & tcpflag::Rst) [[unlikely]] {
        applyRst(id, i, s);
        return;
    }
    applySent(snd, id, i, s);
    // 3. The ACK acts on the receiver as it arrives (unless the receiver doubts its peer's
    //    ACKs).
    if (s.flags & tcpflag::Ack)
        applyAck(rcv, id, 1 - i, s);
    // 4. A SYN or FIN is pending at the receiver until it shows it arrived.
    if (s.flags & (tcpflag::Syn | tcpflag::Fin))
        markPending(rcv, s);
}

// A SYN on a known 4-tuple: a retransmission, the other half of a simultaneous open, or a new
// incarnation (a 4-tuple reused after CLOSED or TIME_WAIT). True for the last.
bool TcpTracker::reopens(std::uint32_t conn, int sender, const Segment &s) const
{
    if (!(s.flags & tcpflag::Syn) || (s.flags & tcpflag::Ack)) [[likely]]
        return false;
    const Connection &c = m_connections[conn];
    const TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    const TrackedEndpoint &rcv = c.ep[std::size_t(1 - sender)];
    const bool retransmission = snd.synSent && s.seq == snd.iss;
    const bool simultaneousOpen = !snd.synSent && rcv.state == TcpState::SynSent;
    return !retransmission && !simultaneousOpen && !straySyn(c, sender, s);
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
    setState(conn, sender, trackerstates::afterSendingFin(snd.state), causeOf(s));
}

void TcpTracker::markPending(TrackedEndpoint &rcv, const Segment &s)
{
    const auto packet = std::uint32_t(s.packet);
    if ((s.flags & tcpflag::Syn) && !rcv.peerSynSeen) {
        rcv.peerSynSeen = true;
        rcv.pending = {.timeNs = s.timeNs,
                       .seq = s.seq,
                       .packet = packet,
                       .segSeq = s.seq,
                       .segAck = s.ack,
                       .flags = s.flags,
                       .syn = true};
    } else if ((s.flags & tcpflag::Fin) && !rcv.peerFinSeen) {
        rcv.peerFinSeen = true;
        rcv.pending = {.timeNs = s.timeNs,
                       .seq = s.seq + s.payload,
                       .packet = packet,
                       .segSeq = s.seq,
                       .segAck = s.ack,
                       .flags = s.flags,
                       .fin = true};
    }
}

} // namespace tcpscope
