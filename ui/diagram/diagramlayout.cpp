#include "diagram/diagramlayout.h"

#include <QFontMetricsF>

#include <cmath>

namespace tcpscope::diagram {

namespace {

constexpr double kHalfW = 75, kHalfH = 22;

QPointF centreOf(int node)
{
    static const QPointF centres[kNodeCount] = {
        {480, 34},  // CLOSED (top)
        {480, 122}, // LISTEN
        {840, 222}, // SYN_SENT
        {120, 222}, // SYN_RECEIVED
        {480, 322}, // ESTABLISHED
        {120, 422}, // FIN_WAIT_1
        {120, 516}, // FIN_WAIT_2
        {840, 422}, // CLOSE_WAIT
        {480, 516}, // CLOSING
        {840, 516}, // LAST_ACK
        {480, 606}, // TIME_WAIT
        {840, 606}, // CLOSED (bottom: connections end here)
    };
    return centres[node];
}

using S = TcpState;
using A = LabelAlign;

EdgeGeometry fixedGeometry(const DiagramEdge &e)
{
    struct Row
    {
        S from, to;
        EdgeGeometry g;
    };
    static const std::vector<Row> rows = {
        {S::Closed, S::Listen, {{{455, 56}, {455, 100}}, {447, 78}, A::Right}},
        {S::Closed, S::SynSent, {{{555, 24}, {890, 24}, {890, 200}}, {722, 14}, A::Center}},
        {S::Listen, S::Closed, {{{505, 100}, {505, 56}}, {513, 78}, A::Left}},
        {S::Listen, S::SynReceived, {{{405, 132}, {140, 132}, {140, 200}}, {272, 143}, A::Center}},
        {S::Listen, S::SynSent, {{{555, 122}, {830, 122}, {830, 200}}, {692, 111}, A::Center}},
        {S::SynSent, S::Closed, {{{860, 200}, {860, 44}, {555, 44}}, {604, 55}, A::Left}},
        {S::SynSent, S::SynReceived, {{{765, 214}, {195, 214}}, {480, 203}, A::Center}},
        {S::SynSent, S::Established, {{{765, 234}, {505, 234}, {505, 300}}, {640, 245}, A::Center}},
        {S::SynReceived,
         S::Established,
         {{{195, 234}, {455, 234}, {455, 300}}, {320, 245}, A::Center}},
        {S::SynReceived, S::FinWait1, {{{120, 244}, {120, 400}}, {128, 322}, A::Left}},
        {S::SynReceived, S::Listen, {{{100, 200}, {100, 112}, {405, 112}}, {272, 101}, A::Center}},
        {S::Established,
         S::FinWait1,
         {{{455, 344}, {455, 410}, {195, 410}}, {320, 399}, A::Center}},
        {S::Established,
         S::CloseWait,
         {{{505, 344}, {505, 410}, {765, 410}}, {640, 399}, A::Center}},
        {S::FinWait1, S::FinWait2, {{{120, 444}, {120, 494}}, {128, 469}, A::Left}},
        {S::FinWait1, S::Closing, {{{195, 430}, {480, 430}, {480, 494}}, {345, 441}, A::Center}},
        {S::FinWait1,
         S::TimeWait,
         {{{195, 440}, {235, 440}, {235, 566}, {430, 566}, {430, 584}}, {243, 503}, A::Left}},
        {S::FinWait2, S::TimeWait, {{{120, 538}, {120, 606}, {405, 606}}, {300, 595}, A::Center}},
        {S::Closing, S::TimeWait, {{{480, 538}, {480, 584}}, {488, 558}, A::Left}},
        {S::CloseWait, S::LastAck, {{{840, 444}, {840, 494}}, {832, 469}, A::Right}},
        {S::LastAck, S::Closed, {{{840, 538}, {840, 584}}, {832, 561}, A::Right}},
        {S::TimeWait, S::Closed, {{{555, 606}, {765, 606}}, {660, 595}, A::Center}},
        {S::TimeWait,
         S::SynReceived,
         {{{480, 628}, {480, 646}, {18, 646}, {18, 222}, {45, 222}}, {30, 636}, A::Left}},
    };
    for (const Row &r : rows) {
        if (r.from == e.from && r.to == e.to)
            return r.g;
    }
    return {};
}

// Where the segment from the centre of `r` towards `towards` leaves the rectangle.
QPointF borderPoint(const QRectF &r, QPointF towards)
{
    const QPointF c = r.center();
    const QPointF d = towards - c;
    const double sx = d.x() == 0 ? 1e9 : (r.width() / 2) / std::abs(d.x());
    const double sy = d.y() == 0 ? 1e9 : (r.height() / 2) / std::abs(d.y());
    return c + d * std::min(sx, sy);
}

// A reset: a curve from the state's box to the bottom CLOSED box, bowed so that it does not
// lie on a straight arrow of the figure.
EdgeGeometry resetGeometry(const DiagramEdge &e)
{
    const QRectF from = nodeRect(nodeOf(e.from)), to = nodeRect(kFinalClosed);
    const QPointF a = from.center(), b = to.center();
    const QPointF mid = (a + b) / 2;
    QPointF normal(-(b - a).y(), (b - a).x());
    const double len = std::hypot(normal.x(), normal.y());
    normal = len > 0 ? normal / len : QPointF(0, 1);
    const QPointF control = mid + normal * 46;
    EdgeGeometry g;
    g.points = {borderPoint(from, control), control, borderPoint(to, control)};
    g.curved = true;
    g.labelAnchor = control;
    return g;
}

std::vector<EdgeGeometry> makeGeometry()
{
    std::vector<EdgeGeometry> all;
    for (const DiagramEdge &e : diagramEdges())
        all.push_back(e.kind == EdgeKind::Reset ? resetGeometry(e) : fixedGeometry(e));
    return all;
}

} // namespace

TcpState stateOfNode(int node) { return node == kFinalClosed ? S::Closed : stateAt(node); }

QRectF nodeRect(int node)
{
    const QPointF c = centreOf(node);
    return {c.x() - kHalfW, c.y() - kHalfH, 2 * kHalfW, 2 * kHalfH};
}

const EdgeGeometry &edgeGeometry(int edge)
{
    static const std::vector<EdgeGeometry> all = makeGeometry();
    return all[std::size_t(edge)];
}

namespace {

QPainterPath buildPath(int edge)
{
    const EdgeGeometry &g = edgeGeometry(edge);
    QPainterPath path(g.points.front());
    if (g.curved) {
        path.quadTo(g.points[1], g.points[2]);
        return path;
    }
    for (std::size_t i = 1; i < g.points.size(); ++i)
        path.lineTo(g.points[i]);
    return path;
}

struct CachedPath
{
    QPainterPath path;
    double length;
};

const CachedPath &cached(int edge)
{
    static const std::vector<CachedPath> all = [] {
        std::vector<CachedPath> v;
        for (std::size_t e = 0; e < diagramEdges().size(); ++e) {
            QPainterPath p = buildPath(int(e));
            const double len = p.length();
            v.push_back({std::move(p), len});
        }
        return v;
    }();
    return all[std::size_t(edge)];
}

} // namespace

const QPainterPath &edgePath(int edge) { return cached(edge).path; }

QPointF pointAlong(const std::vector<int> &edges, double t)
{
    if (edges.empty())
        return {};
    double total = 0;
    for (int e : edges)
        total += cached(e).length;
    double at = std::clamp(t, 0.0, 1.0) * total;
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const CachedPath &c = cached(edges[i]);
        if (at <= c.length || i + 1 == edges.size())
            return c.path.pointAtPercent(c.length > 0 ? std::clamp(at / c.length, 0.0, 1.0) : 1.0);
        at -= c.length;
    }
    return {};
}

QFont stateFont()
{
    QFont f;
    f.setPixelSize(14);
    f.setBold(true);
    return f;
}

QFont countFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

QFont labelFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

QRectF labelRect(int edge, const QString &text)
{
    const EdgeGeometry &g = edgeGeometry(edge);
    const QFontMetricsF fm(labelFont());
    const double w = fm.horizontalAdvance(text) + 4, h = fm.height();
    double x = g.labelAnchor.x();
    if (g.align == LabelAlign::Center)
        x -= w / 2;
    else if (g.align == LabelAlign::Right)
        x -= w;
    return {x, g.labelAnchor.y() - h / 2, w, h};
}

QRectF legendRect() { return {6, 4, 250, 58}; }

} // namespace tcpscope::diagram
