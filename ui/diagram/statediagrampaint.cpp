// StateDiagramView's drawing, in layers: legend, arrows, labels, the followed connection's
// step numbers, the states, the tokens. At rest (pictures), nothing of the moment's motion.
#include "diagram/statediagramview.h"

#include "diagram/diagramlayout.h"
#include "statepalette.h"
#include "teachingtext.h"

#include <QLocale>
#include <QPainter>
#include <QtMath>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace tcpscope {

using namespace diagram;

namespace {

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * t + b.redF() * (1 - t)),
                            float(a.greenF() * t + b.greenF() * (1 - t)),
                            float(a.blueF() * t + b.blueF() * (1 - t)));
}

const QColor kResetColour(0xc0, 0x39, 0x2b);

void drawArrowHead(QPainter &p, const QPointF &tip, const QPointF &from, double size,
                   const QColor &colour)
{
    const QPointF d = tip - from;
    const double len = std::hypot(d.x(), d.y());
    if (len <= 0)
        return;
    const QPointF u = d / len, n(-u.y(), u.x());
    const QPointF base = tip - u * size;
    const QPointF pts[3] = {tip, base + n * size * 0.45, base - n * size * 0.45};
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawPolygon(pts, 3);
}

// The point the arrow head points from (the last bend, or the curve's control point).
QPointF beforeTip(int edge)
{
    const auto &pts = edgeGeometry(edge).points;
    return pts[pts.size() - 2];
}

QFont badgeFont()
{
    QFont f = countFont();
    f.setBold(true);
    return f;
}

// A badge `width` wide centred on the point `back` canvas units before the arrow's head, or
// beside the arrow there (side -1 or +1: that far off it, perpendicular).
QRectF badgeAt(const QPainterPath &arrow, double back, double width, int side = 0)
{
    const double pct =
        arrow.percentAtLength(std::clamp(arrow.length() - back, 0.0, arrow.length()));
    QPointF at = arrow.pointAtPercent(pct);
    if (side != 0) {
        const double a = qDegreesToRadians(arrow.angleAtPercent(pct));
        const QPointF normal(std::sin(a), std::cos(a)); // y grows downwards
        const double off = std::abs(normal.x()) * (width / 2 + 4) + std::abs(normal.y()) * 13;
        at += normal * off * side;
    }
    return {at.x() - width / 2, at.y() - 9, width, 18};
}

bool clearOf(const QRectF &r, const std::vector<QRectF> &obstacles)
{
    return std::none_of(obstacles.begin(), obstacles.end(),
                        [&](const QRectF &o) { return o.intersects(r); });
}

} // namespace

QColor StateDiagramView::sideColor(FollowedSide side, const QPalette &pal)
{
    if (side != FollowedSide::Server)
        return pal.color(QPalette::Highlight);
    const bool dark = pal.color(QPalette::Base).lightnessF() < 0.5;
    return dark ? QColor(0xff, 0x9a, 0x4d) : QColor(0xc2, 0x41, 0x0c); // orange, not blue
}

void StateDiagramView::render(QPainter &p, const QRectF &target, const QPalette &pal, double t,
                              DiagramMotion motion) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.fillRect(target, pal.color(QPalette::Base));
    p.setTransform(canvasTransform(target), true);
    Inks c;
    c.ink = pal.color(QPalette::Text);
    c.base = pal.color(QPalette::Base);
    c.line = blend(c.ink, c.base, 0.62);
    c.highlight = pal.color(QPalette::Highlight);
    c.highlightedText = pal.color(QPalette::HighlightedText);
    c.client = sideColor(FollowedSide::Client, pal);
    c.server = sideColor(FollowedSide::Server, pal);
    c.atRest = motion == DiagramMotion::AtRest;
    drawLegend(p, c);
    drawSideLegend(p, c);
    drawArrows(p, c, t);
    drawLabels(p, c); // over the arrows
    drawFollowedSteps(p, c);
    drawStates(p, c, t);
    if (!c.atRest)
        drawTokens(p, c, t); // on top
    p.restore();
}

