#include "diagram/statediagramview.h"

#include "diagram/diagramlayout.h"
#include "resourcesinit.h"
#include "statepalette.h"
#include "teachingtext.h"

#include <QEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QTimer>
#include <QToolTip>

#include <cmath>

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

} // namespace

StateDiagramView::StateDiagramView(QWidget *parent)
    : QWidget(parent)
    , m_ticker(new QTimer(this))
{
    setMouseTracking(true);
    setMinimumSize(360, 250);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    ensureResources();
    m_ticker->setInterval(16);
    connect(m_ticker, &QTimer::timeout, this, &StateDiagramView::frame);
    m_clock.start();
}

void StateDiagramView::setLanguage(const QString &language)
{
    m_language = language == u"zh" ? QStringLiteral("zh") : QStringLiteral("en");
    update();
}

void StateDiagramView::setCounts(const StateCounts &counts)
{
    if (counts == m_counts)
        return;
    m_counts = counts;
    update();
}

void StateDiagramView::addTransition(TcpState from, TcpState to, bool reset, bool appeared,
                                     std::uint64_t connection)
{
    const std::vector<int> path = diagramPath(from, to, reset, appeared);
    m_animator.push(path, to, connection, now());
    ensureTicking();
}

void StateDiagramView::setSecondsPerArrow(double seconds)
{
    m_animator.setSecondsPerArrow(seconds);
}

void StateDiagramView::setFollowed(std::optional<std::uint64_t> connection,
                                   std::vector<int> pathSoFar, QList<TcpState> current)
{
    m_followed = connection;
    m_followedPath = std::move(pathSoFar);
    m_followedStates = std::move(current);
    m_animator.setFollowed(connection);
    update();
}

void StateDiagramView::ensureTicking()
{
    if (!m_ticker->isActive())
        m_ticker->start();
}

void StateDiagramView::frame()
{
    const double t = now();
    m_animator.advance(t);
    update();
    if (!m_animator.busy(t))
        m_ticker->stop();
}

QString StateDiagramView::labelText(int edge) const
{
    const DiagramEdge &e = diagramEdges()[std::size_t(edge)];
    if (const TeachingEntry *entry = TeachingText::builtin().transition(e.teachingId))
        return entry->text(m_language, u"label");
    return e.teachingId;
}

QTransform StateDiagramView::canvasTransform(const QRectF &target) const
{
    const double scale =
        std::min(target.width() / kCanvas.width(), target.height() / kCanvas.height());
    const double dx = target.x() + (target.width() - kCanvas.width() * scale) / 2;
    const double dy = target.y() + (target.height() - kCanvas.height() * scale) / 2;
    return QTransform(scale, 0, 0, scale, dx, dy);
}

void StateDiagramView::render(QPainter &p, const QRectF &target, const QPalette &pal,
                              double t) const
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
    drawLegend(p, c);
    drawArrows(p, c, t);
    drawLabels(p, c); // over the arrows
    drawFollowedSteps(p, c);
    drawStates(p, c, t);
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

void StateDiagramView::drawArrows(QPainter &p, const Inks &c, double t) const
{
    const QSet<int> followed(m_followedPath.begin(), m_followedPath.end());
    for (std::size_t i = 0; i < diagramEdges().size(); ++i)
        drawArrow(p, c, int(i), followed.contains(int(i)), t);
}

// One arrow: thicker with its rate of traffic, glowing while a transition flashes on it,
// highlighted when the followed connection took it. Resets are drawn only when they happen.
void StateDiagramView::drawArrow(QPainter &p, const Inks &c, int e, bool followed, double t) const
{
    const DiagramEdge &edge = diagramEdges()[std::size_t(e)];
    const double flash = m_animator.flash(e, t);
    const double rate = m_animator.rate(e);
    if (edge.kind == EdgeKind::Reset && flash <= 0 && rate < 0.05 && !followed)
        return;
    QColor colour = edge.kind == EdgeKind::Reset ? kResetColour : c.line;
    double width = 1.4 + std::min(4.5, 1.5 * std::log10(1 + rate));
    if (followed) {
        colour = c.highlight;
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
        p.setPen(m_hover.edge == int(i) ? c.highlight : c.ink);
        p.drawText(r, Qt::AlignCenter, text);
    }
}

