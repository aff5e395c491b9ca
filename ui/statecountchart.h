// The count of connections in each state over time, one series per state in the app's state
// colours. Click a legend entry to hide or show its series; hover for the counts at a moment;
// drag and wheel to pan and zoom the time axis.
#pragma once

#include "sockettable.h"

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

protected:
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void onLegendClick(QCPLegend *legend, QCPAbstractLegendItem *item, QMouseEvent *event);
    void followLatest();

    QCPGraph *m_graphs[kTcpStateCount] = {};
    double m_window = 300;
    double m_first = 0, m_last = 0;
    int m_max = 1;
};

} // namespace tcpscope
