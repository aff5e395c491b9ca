// The packet engine under loss, aborts and attacks: what Linux does with RSTs and stray SYNs
// (RFC 5961), retransmitted SYNs and FINs as evidence that an earlier copy or its ACK was
// lost, and withdrawing the changes that later segments contradict. Kept apart from the
// ordinary path in tcptracker.cpp.
#include "nanoseconds.h"
#include "packets/tcpseq.h"
#include "packets/tcptrackerinline.h"

#include <algorithm>

namespace tcpscope {

namespace {

// How far back a withdrawn change is erased from the history rather than corrected by a
// revision (bounds the cost of a hostile capture).
constexpr std::size_t kEraseReach = 4096;

bool synchronized(TcpState s)
{
    switch (s) {
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
    case TcpState::CloseWait:
    case TcpState::Closing:
    case TcpState::LastAck:
    case TcpState::TimeWait:
        return true;
    default:
        return false;
    }
}

} // namespace

const char *segmentNoteName(SegmentNote n)
{
    switch (n) {
    case SegmentNote::Retransmission:
        return "retransmission";
    case SegmentNote::KeepAlive:
        return "keep_alive";
    case SegmentNote::ZeroWindowProbe:
        return "zero_window_probe";
    case SegmentNote::IgnoredAck:
        return "ignored_ack";
    case SegmentNote::InexactRst:
        return "inexact_rst";
    case SegmentNote::OutOfWindowRst:
        return "out_of_window_rst";
    case SegmentNote::RstNotReceived:
        return "rst_not_received";
    case SegmentNote::StraySyn:
        return "stray_syn";
    }
    return "";
}

const char *revisionName(Revision r)
{
    switch (r) {
    case Revision::AckDidNotAct:
        return "ack_did_not_act";
    case Revision::RstDidNotReset:
        return "rst_did_not_reset";
    case Revision::None:
        break;
    }
    return "";
}

void TcpTracker::note(std::uint32_t conn, const Segment &s, SegmentNote n)
{
    m_notes.push_back({std::uint32_t(s.packet), conn, n});
}

// The sender aborts; the receiver drops the connection. A "server" that answers a SYN with
// RST never had a socket: the connection was refused.
void TcpTracker::applyRst(std::uint32_t conn, int sender, const Segment &s)
{
    Connection &c = m_connections[conn];
    const RstFit fit = rstFit(c, sender, s);
    if (fit != RstFit::Resets) {
        ++m_stats.ignoredRst;
        note(conn, s,
             fit == RstFit::InWindow ? SegmentNote::InexactRst : SegmentNote::OutOfWindowRst);
        return;
    }
    TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    if (snd.state == TcpState::Listen && !snd.synSent) {
        dropAssumedListener(snd);
        c.refused = true;
    } else {
        const TcpState before = snd.state;
        setState(conn, sender, TcpState::Closed, causeOf(s));
        if (before != TcpState::Closed) { // withdrawn if it speaks again (a spoofed RST)
            snd.revocable = TrackedEndpoint::Revocable::Rst;
            snd.revertTo = before;
        }
    }
    TrackedEndpoint &rcv = c.ep[std::size_t(1 - sender)];
    const TcpState before = rcv.state;
    rcv.pending = {};
    setState(conn, 1 - sender, TcpState::Closed, causeOf(s));
    if (before != TcpState::Closed && before != TcpState::Listen) { // or if it was lost
        rcv.revocable = TrackedEndpoint::Revocable::Rst;
        rcv.revertTo = before;
    }
}

// Linux (tcp_validate_incoming, tcp_timewait_state_process): in a synchronized state only an
// RST at RCV.NXT resets (or RCV.NXT - 1 after the peer's FIN; or the right edge of SACK,
// which we do not read); one elsewhere in the window draws a challenge ACK, one outside it is
// dropped. RCV.NXT as the wire shows it: what the RST's sender has sent (when that was more
// than arrived, the receiver's challenge ACK draws an exact RST, or the receiver speaks again
// and is revived).
TcpTracker::RstFit TcpTracker::rstFit(const Connection &c, int sender, const Segment &s) const
{
    const TrackedEndpoint &from = c.ep[std::size_t(sender)];
    const TrackedEndpoint &to = c.ep[std::size_t(1 - sender)];
    if (to.state == TcpState::SynSent) // RFC 9293 §3.10.7.3: acceptable if it ACKs our SYN
        return (s.flags & tcpflag::Ack) && s.ack == to.iss + 1 ? RstFit::Resets
                                                               : RstFit::OutOfWindow;
    if (!from.seqKnown)
        return RstFit::Resets;
    // A shift over 14 counts as 14 (RFC 7323 §2.3); the decoder caps it, other producers may not.
    const std::uint32_t scale = to.windowScale > 0 && from.windowScale >= 0
                                    ? std::min<std::uint32_t>(std::uint32_t(to.windowScale), 14)
                                    : 0;
    const std::uint32_t window = std::max<std::uint32_t>(to.window << scale, 1);
    const bool inWindow = seqGE(s.seq, from.nextSeq - 1) && !seqGT(s.seq, from.nextSeq + window);
    if (!synchronized(to.state))
        return inWindow ? RstFit::Resets : RstFit::OutOfWindow;
    const bool afterFin = to.state == TcpState::CloseWait || to.state == TcpState::LastAck
                          || to.state == TcpState::Closing;
    const bool exact =
        s.seq == from.nextSeq || (afterFin && from.finSent && s.seq + 1 == from.nextSeq);
    if (exact)
        return RstFit::Resets;
    return inWindow ? RstFit::InWindow : RstFit::OutOfWindow;
}

// RFC 5961 §4 as Linux does it: a SYN with a new sequence number on a synchronized
// connection (TIME_WAIT aside, which a newer SYN may reopen) draws a challenge ACK.
bool TcpTracker::straySyn(const Connection &c, int sender, const Segment &s) const
{
    const TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    const TrackedEndpoint &rcv = c.ep[std::size_t(1 - sender)];
    return (s.flags & tcpflag::Syn) && !(s.flags & tcpflag::Ack) && snd.synSent && s.seq != snd.iss
           && synchronized(rcv.state) && rcv.state != TcpState::TimeWait;
}

// A segment that starts below what its sender had sent (called only then): a retransmission
// of data, or a probe one sequence number back (keep-alive; a zero-window probe when the peer's
// window is shut).
void TcpTracker::noteSent(std::uint32_t conn, int sender, const Segment &s)
{
    if (s.flags & tcpflag::Rst)
        return;
    const Connection &c = m_connections[conn];
    const TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    if (s.seq + 1 == snd.nextSeq && s.payload <= 1)
        note(conn, s,
             c.ep[std::size_t(1 - sender)].window == 0 ? SegmentNote::ZeroWindowProbe
                                                       : SegmentNote::KeepAlive);
    else if (s.payload > 0)
        note(conn, s, SegmentNote::Retransmission);
}

// The sender sends its SYN (syn) or FIN again: the earlier copy was not acknowledged as far
// as it knows. If an ACK had covered it, that ACK did not act: withdrawn, and the peer's next
// ACKs are doubted. An ACK that came late in the gap between the copies, no answer to the
// earlier copy (the peer's own retransmission in a simultaneous close), may have crossed this
// copy on the way: it is held too, and acts unless another copy comes when due. At the
// receiver, the copy still pending is this one now.
void TcpTracker::copyOfSynOrFin(std::uint32_t conn, int sender, const Segment &s, bool syn)
{
    Connection &c = m_connections[conn];
    TrackedEndpoint &snd = c.ep[std::size_t(sender)];
    TrackedEndpoint &rcv = c.ep[std::size_t(1 - sender)];
    note(conn, s, SegmentNote::Retransmission);
    const std::int64_t previousCopyNs = snd.lastCopyNs;
    snd.copyGapNs = saturatingSub(s.timeNs, snd.lastCopyNs); // capture times can be anything
    snd.lastCopyNs = s.timeNs;
    if (snd.held != UINT32_MAX) { // the ACK held since the last copy did not act either
        m_notes.push_back({m_held[snd.held].packet, conn, SegmentNote::IgnoredAck});
        snd.held = UINT32_MAX;
    }
    const bool acked = syn ? snd.synAcked : snd.finAcked;
    if (acked && snd.revocable == TrackedEndpoint::Revocable::Ack) {
        const StateChange *by = snd.lastChange != UINT32_MAX ? &m_changes[snd.lastChange] : nullptr;
        const Cause ack = by ? Cause{by->timeNs, by->packet, by->seq, by->ack, by->flags} : Cause{};
        const bool crossed = by && saturatingSub(ack.timeNs, previousCopyNs) > snd.copyGapNs / 2;
        if (by && !crossed)
            m_notes.push_back({ack.packet, conn, SegmentNote::IgnoredAck});
        withdraw(conn, sender, causeOf(s));
        (syn ? snd.synAcked : snd.finAcked) = false;
        snd.doubtAcks = true;
        if (crossed) // it may yet have acted: held like the ACKs that follow a copy
            holdCause(conn, snd, ack);
    }
    if (!syn && earlierFinArrived(rcv, s)) {
        deliverPending(conn, 1 - sender);
        return;
    }
    if (!repointPending(rcv, s) && !syn && rcv.state == TcpState::TimeWait)
        rcv.timeWaitSinceNs = s.timeNs; // TIME_WAIT answers it and starts its 2·MSL again
}

// A FIN's copy that first acknowledges the receiver's own FIN, the receiver silent since the
// earlier copy (but for its own FIN crossing it): the earlier copy arrived (a simultaneous
// close's CLOSING). Its sender had the receiver's FIN in FIN_WAIT_1 or CLOSING, which Linux
// acknowledges at once (tcp_fin); that ACK is not in the capture, so the capture misses ACKs
// (dropped before the capture point), and the receiver's missing ACK is no evidence of a
// loss either. When the receiver has spoken since without acknowledging it, it was lost
// (repointPending).
bool TcpTracker::earlierFinArrived(const TrackedEndpoint &rcv, const Segment &s)
{
    return rcv.pending.fin && !rcv.pending.spokeShort && (s.flags & tcpflag::Ack) && rcv.finSent
           && !rcv.finAcked && seqGT(s.ack, rcv.finSeq);
}

bool TcpTracker::repointPending(TrackedEndpoint &rcv, const Segment &s)
{
    TrackedEndpoint::Pending &p = rcv.pending;
    const bool syn = s.flags & tcpflag::Syn;
    if (!(syn ? p.syn : p.fin))
        return false;
    p.timeNs = s.timeNs;
    p.notBeforeNs = 0;
    p.spokeShort = false;
    p.packet = std::uint32_t(s.packet);
    p.segSeq = s.seq;
    p.segAck = s.ack;
    p.flags = s.flags;
    return true;
}

// The sender of s is alive: an RST it sent or received did not reset it. Or it doubts its
// peer's ACK of its SYN and now speaks as a synchronized endpoint: the held ACK had acted.
void TcpTracker::speaks(std::uint32_t conn, int sender, const Segment &s)
{
    TrackedEndpoint &snd = m_connections[conn].ep[std::size_t(sender)];
    if (snd.revocable == TrackedEndpoint::Revocable::Rst && !(s.flags & tcpflag::Rst)) {
        if (snd.lastChange != UINT32_MAX)
            m_notes.push_back(
                {m_changes[snd.lastChange].packet, conn, SegmentNote::RstNotReceived});
        withdraw(conn, sender, causeOf(s));
    }
    if (snd.doubtAcks && snd.synSent && !snd.synAcked && !(s.flags & tcpflag::Syn)) {
        if (snd.held != UINT32_MAX)
            releaseHeldAck(conn, sender);
        snd.doubtAcks = false;
    }
}

// True when the ACK in s would move rcv but rcv doubts its peer's ACKs: the first such ACK
// since rcv's latest copy is held, to act if rcv shows it did.
bool TcpTracker::holdAck(std::uint32_t conn, TrackedEndpoint &rcv, const Segment &s)
{
    if (rcv.held == UINT32_MAX)
        holdCause(conn, rcv, causeOf(s));
    return true;
}

void TcpTracker::holdCause(std::uint32_t conn, TrackedEndpoint &rcv, const Cause &why)
{
    rcv.held = std::uint32_t(m_held.size());
    m_held.push_back(why);
    m_holding.push_back(conn);
}

void TcpTracker::releaseHeldAck(std::uint32_t conn, int e)
{
    TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
    const Cause why = m_held[ep.held];
    ep.held = UINT32_MAX;
    ep.doubtAcks = false;
    ackMoves(conn, e, ep.synSent && !ep.synAcked, why);
}

// By nowNs, a held ACK acted if the copy that should have followed it is overdue (Linux
// doubles the gap between copies; a quarter more is allowed for).
void TcpTracker::releaseOverdueAcks(std::int64_t nowNs)
{
    std::erase_if(m_holding, [&](std::uint32_t id) {
        for (int e = 0; e < 2; ++e) {
            const TrackedEndpoint &ep = m_connections[id].ep[std::size_t(e)];
            // in doubles: a hostile file's times must not overflow (2.5 × a gap of centuries)
            const double since = double(saturatingSub(nowNs, ep.lastCopyNs));
            if (ep.held != UINT32_MAX && since > 2.5 * double(ep.copyGapNs))
                releaseHeldAck(id, e);
        }
        const Connection &c = m_connections[id];
        return c.ep[0].held == UINT32_MAX && c.ep[1].held == UINT32_MAX;
    });
}

// Endpoint e's latest change did not happen (later segments contradict it): it goes back to
// revertTo. The change is erased when nobody has been shown it, else corrected by a revision.
void TcpTracker::withdraw(std::uint32_t conn, int e, const Cause &why)
{
    TrackedEndpoint &ep = m_connections[conn].ep[std::size_t(e)];
    const TcpState back = ep.revertTo;
    const Revision kind = ep.revocable == TrackedEndpoint::Revocable::Rst ? Revision::RstDidNotReset
                                                                          : Revision::AckDidNotAct;
    ++m_stats.revisions;
    ep.revocable = TrackedEndpoint::Revocable::No;
    if (ep.lastChange != UINT32_MAX && ep.lastChange >= m_published
        && m_changes[ep.lastChange].to == ep.state) {
        StateChange &last = m_changes[ep.lastChange];
        const bool done = last.from == back ? eraseChange(ep.lastChange) : (last.to = back, true);
        if (done) {
            --m_counts[index(ep.state)];
            ++m_counts[index(back)];
            ep.state = back;
            if (back == TcpState::TimeWait)
                m_timeWait.push_back(conn);
            return;
        }
    }
    const std::size_t before = m_changes.size();
    const std::int64_t since = ep.timeWaitSinceNs;
    setState(conn, e, back, why);
    if (m_changes.size() > before)
        m_changes.back().revision = kind;
    if (back == TcpState::TimeWait)
        ep.timeWaitSinceNs = since; // its 2·MSL did not start again
}

// Erases change `index` (not yet published), keeping every endpoint's lastChange right.
bool TcpTracker::eraseChange(std::uint32_t index)
{
    if (m_changes.size() - index > kEraseReach)
        return false;
    const StateChange gone = m_changes[index];
    m_changes.erase(m_changes.begin() + index);
    for (std::size_t k = index; k < m_changes.size(); ++k) {
        const StateChange &c = m_changes[k];
        std::uint32_t &last = m_connections[c.connection].ep[c.endpoint].lastChange;
        if (last == k + 1)
            last = std::uint32_t(k);
    }
    std::uint32_t &last = m_connections[gone.connection].ep[gone.endpoint].lastChange;
    last = UINT32_MAX;
    for (std::size_t k = index; k-- > 0 && index - k <= kEraseReach;) {
        if (m_changes[k].connection == gone.connection && m_changes[k].endpoint == gone.endpoint) {
            last = std::uint32_t(k);
            break;
        }
    }
    return true;
}

} // namespace tcpscope