// Steps of the followed connection, numbered where each arrow was taken: just before the
// arrow head (labels sit mid-arrow, the head is clear).
void StateDiagramView::drawFollowedSteps(QPainter &p, const Inks &c) const
{
    if (m_followedPath.empty())
        return;
    QFont f = countFont();
    f.setBold(true);
    p.setFont(f);
    QHash<int, QStringList> numbers;
    for (std::size_t k = 0; k < m_followedPath.size(); ++k)
        numbers[m_followedPath[k]] << QString::number(k + 1);
    for (auto it = numbers.begin(); it != numbers.end(); ++it) {
        const QPainterPath &arrow = edgePath(it.key());
        const QPointF at =
            arrow.pointAtPercent(arrow.percentAtLength(std::max(0.0, arrow.length() - 26)));
        const QString text = it.value().join(u',');
        const double w = std::max(18.0, 8.0 + 7.5 * text.size());
        const QRectF r(at.x() - w / 2, at.y() - 9, w, 18);
        p.setPen(Qt::NoPen);
        p.setBrush(c.highlight);
        p.drawRoundedRect(r, 9, 9);
        p.setPen(c.highlightedText);
        p.drawText(r, Qt::AlignCenter, text);
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
    const double pulse =
        node == kFinalClosed || s != TcpState::Closed ? m_animator.pulse(s, t) : 0.0;
    p.setPen(QPen(sc.darker(115), 2.0 + 3.0 * pulse));
    p.setBrush(blend(sc, c.base, 0.22 + 0.25 * pulse));
    p.drawRoundedRect(r, 8, 8);
    const bool current =
        m_followedStates.contains(s) && (s != TcpState::Closed || node == kFinalClosed);
    if (current || (m_hover.state && *m_hover.state == s && node != kFinalClosed)) {
        p.setPen(QPen(c.highlight, 3));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(r.adjusted(-4, -4, 4, 4), 10, 10);
    }
    p.setPen(c.ink);
    p.setFont(stateFont());
    p.drawText(QRectF(r.left(), r.top() + 3, r.width(), r.height() / 2),
               Qt::AlignHCenter | Qt::AlignVCenter, rfcName(s));
    p.setFont(countFont());
    p.drawText(QRectF(r.left(), r.center().y(), r.width(), r.height() / 2 - 2),
               Qt::AlignHCenter | Qt::AlignVCenter, stateSubtitle(node));
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

// Tokens travelling along their arrows, coloured by the state they land in, with a count
// when several connections travel together.
void StateDiagramView::drawTokens(QPainter &p, const Inks &c, double t) const
{
    QFont tokenFont = countFont();
    tokenFont.setBold(true);
    p.setFont(tokenFont);
    for (const DiagramAnimator::Token &token : m_animator.tokens()) {
        const QPointF at = pointAlong(token.edges, m_animator.progress(token, t));
        const TcpState landing = diagramEdges()[std::size_t(token.edges.back())].to;
        const double radius = 6.5 + 2.5 * std::log10(double(token.count));
        p.setPen(QPen(token.followed ? c.highlight : c.base, token.followed ? 3.0 : 1.8));
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

void StateDiagramView::paintEvent(QPaintEvent *)
{
    QElapsedTimer timer;
    timer.start();
    QPainter p(this);
    render(p, rect(), palette(), now());
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    ++m_stats.frames;
    m_stats.totalMs += ms;
    m_stats.maxMs = std::max(m_stats.maxMs, ms);
}

StateDiagramView::Hit StateDiagramView::hitAt(QPointF widgetPos) const
{
    const QPointF c = canvasTransform(rect()).inverted().map(widgetPos);
    Hit hit;
    for (int node = 0; node < kNodeCount; ++node) {
        if (nodeRect(node).contains(c)) {
            hit.state = stateOfNode(node);
            return hit;
        }
    }
    const auto &edges = diagramEdges();
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind != EdgeKind::Reset && labelRect(int(i), labelText(int(i))).contains(c)) {
            hit.edge = int(i);
            return hit;
        }
    }
    QPainterPathStroker stroker;
    stroker.setWidth(10);
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind == EdgeKind::Reset && m_animator.rate(int(i)) < 0.05)
            continue;
        if (stroker.createStroke(edgePath(int(i))).contains(c)) {
            hit.edge = int(i);
            return hit;
        }
    }
    return hit;
}

QPointF StateDiagramView::widgetPosOfNode(TcpState s) const
{
    return canvasTransform(rect()).map(nodeRect(nodeOf(s)).center());
}

QString StateDiagramView::tooltipFor(const Hit &hit) const
{
    const TeachingText &text = TeachingText::builtin();
    if (hit.state) {
        const TeachingEntry *e = text.state(*hit.state);
        QString tip = QStringLiteral("<b>%1</b>").arg(rfcName(*hit.state));
        if (m_language == u"zh")
            tip += QStringLiteral(" (%1)").arg(displayName(*hit.state, u"zh"));
        if (e)
            tip += QStringLiteral("<br>") + e->text(m_language, u"summary").toHtmlEscaped();
        if (*hit.state != TcpState::Closed && m_counts[std::size_t(index(*hit.state))] >= 0)
            tip += QStringLiteral("<br>")
                   + tr("Now: %1. Click to show them in the table and explain the state.")
                         .arg(QLocale().toString(m_counts[std::size_t(index(*hit.state))]));
        return tip;
    }
    if (hit.edge >= 0) {
        const DiagramEdge &edge = diagramEdges()[std::size_t(hit.edge)];
        const TeachingEntry *e = text.transition(edge.teachingId);
        QString tip =
            edge.kind == EdgeKind::Reset
                ? QStringLiteral("<b>%1 → CLOSED</b>").arg(rfcName(edge.from))
                : QStringLiteral("<b>%1 → %2</b>").arg(rfcName(edge.from), rfcName(edge.to));
        if (e) {
            tip +=
                QStringLiteral("<br><i>%1</i>").arg(e->text(m_language, u"label").toHtmlEscaped());
            tip += QStringLiteral("<br>") + e->text(m_language, u"event").toHtmlEscaped();
        }
        tip += QStringLiteral("<br>")
               + tr("%1 per second lately").arg(m_animator.rate(hit.edge), 0, 'f', 1);
        return tip;
    }
    return QString();
}

void StateDiagramView::mouseMoveEvent(QMouseEvent *event)
{
    const Hit hit = hitAt(event->position());
    const bool changed = hit.state != m_hover.state || hit.edge != m_hover.edge;
    m_hover = hit;
    if (!changed)
        return;
    update();
    setCursor(hit.state || hit.edge >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    const QString tip = tooltipFor(hit);
    if (tip.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), tip, this);
    if (hit.state)
        Q_EMIT statePointed(*hit.state);
    else if (hit.edge >= 0)
        Q_EMIT transitionPointed(diagramEdges()[std::size_t(hit.edge)].teachingId);
}

void StateDiagramView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const Hit hit = hitAt(event->position());
    if (hit.state)
        Q_EMIT stateClicked(*hit.state);
    else if (hit.edge >= 0)
        Q_EMIT transitionClicked(diagramEdges()[std::size_t(hit.edge)].teachingId);
}

void StateDiagramView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange)
        update();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
