// One connection as the textbook's ladder (sequence) figure reads it: its segments in capture
// order, each with its numbers relative to its side's initial sequence number (as Wireshark
// numbers them), its window scaled when the handshake showed the option, the engine's notes on
// it, its role (handshake 1/2/3, data, FIN...) and both endpoints' states after it. The states
// come from the engine's changes, each placed at the segment after which the engine dates it:
// a SYN or FIN whose arrival the engine dated by later evidence lands at that evidence, not
// at its own row. Qt Core only: the view draws this, tests and exports read it.
#pragma once

#include "packets/segmentindex.h"

#include <QString>

#include <array>
#include <cstdint>
#include <vector>

namespace tcpscope {

// What a segment does in its connection, one explanation entry each (segments.json).
enum class SegmentRole : std::uint8_t {
    Handshake1,      // the first SYN
    Handshake2,      // SYN,ACK
    Handshake3,      // the ACK of the SYN,ACK (it may carry data)
    SimultaneousSyn, // a bare SYN crossing the other side's (simultaneous open)
    Data,
    Ack,
    ClientFin,
    ServerFin,
    Rst,
    Retransmission,
    KeepAlive,
    WindowProbe,
};
const char *segmentRoleId(SegmentRole r); // "handshake-1", ..., "window-probe"

// Bits of LadderRow::notes: 1 << SegmentNote, and these the ladder adds itself.
inline constexpr std::uint16_t kDuplicateAckBit = 1u << 12;
inline constexpr std::uint16_t noteBit(SegmentNote n) { return std::uint16_t(1u << unsigned(n)); }

struct LadderRow
{
    IndexedSegment seg;
    std::uint32_t relSeq = 0;
    std::uint32_t relAck = 0; // 0 when the ACK flag is off (as tshark prints it)
    std::uint64_t window = 0; // scaled when both SYNs carried the option
    bool windowScaled = false;
    std::uint16_t notes = 0;
    SegmentRole role = SegmentRole::Data;
    std::array<TcpState, 2> after{}; // per endpoint index, after this row's changes
    // The changes placed after this row: ladder.changes[firstChange, firstChange + changeCount).
    std::uint32_t firstChange = 0, changeCount = 0;
    // A SYN/FIN whose arrival the engine dated later: the row its arrival lands after (else
    // this row's own index).
    std::uint32_t arrivalRow = 0;
};

struct LadderChange
{
    StateChange change;
    std::uint32_t row = 0;      // placed after this row (UINT32_MAX: before the first)
    std::uint32_t causeRow = 0; // the row of its causing packet (UINT32_MAX: a timer)
};

struct Ladder
{
    std::uint32_t connection = 0;
    int left = 0; // the endpoint drawn on the left: the client when known, else endpoint 0
    std::array<TcpState, 2> initial{};
    std::vector<LadderRow> rows;
    std::vector<LadderChange> changes; // in row order
    // Changes after the last segment (TIME_WAIT's 2·MSL, the end of the capture).
    std::uint32_t tailChanges = 0;
    std::array<TcpState, 2> final{};

    // The row of a packet (rows are in packet order); UINT32_MAX if none.
    std::uint32_t rowOfPacket(std::uint32_t packet) const;
};

Ladder buildLadder(const TcpTracker &tracker, const SegmentIndex &index, std::uint32_t conn);

// "SYN,ACK seq=0 ack=1 win=65483", "ACK seq=1 ack=1 len=100 win=65536"; absolute: the raw
// numbers.
QString ladderLabel(const LadderRow &row, bool relative);
// "retransmission, duplicate-ack" (ids, for exports and tests).
QString ladderNoteIds(std::uint16_t notes);

} // namespace tcpscope
