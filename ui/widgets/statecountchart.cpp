#include "widgets/statecountchart.h"

#include "statepalette.h"

#include <QAction>
#include <QContextMenuEvent>
#include <QMenu>
#include <QToolTip>

#include <cmath>

namespace tcpscope {

namespace {
constexpr double kLogFloor = 0.5; // where a count of 0 lies on the log scale
} // namespace

StateCountChart::StateCountChart(QWidget *parent)
    : QCustomPlot(parent)
{
    setNoAntialiasingOnDrag(true);
    // Step lines are axis-aligned: no antialiasing needed, and fast polylines for 24 h of
    // samples.
    setNotAntialiasedElements(QCP::aePlottables);
    setPlottingHint(QCP::phFastPolylines, true);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    ticker->setDateTimeSpec(Qt::LocalTime);
    xAxis->setTicker(ticker);
    yAxis->setLabel(tr("connections"));
    auto counts = QSharedPointer<QCPAxisTickerFixed>::create(); // whole connections only
    counts->setTickStep(1.0);
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    yAxis->setTicker(counts);
    yAxis->setRangeLower(0);
    // The legend sits in its own row under the plot, never over the data.
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(6);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    auto *legendRow = new QCPLayoutGrid;
    plotLayout()->addElement(1, 0, legendRow);
    legendRow->setMargins(QMargins(0, 0, 0, 2));
    legendRow->addElement(0, 0, legend);
    plotLayout()->setRowStretchFactor(1, 0.001);
    for (int i = 0; i < kTcpStateCount; ++i) {
        const TcpState s = stateAt(i);
        QCPGraph *g = addGraph();
        g->setName(rfcName(s));
        QPen pen(stateColor(s));
        pen.setWidthF(2.0);
        g->setPen(pen);
        g->setLineStyle(QCPGraph::lsStepLeft);
        m_graphs[i] = g;
    }
    m_stackedAction = new QAction(this);
    m_stackedAction->setCheckable(true);
    connect(m_stackedAction, &QAction::toggled, this, &StateCountChart::setStacked);
    m_logAction = new QAction(this);
    m_logAction->setCheckable(true);
    connect(m_logAction, &QAction::toggled, this, &StateCountChart::setLogScale);
    retranslate();
    updateLegend();
    // Until the first sample: the last minute, so that the axis shows today's clock.
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    xAxis->setRange(now - 60, now);
    // CLOSED sockets are not in the kernel's table: its series starts hidden.
    setSeriesVisible(TcpState::Closed, false);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectLegend);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    connect(this, &QCustomPlot::legendClick, this, &StateCountChart::onLegendClick);
    setMouseTracking(true);
    setMinimumWidth(240); // the legend's row would otherwise hold it at its widest
    applyPalette();
}

void StateCountChart::applyPalette()
{
    const QPalette pal = palette();
    const QColor ink = pal.color(QPalette::Text), base = pal.color(QPalette::Base);
    QColor grid = ink;
    grid.setAlphaF(0.18f);
    setBackground(base);
    for (QCPAxis *axis : {xAxis, yAxis}) {
        axis->setBasePen(QPen(ink));
        axis->setTickPen(QPen(ink));
        axis->setSubTickPen(QPen(ink));
        axis->setTickLabelColor(ink);
        axis->setLabelColor(ink);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    }
    legend->setTextColor(ink);
    for (int i = 0; i < kTcpStateCount; ++i) {
        if (QCPPlottableLegendItem *item = legend->itemWithPlottable(m_graphs[i]))
            item->setTextColor(m_graphs[i]->visible() ? ink : QColor(Qt::gray));
    }
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::showEvent(QShowEvent *event)
{
    QCustomPlot::showEvent(event);
    replot(QCustomPlot::rpQueuedReplot); // addSample() does not replot while hidden
}

void StateCountChart::resizeEvent(QResizeEvent *event)
{
    fitLegendTo(width()); // a narrow chart (the Lab panel open) stays legible
    xAxis->ticker()->setTickCount(std::clamp(width() / 150, 2, 6)); // time labels never collide
    QCustomPlot::resizeEvent(event);
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::fitLegendTo(int width)
{
    int widest = 1;
    for (int i = 0; i < legend->itemCount(); ++i) {
        // (the size hint is public in the layout element, protected in the legend item)
        if (const QCPLayoutElement *item = legend->item(i))
            widest = std::max(widest, item->minimumOuterSizeHint().width());
    }
    const QMargins m = legend->margins(), row = axisRect()->margins();
    const int room = width - m.left() - m.right() - row.left() / 2;
    const int spacing = legend->columnSpacing();
    const int wrap = std::clamp((room + spacing) / (widest + spacing), 1, 6);
    if (wrap != legend->wrap()) {
        legend->setWrap(wrap);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-flows the entries
    }
}

void StateCountChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    else if (event->type() == QEvent::LanguageChange)
        retranslate();
    QCustomPlot::changeEvent(event);
}

void StateCountChart::retranslate()
{
    yAxis->setLabel(tr("connections"));
    m_stackedAction->setText(tr("Stacked"));
    m_stackedAction->setToolTip(tr("Each state's count on top of the ones before it"));
    m_logAction->setText(tr("Log scale"));
    m_logAction->setToolTip(tr("Counts on a logarithmic axis: a few hundred stay readable "
                               "beside tens of thousands"));
}

void StateCountChart::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(m_stackedAction);
    menu.addAction(m_logAction);
    menu.exec(event->globalPos());
}

