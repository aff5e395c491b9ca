// One capture file in the window: the count of endpoints per state over the capture's time,
// its connections with both endpoints' final states, and the history of the selected one.
#pragma once

#include "packetconnectionmodel.h"

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;
class QTreeWidget;

namespace tcpscope {

class StateCountChart;

class CapturePage : public QWidget
{
    Q_OBJECT
public:
    // live: the picture grows with updateLive() instead of being drawn once.
    explicit CapturePage(CaptureResult result, QWidget *parent = nullptr, bool live = false);
    void updateLive(CaptureResult result);

    PacketConnectionModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTreeWidget *historyView() const { return m_history; }
    StateCountChart *chart() const { return m_chart; }

private:
    void fillChart();
    void showHistoryOfSelection();
    void showMoment(double time);

    PacketConnectionModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QTreeWidget *m_history;
    StateCountChart *m_chart;
    QLabel *m_summary;
    QLabel *m_momentLabel;
};

} // namespace tcpscope