void StateDiagramView::drawLegend(QPainter &p, const Inks &c) const
{
    p.setFont(labelFont());
    const QRectF legend = legendRect();
    const double lh = legend.height() / 3;
    const auto legendLine = [&](int row, Qt::PenStyle style, const QColor &colour,
                                const QString &text) {
        const double y = legend.top() + lh * (row + 0.5);
        p.setPen(QPen(colour, 1.6, style));
        p.drawLine(QPointF(legend.left(), y), QPointF(legend.left() + 26, y));
        p.setPen(c.ink);
        p.drawText(QRectF(legend.left() + 32, y - lh / 2, legend.width() - 32, lh),
                   Qt::AlignVCenter | Qt::AlignLeft, text);
    };
    legendLine(0, Qt::SolidLine, c.line, tr("in RFC 9293's figure"));
    legendLine(1, Qt::DashLine, c.line, tr("happens, not in the figure"));
    legendLine(2, Qt::DotLine, kResetColour, tr("RST / abort → CLOSED (when seen)"));
}

QRectF StateDiagramView::sideLegendRect() const
{
    if (!followsSides())
        return {};
    const QRectF legend = legendRect();
    return {legend.left(), legend.bottom() + 2, legend.width(), 38};
}

// Which colour is the client's and which the server's, while a connection is followed.
void StateDiagramView::drawSideLegend(QPainter &p, const Inks &c) const
{
    const QRectF r = sideLegendRect();
    if (r.isEmpty())
        return;
    p.setFont(labelFont());
    const double lh = r.height() / 2;
    const auto row = [&](int i, const QColor &colour, const QString &text) {
        const double y = r.top() + lh * (i + 0.5);
        p.setPen(QPen(colour, 3.2));
        p.drawLine(QPointF(r.left(), y), QPointF(r.left() + 26, y));
        p.setPen(c.ink);
        p.drawText(QRectF(r.left() + 32, y - lh / 2, r.width() - 32, lh),
                   Qt::AlignVCenter | Qt::AlignLeft, text);
    };
    row(0, c.client, tr("client: its steps and state"));
    row(1, c.server, tr("server: its steps and state"));
}

void StateDiagramView::drawArrows(QPainter &p, const Inks &c, double t) const
{
    // An arrow both took is drawn in the colour of the later step (both numbers show).
    std::map<int, QColor> followed;
    for (const FollowedStep &s : m_followedSteps)
        followed[s.edge] = s.side == FollowedSide::Server ? c.server : c.client;
    for (std::size_t i = 0; i < diagramEdges().size(); ++i) {
        const auto it = followed.find(int(i));
        drawArrow(p, c, int(i), it == followed.end() ? nullptr : &it->second, t);
    }
}

