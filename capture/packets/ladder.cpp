#include "packets/ladder.h"

#include "packets/tcpseq.h"

#include <QStringList>

#include <algorithm>

namespace tcpscope {

const char *segmentRoleId(SegmentRole r)
{
    switch (r) {
    case SegmentRole::Handshake1:
        return "handshake-1";
    case SegmentRole::Handshake2:
        return "handshake-2";
    case SegmentRole::Handshake3:
        return "handshake-3";
    case SegmentRole::SimultaneousSyn:
        return "simultaneous-syn";
    case SegmentRole::Data:
        return "data";
    case SegmentRole::Ack:
        return "ack";
    case SegmentRole::ClientFin:
        return "client-fin";
    case SegmentRole::ServerFin:
        return "server-fin";
    case SegmentRole::Rst:
        return "rst";
    case SegmentRole::Retransmission:
        return "retransmission";
    case SegmentRole::KeepAlive:
        return "keepalive-probe";
    case SegmentRole::WindowProbe:
        return "window-probe";
    }
    return "";
}

std::uint32_t Ladder::rowOfPacket(std::uint32_t packet) const
{
    const auto it =
        std::lower_bound(rows.begin(), rows.end(), packet,
                         [](const LadderRow &r, std::uint32_t p) { return r.seg.packet < p; });
    return it != rows.end() && it->seg.packet == packet ? std::uint32_t(it - rows.begin())
                                                        : UINT32_MAX;
}

namespace {

// Sequence numbers relative to each side's first (Wireshark's rule: the SYN's, else the
// number before the first one seen, from either direction), and windows scaled when both
// SYNs carried the option (not on the SYNs themselves).
void numberRows(std::vector<LadderRow> &rows)
{
    std::array<std::int8_t, 2> scale{-1, -1};
    for (const LadderRow &r : rows) {
        if (r.seg.flags & tcpflag::Syn)
            scale[r.seg.sender] = r.seg.windowScale;
    }
    const bool scaled = scale[0] >= 0 && scale[1] >= 0;
    std::array<std::uint32_t, 2> base{};
    std::array<bool, 2> known{};
    for (LadderRow &r : rows) {
        const int e = r.seg.sender, peer = 1 - e;
        if (!known[e])
            base[e] = r.seg.flags & tcpflag::Syn ? r.seg.seq : r.seg.seq - 1;
        known[e] = true;
        r.relSeq = r.seg.seq - base[e];
        if (r.seg.flags & tcpflag::Ack) {
            if (!known[peer])
                base[peer] = r.seg.ack - 1;
            known[peer] = true;
            r.relAck = r.seg.ack - base[peer];
        }
        r.windowScaled = scaled && !(r.seg.flags & tcpflag::Syn);
        r.window = r.windowScaled ? std::uint64_t(r.seg.window) << scale[e] : r.seg.window;
    }
}

// A pure ACK repeating its sender's previous ACK and window while the peer has data out.
void markDuplicateAcks(std::vector<LadderRow> &rows)
{
    std::array<const LadderRow *, 2> previous{};
    std::array<std::uint32_t, 2> next{};
    std::array<bool, 2> sent{};
    for (LadderRow &r : rows) {
        const IndexedSegment &s = r.seg;
        const int e = s.sender;
        const bool pure = s.payload == 0 && (s.flags & tcpflag::Ack)
                          && !(s.flags & (tcpflag::Syn | tcpflag::Fin | tcpflag::Rst));
        const LadderRow *p = previous[e];
        if (pure && p && p->seg.ack == s.ack && p->seg.window == s.window && sent[1 - e]
            && seqGT(next[1 - e], s.ack))
            r.notes |= kDuplicateAckBit;
        const std::uint32_t end = s.seq + s.payload + ((s.flags & tcpflag::Syn) ? 1 : 0)
                                  + ((s.flags & tcpflag::Fin) ? 1 : 0);
        if (!sent[e] || seqGT(end, next[e]))
            next[e] = end;
        sent[e] = true;
        previous[e] = &r;
    }
}

SegmentRole roleOf(const LadderRow &r, const Connection &c, bool *synAckSeen, bool *thirdSeen,
                   int *opener)
{
    const IndexedSegment &s = r.seg;
    if (r.notes & noteBit(SegmentNote::Retransmission))
        return SegmentRole::Retransmission;
    if (r.notes & noteBit(SegmentNote::KeepAlive))
        return SegmentRole::KeepAlive;
    if (r.notes & noteBit(SegmentNote::ZeroWindowProbe))
        return SegmentRole::WindowProbe;
    if (s.flags & tcpflag::Rst)
        return SegmentRole::Rst;
    if (s.flags & tcpflag::Syn) {
        if (s.flags & tcpflag::Ack) {
            *synAckSeen = true;
            return SegmentRole::Handshake2;
        }
        if (*opener < 0) {
            *opener = s.sender;
            return SegmentRole::Handshake1;
        }
        return s.sender == *opener ? SegmentRole::Handshake1 : SegmentRole::SimultaneousSyn;
    }
    if (s.flags & tcpflag::Fin)
        return c.ep[s.sender].role == Role::Server ? SegmentRole::ServerFin
                                                   : SegmentRole::ClientFin;
    if (*synAckSeen && !*thirdSeen && s.sender == *opener && (s.flags & tcpflag::Ack)) {
        *thirdSeen = true;
        return SegmentRole::Handshake3;
    }
    return s.payload > 0 ? SegmentRole::Data : SegmentRole::Ack;
}

// The row after which a change is drawn: its own packet's, unless the engine dated it later
// (a SYN/FIN confirmed by evidence) or it is a timer's.
std::uint32_t placeChange(const Ladder &l, const StateChange &c, std::uint32_t causeRow)
{
    if (causeRow != UINT32_MAX && l.rows[causeRow].seg.timeNs == c.timeNs)
        return causeRow;
    const auto it =
        std::upper_bound(l.rows.begin(), l.rows.end(), c.timeNs,
                         [](std::int64_t t, const LadderRow &r) { return t < r.seg.timeNs; });
    if (it == l.rows.begin())
        return causeRow != UINT32_MAX ? causeRow : 0;
    const auto row = std::uint32_t(it - l.rows.begin() - 1);
    if (causeRow == UINT32_MAX && it == l.rows.end() && c.timeNs > l.rows.back().seg.timeNs)
        return UINT32_MAX; // a timer after the last segment: the tail
    return causeRow == UINT32_MAX ? row : std::max(row, causeRow);
}

void placeChanges(Ladder &l, const TcpTracker &tracker, const SegmentIndex &index)
{
    const auto &all = tracker.changes();
    std::array<bool, 2> seen{};
    for (std::uint32_t i : index.changes(l.connection)) {
        const StateChange &c = all[i];
        LadderChange lc;
        lc.change = c;
        lc.causeRow = c.packet ? l.rowOfPacket(c.packet) : UINT32_MAX;
        lc.row = placeChange(l, c, lc.causeRow);
        if (!seen[c.endpoint])
            l.initial[c.endpoint] = c.from;
        seen[c.endpoint] = true;
        l.changes.push_back(lc);
    }
    std::stable_sort(l.changes.begin(), l.changes.end(),
                     [](const LadderChange &a, const LadderChange &b) { return a.row < b.row; });
    std::array<TcpState, 2> now = l.initial;
    std::size_t k = 0;
    for (std::uint32_t r = 0; r < l.rows.size(); ++r) {
        LadderRow &row = l.rows[r];
        row.firstChange = std::uint32_t(k);
        row.arrivalRow = r;
        for (; k < l.changes.size() && l.changes[k].row == r; ++k)
            now[l.changes[k].change.endpoint] = l.changes[k].change.to;
        row.changeCount = std::uint32_t(k - row.firstChange);
        row.after = now;
    }
    l.tailChanges = std::uint32_t(l.changes.size() - k);
    for (; k < l.changes.size(); ++k)
        now[l.changes[k].change.endpoint] = l.changes[k].change.to;
    l.final = now;
    // A SYN/FIN drawn arriving where the engine dated its receipt.
    for (const LadderChange &lc : l.changes) {
        if (lc.causeRow == UINT32_MAX || lc.row == UINT32_MAX || lc.row <= lc.causeRow)
            continue;
        LadderRow &cause = l.rows[lc.causeRow];
        if (lc.change.endpoint != cause.seg.sender
            && (cause.seg.flags & (tcpflag::Syn | tcpflag::Fin)))
            cause.arrivalRow = std::max(cause.arrivalRow, lc.row);
    }
}

} // namespace

Ladder buildLadder(const TcpTracker &tracker, const SegmentIndex &index, std::uint32_t conn)
{
    Ladder l;
    l.connection = conn;
    if (conn >= tracker.connections().size())
        return l;
    const Connection &c = tracker.connections()[conn];
    l.left = c.ep[0].role == Role::Server ? 1 : 0; // as clientIndex() in ui/
    l.initial = {c.ep[0].state, c.ep[1].state};
    for (const IndexedSegment &s : index.segments(conn)) {
        LadderRow r;
        r.seg = s;
        l.rows.push_back(r);
    }
    numberRows(l.rows);
    for (const SegmentAnnotation &a : index.annotations(conn)) {
        if (const std::uint32_t r = l.rowOfPacket(a.packet); r != UINT32_MAX)
            l.rows[r].notes |= noteBit(a.note);
    }
    markDuplicateAcks(l.rows);
    bool synAck = false, third = false;
    int opener = -1;
    for (LadderRow &r : l.rows)
        r.role = roleOf(r, c, &synAck, &third, &opener);
    placeChanges(l, tracker, index);
    return l;
}

QString ladderLabel(const LadderRow &row, bool relative)
{
    char buf[32];
    QString text = QString::fromLatin1(flagsText(row.seg.flags, buf));
    text += QStringLiteral(" seq=%1").arg(relative ? row.relSeq : row.seg.seq);
    if (row.seg.flags & tcpflag::Ack)
        text += QStringLiteral(" ack=%1").arg(relative ? row.relAck : row.seg.ack);
    if (row.seg.payload)
        text += QStringLiteral(" len=%1").arg(row.seg.payload);
    text += QStringLiteral(" win=%1").arg(relative ? row.window : row.seg.window);
    return text;
}

QString ladderNoteIds(std::uint16_t notes)
{
    QStringList ids;
    for (int n = 0; n <= int(SegmentNote::StraySyn); ++n) {
        if (notes & (1u << n))
            ids << QString::fromLatin1(segmentNoteName(SegmentNote(n)));
    }
    if (notes & kDuplicateAckBit)
        ids << QStringLiteral("duplicate_ack");
    return ids.join(QStringLiteral(", "));
}

} // namespace tcpscope
