#include "diagram/statediagramview.h"

#include "diagram/diagramlayout.h"
#include "resourcesinit.h"
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
                                     std::uint64_t connection, FollowedSide side)
{
    m_animator.push(cachedDiagramPath(from, to, reset, appeared), to, connection, now(), side);
    ensureTicking();
}

void StateDiagramView::setSecondsPerArrow(double seconds)
{
    m_animator.setSecondsPerArrow(seconds);
}

void StateDiagramView::setFollowed(std::optional<std::uint64_t> connection,
                                   std::vector<int> pathSoFar, QList<TcpState> current)
{
    std::vector<FollowedStep> steps;
    for (std::size_t k = 0; k < pathSoFar.size(); ++k)
        steps.push_back({pathSoFar[k], int(k + 1), FollowedSide::Unknown});
    setFollowedSteps(connection, std::move(steps), std::move(current), false);
}

void StateDiagramView::setFollowedSteps(std::optional<std::uint64_t> connection,
                                        std::vector<FollowedStep> steps, QList<TcpState> current,
                                        bool sided)
{
    m_followed = connection;
    m_followedSteps = connection ? std::move(steps) : std::vector<FollowedStep>{};
    m_followedPath.clear();
    for (const FollowedStep &s : m_followedSteps)
        m_followedPath.push_back(s.edge);
    m_followedStates = connection ? std::move(current) : QList<TcpState>{};
    m_sided = sided && m_followedStates.size() == 2;
    m_animator.setFollowed(connection);
    update();
}

bool StateDiagramView::followsSides() const { return m_followed && m_sided; }

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

void StateDiagramView::paintEvent(QPaintEvent *)
{
    QElapsedTimer timer;
    timer.start();
    QPainter p(this);
    render(p, rect(), palette(), now(), m_paintMotion);
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

QPointF StateDiagramView::widgetPosOfLabel(int edge) const
{
    return canvasTransform(rect()).map(labelRect(edge, labelText(edge)).center());
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
