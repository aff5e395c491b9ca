// The packet engine: from segments seen on the wire, the RFC 9293 state of both endpoints
// of every connection, the way the two kernels would say it, with every transition recorded.
//
// Seen by a third party, a segment leaves its sender at once but is received at a moment we
// can only bound: the receiver's own later segments tell. So the ACK in a segment acts on the
// receiver at once (it changes what the receiver has had acknowledged), while a SYN or a FIN
// is "pending" at the receiver until there is evidence it arrived: the receiver acknowledges
// it, or a later segment of the same direction arrives (TCP delivers in order). Its arrival is
// then dated at the SYN/FIN itself (its latest copy: a retransmission says the earlier one
// did not arrive), or after the receiver's last segment that did not yet acknowledge it. A
// receiver that keeps acknowledging short of it has not received it, whatever followed it.
// This tells a simultaneous close (both FIN_WAIT_1 → CLOSING → TIME_WAIT) from CLOSE_WAIT →
// LAST_ACK, whatever the capture order.
//
// Under loss the record is revisable (packets/tcptrackerloss.cpp): an ACK whose receiver then
// retransmits what it covered did not act (lost, or ignored by a full accept queue), an RST
// whose receiver (or sender) speaks again did not reset it, and such changes are withdrawn —
// erased when not yet published, else followed by a change marked `revision`. RSTs act as
// Linux's do (RFC 5961 §3.2): only an exact sequence number resets a synchronized state; a SYN
// with a new sequence number on a synchronized connection is no new incarnation (§4).
#pragma once