QList<TcpState> StateCountChart::legendStates() const
{
    QList<TcpState> states;
    for (int i = 0; i < kTcpStateCount; ++i) {
        if (m_seen[std::size_t(i)])
            states << stateAt(i);
    }
    return states;
}

void StateCountChart::updateLegend()
{
    legend->clearItems();
    for (int i = 0; i < kTcpStateCount; ++i) {
        if (!m_seen[std::size_t(i)])
            continue;
        m_graphs[i]->addToLegend();
        if (QCPPlottableLegendItem *item = legend->itemWithPlottable(m_graphs[i]))
            item->setTextColor(m_graphs[i]->visible() ? palette().color(QPalette::Text)
                                                      : QColor(Qt::gray));
    }
    if (m_highlight && m_highlight->visible())
        m_highlight->addToLegend(); // a finding's count, after the states
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    fitLegendTo(width());
}

double StateCountChart::plotted(int count) const
{
    return m_log && count <= 0 ? kLogFloor : double(count);
}

void StateCountChart::setLogScale(bool log)
{
    m_log = log;
    const QSignalBlocker quiet(m_logAction);
    m_logAction->setChecked(log);
    yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) {
        auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
        ticker->setLogBase(10);
        yAxis->setTicker(ticker);
        yAxis->setNumberFormat(QStringLiteral("gb"));
    } else {
        auto counts = QSharedPointer<QCPAxisTickerFixed>::create(); // whole connections only
        counts->setTickStep(1.0);
        counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        yAxis->setTicker(counts);
    }
    rebuildGraphs();
}

void StateCountChart::extendTo(double time)
{
    if (m_samples.empty() || time <= m_last)
        return;
    const StateCounts last = m_samples.back().second; // a copy: adding may move the samples
    addSample(time, last);
}

int StateCountChart::sampleCount() const { return m_graphs[0]->dataCount(); }

bool StateCountChart::isSeriesVisible(TcpState s) const { return m_graphs[index(s)]->visible(); }

