// One capture file in the window: the count of endpoints per state over the capture's time,
// its connections with both endpoints' final states, and the history of the selected one.
#pragma once

#include "packetconnectionmodel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTimer;
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
    void stepReplay();

public:
    // Replays the capture in time: the states move as they did, `speed` times faster
    // (0: as fast as possible). The picture shows the moment reached.
    void startReplay(double speed);
    void pauseReplay();
    bool isReplaying() const;
    double replayPosition() const { return m_replayAt; }

signals:
    void replayFinished();

private:
    PacketConnectionModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QTreeWidget *m_history;
    StateCountChart *m_chart;
    QLabel *m_summary;
    QLabel *m_momentLabel;
    QTimer *m_replayTimer;
    QComboBox *m_speed = nullptr;
    QPushButton *m_play = nullptr;
    double m_replayAt = 0; // seconds since the epoch
    double m_replaySpeed = 1;
    double m_fastStep = 0;
};

} // namespace tcpscope
