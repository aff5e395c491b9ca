// The arrows of the state diagram as a graph, and which arrows a transition travels.
//
// The diagram draws RFC 9293's twenty transitions, two that the figure leaves out but that
// happen (FIN_WAIT_1 → TIME_WAIT on a FIN that acknowledges ours; a newer SYN reopening
// TIME_WAIT), and one reset arrow per state (RST, abort or timeout → CLOSED). Like the
// RFC's figure it has two CLOSED boxes: the one at the top where connections begin, and the
// one at the bottom where they end.
#pragma once

#include "tcpstate.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace tcpscope {

enum class EdgeKind : std::uint8_t {
    Rfc,   // drawn in RFC 9293's figure
    Extra, // happens, not in the figure
    Reset, // RST, abort or timeout, from any state
};

struct DiagramEdge
{
    TcpState from;
    TcpState to;
    EdgeKind kind;
    bool toFinalClosed; // ends at the bottom CLOSED box (connections ending)
    QString teachingId; // the entry in transitions.json ("ANY>CLOSED" for resets)
};

// Every arrow; an arrow's id is its index. Stable order.
const std::vector<DiagramEdge> &diagramEdges();

// The reset arrow leaving a state, or -1 (CLOSED, LISTEN: none).
int resetEdge(TcpState from);

// The arrows a connection travelled from `from` to `to`:
// - reset (an RST was seen) to CLOSED: the state's reset arrow;
// - otherwise the direct arrow if there is one;
// - otherwise the shortest path over the arrows that happen in practice (a poll that skipped
//   states: ESTABLISHED → TIME_WAIT travels FIN_WAIT_1 and FIN_WAIT_2);
// - otherwise, to CLOSED, the reset arrow; else nothing.
// `appeared` (a socket first seen in `to`; CLOSED only by assumption): the arrow into `to`
// when it is unambiguous (→ LISTEN, → SYN_SENT, → SYN_RECEIVED from LISTEN); else nothing.
std::vector<int> diagramPath(TcpState from, TcpState to, bool reset, bool appeared = false);
// The same, worked out once per (from, to, reset, appeared) and kept: for callers that take
// tens of thousands of transitions in one go (a burst of the kernel table).
const std::vector<int> &cachedDiagramPath(TcpState from, TcpState to, bool reset,
                                          bool appeared = false);

} // namespace tcpscope