// One arrow: thicker with its rate of traffic, glowing while a transition flashes on it,
// highlighted when the followed connection took it. Resets are drawn only when they happen.
void StateDiagramView::drawArrow(QPainter &p, const Inks &c, int e, const QColor *followed,
                                 double t) const
{
    const DiagramEdge &edge = diagramEdges()[std::size_t(e)];
    const double flash = c.atRest ? 0.0 : m_animator.flash(e, t);
    const double rate = c.atRest ? 0.0 : m_animator.rate(e);
    if (edge.kind == EdgeKind::Reset && flash <= 0 && rate < 0.05 && !followed)
        return;
    QColor colour = edge.kind == EdgeKind::Reset ? kResetColour : c.line;
    double width = 1.4 + std::min(4.5, 1.5 * std::log10(1 + rate));
    if (followed) {
        colour = *followed;
        width = std::max(width, 3.2);
    }
    const Qt::PenStyle style = edge.kind == EdgeKind::Rfc     ? Qt::SolidLine
                               : edge.kind == EdgeKind::Extra ? Qt::DashLine
                                                              : Qt::DotLine;
    const QPainterPath &path = edgePath(e);
    if (flash > 0) {
        QColor glow = stateColor(edge.to);
        glow.setAlphaF(float(0.85 * flash));
        p.setPen(QPen(glow, width + 5 * flash, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.setPen(QPen(colour, width, style, Qt::FlatCap, Qt::MiterJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    drawArrowHead(p, edgeGeometry(e).points.back(), beforeTip(e), 8 + width, colour);
}

void StateDiagramView::drawLabels(QPainter &p, const Inks &c) const
{
    p.setFont(labelFont());
    const auto &edges = diagramEdges();
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind == EdgeKind::Reset)
            continue;
        const QString text = labelText(int(i));
        const QRectF r = labelRect(int(i), text);
        QColor back = c.base;
        back.setAlphaF(0.85f);
        p.fillRect(r, back);
        p.setPen(!c.atRest && m_hover.edge == int(i) ? c.highlight : c.ink);
        p.drawText(r, Qt::AlignCenter, text);
    }
}

std::vector<StateDiagramView::StepBadge> StateDiagramView::stepBadges() const
{
    // One badge per arrow and endpoint, its step numbers in order.
    std::vector<StepBadge> badges;
    std::vector<int> edgeOf;
    for (const FollowedStep &s : m_followedSteps) {
        const QString n = QString::number(s.number);
        auto it = std::find_if(badges.begin(), badges.end(), [&](const StepBadge &b) {
            return edgeOf[std::size_t(&b - badges.data())] == s.edge && b.side == s.side;
        });
        if (it == badges.end()) {
            badges.push_back({{}, n, s.side});
            edgeOf.push_back(s.edge);
        } else if (!it->text.split(u',').contains(n)) {
            it->text += u',' + n;
        }
    }
    // Placed from just before the head backwards, clear of labels, boxes and other badges.
    std::vector<QRectF> obstacles{legendRect()};
    for (std::size_t i = 0; i < diagramEdges().size(); ++i) {
        if (diagramEdges()[i].kind != EdgeKind::Reset)
            obstacles.push_back(labelRect(int(i), labelText(int(i))).adjusted(-1, -1, 1, 1));
    }
    for (int node = 0; node < kNodeCount; ++node)
        obstacles.push_back(nodeRect(node));
    const QFontMetricsF fm(badgeFont());
    for (std::size_t k = 0; k < badges.size(); ++k) {
        const QPainterPath &arrow = edgePath(edgeOf[k]);
        const double w = std::max(18.0, fm.horizontalAdvance(badges[k].text) + 10);
        // On the arrow if it leaves room (from just before the head back), else beside it.
        std::vector<double> backs;
        for (double back = 26; back < arrow.length() - 8; back += 4)
            backs.push_back(back);
        for (double back = 22; back >= 12; back -= 5)
            backs.push_back(back);
        std::optional<QRectF> chosen;
        for (int side : {0, -1, 1, -2, 2, -3, 3}) {
            for (std::size_t b = 0; !chosen && b < backs.size(); ++b) {
                if (const QRectF r = badgeAt(arrow, backs[b], w, side); clearOf(r, obstacles))
                    chosen = r;
            }
        }
        badges[k].rect = chosen.value_or(badgeAt(arrow, 26, w));
        obstacles.push_back(badges[k].rect);
    }
    return badges;
}

// Steps of the followed connection, numbered on the arrows they took, in the colour of the
// endpoint that took them.
void StateDiagramView::drawFollowedSteps(QPainter &p, const Inks &c) const
{
    p.setFont(badgeFont());
    for (const StepBadge &b : stepBadges()) {
        p.setPen(Qt::NoPen);
        p.setBrush(b.side == FollowedSide::Server ? c.server : c.client);
        p.drawRoundedRect(b.rect, 9, 9);
        p.setPen(c.highlightedText);
        p.drawText(b.rect, Qt::AlignCenter, b.text);
    }
}

void StateDiagramView::drawStates(QPainter &p, const Inks &c, double t) const
{
    for (int node = 0; node < kNodeCount; ++node)
        drawState(p, c, node, t);
}

// A state's box: pulsing when connections arrive, outlined when followed or pointed at, its
// RFC name over its count.
void StateDiagramView::drawState(QPainter &p, const Inks &c, int node, double t) const
{
    const TcpState s = stateOfNode(node);
    const QRectF r = nodeRect(node);
    const QColor sc = stateColor(s);
    const double pulse = c.atRest                                        ? 0.0
                         : node == kFinalClosed || s != TcpState::Closed ? m_animator.pulse(s, t)
                                                                         : 0.0;
    p.setPen(QPen(sc.darker(115), 2.0 + 3.0 * pulse));
    p.setBrush(blend(sc, c.base, 0.22 + 0.25 * pulse));
    p.drawRoundedRect(r, 8, 8);
    drawStateOutlines(p, c, node);
    p.setPen(c.ink);
    p.setFont(stateFont());
    p.drawText(QRectF(r.left(), r.top() + 3, r.width(), r.height() / 2),
               Qt::AlignHCenter | Qt::AlignVCenter, rfcName(s));
    p.setFont(countFont());
    p.drawText(QRectF(r.left(), r.center().y(), r.width(), r.height() / 2 - 2),
               Qt::AlignHCenter | Qt::AlignVCenter, stateSubtitle(node));
}

// The followed endpoints' outlines (the client's inside the server's when both are here),
// or the pointer's.
void StateDiagramView::drawStateOutlines(QPainter &p, const Inks &c, int node) const
{
    const TcpState s = stateOfNode(node);
    const QRectF r = nodeRect(node);
    const auto isHere = [&](TcpState at) {
        return at == s && (s != TcpState::Closed || node == kFinalClosed);
    };
    std::vector<QColor> rings;
    if (followsSides()) {
        if (isHere(m_followedStates[0]))
            rings.push_back(c.client);
        if (isHere(m_followedStates[1]))
            rings.push_back(c.server);
    } else if (std::any_of(m_followedStates.begin(), m_followedStates.end(), isHere)) {
        rings.push_back(c.highlight);
    }
    if (rings.empty() && !c.atRest && m_hover.state && *m_hover.state == s && node != kFinalClosed)
        rings.push_back(c.highlight);
    p.setBrush(Qt::NoBrush);
    for (std::size_t i = 0; i < rings.size(); ++i) {
        const double out = 4 + 4 * double(i);
        p.setPen(QPen(rings[i], 3));
        p.drawRoundedRect(r.adjusted(-out, -out, out, out), 8 + out / 2, 8 + out / 2);
    }
}

// Under a state's name: its count (a dash when not counted), and in Chinese its name too;
// under the two CLOSED boxes, which one it is.
QString StateDiagramView::stateSubtitle(int node) const
{
    const TcpState s = stateOfNode(node);
    if (s == TcpState::Closed)
        return node == kFinalClosed ? tr("(connections end)") : tr("(start)");
    const int n = m_counts[std::size_t(index(s))];
    const QString count = n >= 0 ? QLocale().toString(n) : QStringLiteral("–");
    return m_language == u"zh" ? displayName(s, u"zh") + QStringLiteral(" · ") + count : count;
}

// Tokens travelling along their arrows, coloured by the state they land in (ringed in the
// endpoint's colour when followed), with a count when several connections travel together.
void StateDiagramView::drawTokens(QPainter &p, const Inks &c, double t) const
{
    p.setFont(badgeFont());
    for (const DiagramAnimator::Token &token : m_animator.tokens()) {
        const QPointF at = pointAlong(token.edges, m_animator.progress(token, t));
        const TcpState landing = diagramEdges()[std::size_t(token.edges.back())].to;
        const double radius = 6.5 + 2.5 * std::log10(double(token.count));
        const QColor ring = token.side == FollowedSide::Server ? c.server : c.client;
        p.setPen(QPen(token.followed ? ring : c.base, token.followed ? 3.0 : 1.8));
        p.setBrush(stateColor(landing));
        p.drawEllipse(at, radius, radius);
        if (token.count > 1) {
            const QString n = QStringLiteral("×") + QLocale().toString(token.count);
            const QRectF r(at.x() + radius + 2, at.y() - 8, 8 + 7.2 * n.size(), 16);
            QColor back = c.base;
            back.setAlphaF(0.8f);
            p.fillRect(r, back);
            p.setPen(c.ink);
            p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, n);
        }
    }
}

} // namespace tcpscope
