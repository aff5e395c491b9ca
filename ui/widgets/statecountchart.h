// The count of connections in each state over time, one series per state in the app's state
// colours. Click a legend entry to hide or show its series; hover for the counts at a moment;
// drag and wheel to pan and zoom the time axis. The legend lists only the states that were
// ever counted; the context menu stacks the series or puts the counts on a log scale.
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
    // One more series drawn over the states' (a finding's count over time), named in the
    // legend; no values: none.
    void setHighlight(const QString &name, const std::vector<std::pair<double, double>> &values);
    // The series drawn over the states' (its legend's name; "" when none is shown) and its
    // values, as drawn.
    QString highlightName() const;
    std::vector<std::pair<double, double>> highlightValues() const;
    // Counts on a logarithmic axis (445 CLOSE_WAIT readable beside 50,000 ESTABLISHED); a
    // count of 0 lies on the axis's floor.
    void setLogScale(bool log);
    bool isLogScale() const { return m_log; }
    // The last counts hold until `time` (a capture's end): the last level is drawn to it.
    void extendTo(double time);
    // As many legend entries per row as fit `width` whole (the widest entry's name decides): the
    // widget's width, or a picture's while it is drawn.
    void fitLegendTo(int width);
    // The states the legend lists: those with a count above 0 in some sample.
    QList<TcpState> legendStates() const;
    // The context menu's checkable actions, for a page's bar too.
    QAction *stackedAction() const { return m_stackedAction; }
    QAction *logScaleAction() const { return m_logAction; }

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
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void onLegendClick(QCPLegend *legend, QCPAbstractLegendItem *item, QMouseEvent *event);
    void followLatest();
    void applyPalette(); // axes, grid, legend and background in the widget's palette
    void rebuildGraphs();
    void updateLegend(); // the states ever counted, in the states' order
    void retranslate();
    double plotted(int count) const; // a count as drawn (log scale: 0 on the floor)

    QCPGraph *m_graphs[kTcpStateCount] = {};
    double m_window = 300;
    double m_first = 0, m_last = 0;
    int m_max = 1;
    bool m_stacked = false;
    bool m_log = false;
    std::array<bool, kTcpStateCount> m_seen{}; // a count above 0 in some sample
    QAction *m_stackedAction = nullptr;
    QAction *m_logAction = nullptr;
    std::vector<std::pair<double, StateCounts>> m_samples; // raw, for restacking
    QCPItemStraightLine *m_moment = nullptr;
    QCPGraph *m_highlight = nullptr;
    QPoint m_pressPos;
};

} // namespace tcpscope
