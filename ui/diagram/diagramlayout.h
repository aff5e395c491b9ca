// Where the state diagram puts its boxes, arrows and labels, in a fixed logical canvas that
// the view scales to its pane: the textbook figure (RFC 9293 Fig. 5), opening at the top,
// the active close down the left, the passive close down the right, the simultaneous paths
// between, and a second CLOSED box at the bottom right where connections end.
#pragma once

#include "diagramgraph.h"

#include <QFont>
#include <QPainterPath>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace tcpscope {

namespace diagram {

inline constexpr QSizeF kCanvas{960, 660};
inline constexpr int kFinalClosed = kTcpStateCount; // node index of the bottom CLOSED box
inline constexpr int kNodeCount = kTcpStateCount + 1;

// The node a state is drawn in (CLOSED: the top box).
inline int nodeOf(TcpState s) { return index(s); }
TcpState stateOfNode(int node);

QRectF nodeRect(int node);

enum class LabelAlign { Left, Center, Right };
struct EdgeGeometry
{
    std::vector<QPointF> points; // polyline from the source box's border to the target's
    QPointF labelAnchor;         // text line's vertical centre; x by alignment
    LabelAlign align = LabelAlign::Center;
    bool curved = false; // resets: a quadratic curve through points[1]
};

// Geometry of arrow `edge` (an index into diagramEdges()).
const EdgeGeometry &edgeGeometry(int edge);
// The arrow's path, for drawing and hit-testing.
const QPainterPath &edgePath(int edge);
// The point at fraction t (0..1) along a path of arrows, by length.
QPointF pointAlong(const std::vector<int> &edges, double t);

// Fonts of the canvas (pixel sizes in canvas units).
QFont stateFont();
QFont countFont();
QFont labelFont();
// The rectangle an arrow's label takes with the given text.
QRectF labelRect(int edge, const QString &text);
// The legend's area (top left).
QRectF legendRect();

} // namespace diagram

} // namespace tcpscope