void StateCountChart::setSeriesVisible(TcpState s, bool visible)
{
    QCPGraph *g = m_graphs[index(s)];
    g->setVisible(visible);
    if (QCPPlottableLegendItem *item = legend->itemWithPlottable(g))
        item->setTextColor(visible ? palette().color(QPalette::Text) : QColor(Qt::gray));
    if (m_stacked)
        rebuildGraphs(); // the stack changes with what is shown
    else
        replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::onLegendClick(QCPLegend *, QCPAbstractLegendItem *item, QMouseEvent *)
{
    if (auto *pi = qobject_cast<QCPPlottableLegendItem *>(item)) {
        for (int i = 0; i < kTcpStateCount; ++i) {
            if (m_graphs[i] == pi->plottable())
                setSeriesVisible(stateAt(i), !m_graphs[i]->visible());
        }
    }
}

void StateCountChart::addSample(double time, const StateCounts &counts)
{
    if (sampleCount() == 0)
        m_first = time;
    m_last = time;
    m_samples.emplace_back(time, counts);
    int below = 0;
    bool newState = false;
    for (int i = 0; i < kTcpStateCount; ++i) {
        int v = counts[std::size_t(i)];
        if (v > 0 && !m_seen[std::size_t(i)])
            newState = m_seen[std::size_t(i)] = true;
        if (m_stacked && m_graphs[i]->visible()) {
            below += v;
            v = below;
        }
        m_graphs[i]->addData(time, plotted(v));
        if (m_graphs[i]->visible())
            m_max = std::max(m_max, v);
    }
    if (newState)
        updateLegend();
    followLatest();
    if (isVisible())
        replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::rebuildGraphs()
{
    m_max = 1;
    QCPGraph *previous = nullptr;
    for (int i = 0; i < kTcpStateCount; ++i) {
        QCPGraph *g = m_graphs[i];
        QVector<double> keys, values;
        keys.reserve(qsizetype(m_samples.size()));
        values.reserve(qsizetype(m_samples.size()));
        for (const auto &[t, counts] : m_samples) {
            int v = counts[std::size_t(i)];
            if (m_stacked && g->visible()) {
                for (int k = 0; k < i; ++k)
                    v += m_graphs[k]->visible() ? counts[std::size_t(k)] : 0;
            }
            keys << t;
            values << plotted(v);
            if (g->visible())
                m_max = std::max(m_max, v);
        }
        g->setData(keys, values, true);
        QColor fill = stateColor(stateAt(i));
        fill.setAlpha(m_stacked ? 150 : 0);
        g->setBrush(m_stacked ? QBrush(fill) : Qt::NoBrush);
        g->setChannelFillGraph(m_stacked && g->visible() ? previous : nullptr);
        if (g->visible())
            previous = g;
    }
    followLatest();
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::setHighlight(const QString &name,
                                   const std::vector<std::pair<double, double>> &values)
{
    if (!m_highlight) {
        m_highlight = addGraph();
        QPen pen(QColor(0xd6, 0x27, 0x28)); // not one of the states' colours
        pen.setWidthF(2.5);
        pen.setStyle(Qt::DashLine);
        m_highlight->setPen(pen);
    }
    m_highlight->data()->clear();
    for (const auto &[time, v] : values) {
        m_highlight->addData(time, v);
        m_max = std::max(m_max, int(v));
    }
    m_highlight->setName(name);
    m_highlight->setVisible(!values.empty());
    if (values.empty())
        m_highlight->removeFromLegend();
    else
        m_highlight->addToLegend();
    followLatest();
    replot(QCustomPlot::rpQueuedReplot);
}

QString StateCountChart::highlightName() const
{
    return m_highlight && m_highlight->visible() ? m_highlight->name() : QString();
}

std::vector<std::pair<double, double>> StateCountChart::highlightValues() const
{
    std::vector<std::pair<double, double>> out;
    if (m_highlight && m_highlight->visible()) {
        for (const QCPGraphData &d : *m_highlight->data())
            out.emplace_back(d.key, d.value);
    }
    return out;
}

void StateCountChart::clear()
{
    m_samples.clear();
    if (m_highlight)
        m_highlight->data()->clear();
    m_seen = {};
    updateLegend();
    for (QCPGraph *g : m_graphs)
        g->data()->clear();
    m_first = m_last = 0;
    m_max = 1;
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::setStacked(bool stacked)
{
    m_stacked = stacked;
    const QSignalBlocker quiet(m_stackedAction);
    m_stackedAction->setChecked(stacked);
    rebuildGraphs();
}

void StateCountChart::markMoment(double time)
{
    if (!m_moment) {
        m_moment = new QCPItemStraightLine(this);
        m_moment->setPen(QPen(Qt::black, 1, Qt::DashLine));
    }
    m_moment->setVisible(!std::isnan(time));
    if (!std::isnan(time)) {
        m_moment->point1->setCoords(time, 0);
        m_moment->point2->setCoords(time, 1);
    }
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->pos();
    QCustomPlot::mousePressEvent(event);
}

void StateCountChart::mouseReleaseEvent(QMouseEvent *event)
{
    QCustomPlot::mouseReleaseEvent(event);
    const bool click = (event->pos() - m_pressPos).manhattanLength() < 4;
    if (click && event->button() == Qt::LeftButton && axisRect()->rect().contains(event->pos()))
        Q_EMIT momentClicked(xAxis->pixelToCoord(event->pos().x()));
}

void StateCountChart::setWindow(double seconds)
{
    m_window = seconds;
    followLatest();
    replot(QCustomPlot::rpQueuedReplot);
}

void StateCountChart::followLatest()
{
    // Until the session is as long as the window, show the session from its start; a whole
    // (recorded) session fills the width.
    const double end = std::max(m_last, m_first + (m_window > 0 ? 10.0 : 0.001));
    const double start = m_window > 0 ? std::max(end - m_window, m_first) : m_first;
    xAxis->setRange(start, end + (end - start) * 0.02);
    // Milliseconds on the axis when the span is short (a capture of a second or two).
    if (auto t = xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>())
        t->setDateTimeFormat(end - start < 20 ? QStringLiteral("HH:mm:ss.zzz")
                                              : QStringLiteral("HH:mm:ss"));
    if (m_log)
        yAxis->setRange(kLogFloor, std::max(10.0, m_max * 2.0));
    else
        yAxis->setRange(0, m_max * 1.1 + 1);
}

void StateCountChart::mouseMoveEvent(QMouseEvent *event)
{
    QCustomPlot::mouseMoveEvent(event);
    if (sampleCount() == 0 || !axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const double t = xAxis->pixelToCoord(event->pos().x());
    // The counts in force at t: the last sample at or before it (raw, even when stacked).
    auto it = std::upper_bound(m_samples.begin(), m_samples.end(), t,
                               [](double v, const auto &s) { return v < s.first; });
    QStringList lines{
        QDateTime::fromMSecsSinceEpoch(qint64(t * 1000)).toString(QStringLiteral("HH:mm:ss.zzz"))};
    if (it != m_samples.begin()) {
        const StateCounts &c = std::prev(it)->second;
        for (int i = 0; i < kTcpStateCount; ++i) {
            if (m_graphs[i]->visible() && c[std::size_t(i)] > 0)
                lines << QStringLiteral("%1: %2").arg(rfcName(stateAt(i))).arg(c[std::size_t(i)]);
        }
    }
    QToolTip::showText(event->globalPosition().toPoint(), lines.join(u'\n'), this);
}

} // namespace tcpscope
