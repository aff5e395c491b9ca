#include "statecountchart.h"

#include "statepalette.h"

#include <QToolTip>

namespace tcpscope {

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
    // CLOSED sockets are not in the kernel's table: its series starts hidden.
    setSeriesVisible(TcpState::Closed, false);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectLegend);
    axisRect()->setRangeDrag(Qt::Horizontal);
    axisRect()->setRangeZoom(Qt::Horizontal);
    connect(this, &QCustomPlot::legendClick, this, &StateCountChart::onLegendClick);
    setMouseTracking(true);
}

int StateCountChart::sampleCount() const { return m_graphs[0]->dataCount(); }

bool StateCountChart::isSeriesVisible(TcpState s) const { return m_graphs[index(s)]->visible(); }

void StateCountChart::setSeriesVisible(TcpState s, bool visible)
{
    QCPGraph *g = m_graphs[index(s)];
    g->setVisible(visible);
    if (QCPPlottableLegendItem *item = legend->itemWithPlottable(g))
        item->setTextColor(visible ? Qt::black : Qt::gray);
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
    for (int i = 0; i < kTcpStateCount; ++i) {
        m_graphs[i]->addData(time, counts[std::size_t(i)]);
        if (m_graphs[i]->visible())
            m_max = std::max(m_max, counts[std::size_t(i)]);
    }
    followLatest();
    if (isVisible())
        replot(QCustomPlot::rpQueuedReplot);
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
    QStringList lines{
        QDateTime::fromMSecsSinceEpoch(qint64(t * 1000)).toString(QStringLiteral("HH:mm:ss"))};
    for (int i = 0; i < kTcpStateCount; ++i) {
        if (!m_graphs[i]->visible())
            continue;
        auto it = m_graphs[i]->data()->findBegin(t, false);
        if (it != m_graphs[i]->data()->constEnd() && it->key > t
            && it != m_graphs[i]->data()->constBegin())
            --it;
        if (it != m_graphs[i]->data()->constEnd() && it->value > 0)
            lines << QStringLiteral("%1: %2").arg(rfcName(stateAt(i))).arg(int(it->value));
    }
    QToolTip::showText(event->globalPosition().toPoint(), lines.join(u'\n'), this);
}

} // namespace tcpscope
