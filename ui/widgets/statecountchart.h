// The count of connections in each state over time, one series per state in the app's state
// colours. Click a legend entry to hide or show its series; hover for the counts at a moment;
// drag and wheel to pan and zoom the time axis.
#pragma once

#include "kernel/sockettable.h"

#include <qcustomplot.h>

namespace tcpscope {

class StateCountChart : public QCustomPlot
{
    Q_OBJECT
public:
    explicit StateCountChart(QWidget *parent = nullptr);

    // Appends one sample (seconds since the epoch) and replots when visible.
    void addSample(double time, const StateCounts &counts);
    // The visible window: the last `seconds` (0: the whole session), following new samples.
    void setWindow(double seconds);
    bool isSeriesVisible(TcpState s) const;
    void setSeriesVisible(TcpState s, bool visible);
    int sampleCount() const;
    // Every sample added, in order (seconds since the epoch, counts per state).
    const std::vector<std::pair<double, StateCounts>> &samples() const { return m_samples; }
    void clear(); // forget every sample
    // Stacked areas (each state on top of the ones before it) instead of lines.
    void setStacked(bool stacked);
    bool isStacked() const { return m_stacked; }
    // Marks a moment with a vertical line (NaN: none).
    void markMoment(double time);

signals:
    // A click (not a drag) on the plot: the moment under the mouse.
    void momentClicked(double time);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override; // samples added while hidden are drawn
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void onLegendClick(QCPLegend *legend, QCPAbstractLegendItem *item, QMouseEvent *event);
    void followLatest();
    void applyPalette(); // axes, grid, legend and background in the widget's palette
    void rebuildGraphs();

    QCPGraph *m_graphs[kTcpStateCount] = {};
    double m_window = 300;
    double m_first = 0, m_last = 0;
    int m_max = 1;
    bool m_stacked = false;
    std::vector<std::pair<double, StateCounts>> m_samples; // raw, for restacking
    QCPItemStraightLine *m_moment = nullptr;
    QPoint m_pressPos;
};

} // namespace tcpscope