#include "packets/parkedtimewaits.h"
#include "packets/segment.h"
#include "tcpstate.h"

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tcpscope {

struct LiveDelta;
struct RetiredSummary;

enum class Role : std::uint8_t { Unknown, Client, Server };
const char *roleName(Role r); // "unknown", "client", "server"

// Why a change corrects an earlier one (StateChange::revision).
enum class Revision : std::uint8_t {
    None,
    AckDidNotAct,   // the endpoint retransmitted the SYN/FIN the earlier change's ACK covered
    RstDidNotReset, // the endpoint spoke again after the RST the earlier change took as reset
};
const char *revisionName(Revision r); // "", "ack_did_not_act", "rst_did_not_reset"

struct StateChange
{
    std::int64_t timeNs = 0;
    std::uint32_t connection = 0;
    std::uint32_t packet = 0; // 1-based; 0: a timer (TIME_WAIT's 2·MSL), not a packet
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t endpoint = 0; // 0 or 1
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
    std::uint8_t flags = 0; // of the causing segment
    bool inferred = false;  // assumed: the capture joined the connection mid-stream
    // A correction of the endpoint's earlier change, already published: later segments showed
    // it did not happen (e.g. "the ACK was ignored: the server retransmitted its SYN,ACK").
    // The change goes back to the state before it; packet/time are the segment that showed it.
    Revision revision = Revision::None;
};

// What a segment was, as far as the engine can tell (for a ladder view); only the unusual
// ones are noted.
enum class SegmentNote : std::uint8_t {
    Retransmission,  // a SYN, FIN or data the sender had sent before
    KeepAlive,       // no new data, one sequence number below what was sent
    ZeroWindowProbe, // the same, while the peer's window is shut
    IgnoredAck,      // the ACK did not act: its receiver retransmitted what it covered
    InexactRst,      // in the window but not RCV.NXT: a challenge ACK, nothing resets
    OutOfWindowRst,  // outside the window: dropped
    RstNotReceived,  // resetting it looked acceptable, but its receiver spoke again
    StraySyn,        // a new SYN on a synchronized connection: a challenge ACK (RFC 5961 §4)
};
const char *segmentNoteName(SegmentNote n); // "retransmission", "keep_alive", ... (snake_case)

struct SegmentAnnotation
{
    std::uint32_t packet = 0; // 1-based
    std::uint32_t connection = 0;
    SegmentNote note = SegmentNote::Retransmission;
};

// Laid out so that the fields every segment reads come first and nothing is padded (104 bytes).
struct TrackedEndpoint
{
    TcpState state = TcpState::Closed;
    Role role = Role::Unknown;
    bool synSent = false;
    bool synAcked = false;
    bool finSent = false;
    bool finAcked = false;
    bool peerSynSeen = false; // the peer's SYN is pending or delivered here
    bool peerFinSeen = false;
    std::int8_t windowScale = -1;
    bool seqKnown = false;
    std::uint32_t iss = 0;
    std::uint32_t finSeq = 0;
    std::uint32_t nextSeq = 0; // after the highest sequence number sent (SYN and FIN count)
    std::uint32_t window = 0;  // last advertised, unscaled

    // Loss and revision (packets/tcptrackerloss.cpp).
    // Its latest change came from an ACK of its SYN/FIN or from an RST, and may be withdrawn:
    // it then goes back to `revertTo`.
    enum class Revocable : std::uint8_t { No, Ack, Rst } revocable = Revocable::No;
    TcpState revertTo = TcpState::Closed;
    // It retransmitted a SYN/FIN an ACK had covered: the peer's next ACKs of it are held
    // until it shows they acted (it speaks as synchronized, or stops retransmitting).
    bool doubtAcks = false;
    std::uint32_t held = UINT32_MAX;       // the ACK held (an index of TcpTracker's held causes)
    std::uint32_t lastChange = UINT32_MAX; // index of its latest StateChange

    // The peer's SYN or FIN, seen on the wire, not yet known to have arrived here.
    struct Pending
    {
        std::int64_t timeNs = 0;
        // Our last segment that did not acknowledge it; its own time until one comes (not 0:
        // a capture from before 1970 has negative times).
        std::int64_t notBeforeNs = 0;
        std::uint32_t seq = 0; // the sequence number its ACK must exceed
        std::uint32_t packet = 0;
        std::uint32_t segSeq = 0, segAck = 0;
        std::uint8_t flags = 0;
        bool syn = false;
        bool fin = false;
        // It spoke without acknowledging it other than by its own FIN crossing it (the other
        // half of a simultaneous close): the earlier copy was lost, if a later one comes.
        bool spokeShort = false;
    } pending;

    std::int64_t lastCopyNs = 0; // its SYN/FIN's latest copy, and the gap before that copy
    std::int64_t copyGapNs = 0;
    std::int64_t timeWaitSinceNs = 0;
};

struct Connection
{
    std::array<TrackedEndpoint, 2> ep;
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    std::array<std::uint16_t, 2> port{};
    std::array<IpAddress, 2> address;
    bool midStream = false;
    bool refused = false;
};

struct TrackerStats
{
    std::uint64_t segments = 0;
    std::uint64_t ignoredRst = 0; // RSTs whose sequence number was not acceptable
    std::uint64_t revisions = 0;  // changes withdrawn by later evidence
};

class TcpTracker
{
public:
    static constexpr std::size_t kRecentSlots = 1024;

    explicit TcpTracker(std::int64_t twoMslNs = 60'000'000'000LL);

    void process(const Segment &s);
    // Room for about this many connections and changes, so that a large capture's record
    // grows without copying (and without touching its memory twice). Optional.
    void reserve(std::size_t connections, std::size_t changes);
    // Expires TIME_WAITs whose 2·MSL has passed at nowNs and delivers what is still pending
    // (assumed to have arrived): the state at the end of a file is the state at its last
    // packet's time.
    void finish(std::int64_t nowNs);
    // Expires TIME_WAITs due by nowNs (a live capture's clock), and lets a held ACK act when
    // the copy that would have said otherwise is overdue.
    void expire(std::int64_t nowNs);

    // Changes before index n have been shown to someone (a live printer): they are no longer
    // rewritten, so a FIN_WAIT_1 → FIN_WAIT_2 already printed is followed by its own
    // FIN_WAIT_2 → TIME_WAIT instead of becoming FIN_WAIT_1 → TIME_WAIT.
    void markPublished(std::size_t n) { m_published = n; }

    // The connection the last process() acted on (UINT32_MAX before the first): a live
    // capture publishes what packets touched without scanning every connection.
    std::uint32_t lastConnection() const { return m_lastConnection; }
    // For live views (defined in packets/tcptrackerlive.cpp): removes the connections `ids`
    // (ascending) and renumbers the rest in order; keepHistory: the changes of the others
    // stay (a view), else the published changes go too (the worker needs no history).
    // changeMap, if given: each old change index's new one (UINT32_MAX: gone), for the
    // view's indexes of changes per connection (packets/retiredids.h).
    RetiredSummary retire(const std::vector<std::uint32_t> &ids, bool keepHistory,
                          std::vector<std::uint32_t> *changeMap = nullptr);
    // Before retire(ids, false) in a live source: the endpoints of `ids` still in TIME_WAIT
    // stay counted there, parked (packets/parkedtimewaits.h), until their timer ends or a new
    // incarnation takes the 4-tuple.
    void park(const std::vector<std::uint32_t> &ids);
    // Parked TIME_WAIT endpoints (of connections no longer kept).
    int parkedTimeWaits() const { return m_parked.endpoints(); }
    // A view's tracker follows a worker's: the delta's connections and changes (after
    // retire(delta.retired, true)).
    void apply(const LiveDelta &delta);

    const std::vector<Connection> &connections() const { return m_connections; }
    const std::vector<StateChange> &changes() const { return m_changes; }
    // The unusual segments, in capture order.
    const std::vector<SegmentAnnotation> &annotations() const { return m_notes; }
    std::array<int, kTcpStateCount> counts() const { return m_counts; }
    TrackerStats stats() const { return m_stats; }
    std::int64_t twoMslNs() const { return m_twoMslNs; }
    // The time of packet `packet` when a change it caused was confirmed later (a SYN or FIN
    // that arrived, as the receiver's next segment showed, after it was captured): the
    // change's timeNs is the confirmation's. nullopt: its changes are at its own time.
    std::optional<std::int64_t> causeTimeNs(std::uint32_t packet) const;

private:
    // What moved an endpoint: a segment (or a pending SYN/FIN it carried), or a timer.
    struct Cause
    {
        std::int64_t timeNs = 0;
        std::uint32_t packet = 0; // 0: a timer
        std::uint32_t seq = 0, ack = 0;
        std::uint8_t flags = 0;
        bool inferred = false;
    };
    // Inline (packets/tcptrackerinline.h): the small steps more than one file takes. The
    // forms with a TrackedEndpoint& are for callers that hold it already (the per-segment
    // path): ep is m_connections[conn].ep[e].
    static inline Cause causeOf(const Segment &s, bool inferred = false);
    inline std::uint32_t lookup(const Segment &s, int *senderIndex);
    inline void setState(std::uint32_t conn, int e, TcpState to, const Cause &why);
    inline void setState(TrackedEndpoint &ep, std::uint32_t conn, int e, TcpState to,
                         const Cause &why);
    inline bool amendLastChange(TrackedEndpoint &ep, TcpState to, const Cause &why);
    inline void deliverPending(std::uint32_t conn, int e);
    inline void deliverPending(TrackedEndpoint &ep, std::uint32_t conn, int e);
    inline void ackMoves(std::uint32_t conn, int e, bool syn, const Cause &why);
    inline void ackMoves(TrackedEndpoint &ep, std::uint32_t conn, int e, bool syn,
                         const Cause &why);
    std::uint32_t create(const Segment &s);
    void startConnection(Connection &c, std::uint32_t id, const Segment &s);
    // The steps of process(), in order (packets/tcptracker.cpp); sender i, receiver 1 - i.
    inline std::uint32_t connectionFor(const Segment &s, int *sender);
    bool reopens(std::uint32_t conn, int sender, const Segment &s) const;
    void closeIncarnation(std::uint32_t conn, const Segment &s);
    inline void takeEvidence(TrackedEndpoint &snd, std::uint32_t conn, int sender,
                             const Segment &s);
    void applyRst(std::uint32_t conn, int sender, const Segment &s);
    void applySyn(std::uint32_t conn, int sender, const Segment &s);
    void applyFin(std::uint32_t conn, int sender, const Segment &s, std::uint32_t end);
    inline void applySent(TrackedEndpoint &snd, std::uint32_t conn, int sender, const Segment &s);
    inline void applyAck(TrackedEndpoint &rcv, std::uint32_t conn, int receiver, const Segment &s);
    static void markPending(TrackedEndpoint &receiver, const Segment &s);
    void dropAssumedListener(TrackedEndpoint &ep);
    void expireConnection(std::uint32_t conn, std::int64_t nowNs);
    void unpark(int endpoints); // parked TIME_WAIT endpoints end: counted CLOSED
    // Loss, RSTs and revisions (packets/tcptrackerloss.cpp).
    enum class RstFit : std::uint8_t { Resets, InWindow, OutOfWindow };
    RstFit rstFit(const Connection &c, int sender, const Segment &s) const;
    bool straySyn(const Connection &c, int sender, const Segment &s) const;
    void note(std::uint32_t conn, const Segment &s, SegmentNote n);
    void noteSent(std::uint32_t conn, int sender, const Segment &s);
    void copyOfSynOrFin(std::uint32_t conn, int sender, const Segment &s, bool syn);
    bool repointPending(TrackedEndpoint &rcv, const Segment &s);
    static bool earlierFinArrived(const TrackedEndpoint &rcv, const Segment &s);
    void speaks(std::uint32_t conn, int sender, const Segment &s);
    bool holdAck(std::uint32_t conn, TrackedEndpoint &rcv, const Segment &s);
    void holdCause(std::uint32_t conn, TrackedEndpoint &rcv, const Cause &why);
    void releaseHeldAck(std::uint32_t conn, int e);
    void withdraw(std::uint32_t conn, int e, const Cause &why);
    bool eraseChange(std::uint32_t index);
    void releaseOverdueAcks(std::int64_t nowNs);
    void insertIndex(std::uint64_t hash, std::uint32_t conn);
    void grow();
    void rebuildIndex(); // after retire(): the connections kept, later incarnations winning

    std::int64_t m_twoMslNs;
    std::vector<Connection> m_connections;
    std::vector<StateChange> m_changes;
    std::vector<SegmentAnnotation> m_notes;
    std::vector<Cause> m_held; // ACKs held by endpoints that doubt them (rare, never shrunk)
    std::vector<std::uint32_t> m_holding; // connections with an endpoint holding an ACK
    std::array<int, kTcpStateCount> m_counts{};
    TrackerStats m_stats;
    // Open addressing: per slot, the hash's upper 32 bits above its connection's current
    // incarnation + 1 (one 8-byte word, one cache line a lookup); 0 marks an empty slot.
    std::vector<std::uint64_t> m_slots;
    std::size_t m_used = 0;
    // The connections the latest segments belonged to, by a cheap key of their 4-tuple
    // (trackerindex::recentKey); UINT32_MAX: none. Each is its 4-tuple's current incarnation.
    std::array<std::uint32_t, kRecentSlots> m_recent;
    std::size_t m_published = 0;
    std::uint32_t m_lastConnection = UINT32_MAX;
    std::vector<std::uint32_t> m_timeWait; // connections with an endpoint in TIME_WAIT
    ParkedTimeWaits m_parked;
    // Packet → its capture time, for the packets whose change was confirmed later.
    std::unordered_map<std::uint32_t, std::int64_t> m_causeTimes;
};

} // namespace tcpscope
