// The packet engine's record outside the per-segment path: how a connection's first segment
// places its endpoints, TIME_WAIT's timer, the end of a capture and the times of confirmed
// causes. The per-segment steps are in tcptracker.cpp.
#include "nanoseconds.h"
#include "packets/tcptrackerinline.h"

namespace tcpscope {

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
    m_slots.assign(1024, 0);
    m_recent.fill(UINT32_MAX);
}

void TcpTracker::reserve(std::size_t connections, std::size_t changes)
{
    m_connections.reserve(connections);
    m_changes.reserve(changes);
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
    if (!m_parked.empty()) [[unlikely]]
        unpark(m_parked.expire(nowNs));
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

} // namespace tcpscope
