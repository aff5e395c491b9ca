// One capture file in the window: the count of endpoints per state over the capture's time,
// its connections with both endpoints' final states, and the history of the selected one.
#pragma once

#include "export/windowexport.h"
#include "kernel/sockettable.h"
#include "models/packetconnectionmodel.h"
#include "pages/sourcepage.h"

#include <QWidget>

#include <functional>

class QAction;
class QComboBox;
class QLayout;
class QLabel;
class QPushButton;
class QTimer;
class QSortFilterProxyModel;
class QTableView;
class QTreeWidget;

namespace tcpscope {

class LadderPane;
class SourceViews;
class StateCountChart;
struct Ladder;

class CapturePage : public QWidget, public SourcePage
{
    Q_OBJECT
public:
    // live: the picture grows with updateLive() instead of being drawn once.
    explicit CapturePage(CaptureResult result, QWidget *parent = nullptr, bool live = false);
    // A live capture's delta, applied in O(the delta) (see PacketConnectionModel::applyDelta).
    void updateLive(const LiveDelta &delta);

    PacketConnectionModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QTreeWidget *historyView() const { return m_history; }
    StateCountChart *chart() const { return m_chart; }
    const SourceViews &views() const override { return *m_views; }
    QString packetsFile() const override { return m_model->result().path; }
    // Steps the selected connection one transition forward (+1) or back (-1): the table and
    // the counts as they were just after it, its arrow animated and explained.
    void step(int direction);
    int currentStep() const { return m_step; }
    // The table, counts and diagram as they were at a moment of the capture (nullopt: its
    // end), as a click on the chart shows them.
    void showMomentAt(std::optional<std::int64_t> timeNs);
    // The views and data of this tab, for File ▸ Export.
    ExportTarget exportTarget() const override;
    // The selected connection's ladder (captureladder.cpp); selecting its row `row` shows the
    // diagram, table, counts and explanation just after that segment.
    LadderPane *ladderPane() const { return m_ladder; }
    void seekToSegment(int row);
    // A live page: where its packets are kept. The ladder of a selected connection grows from
    // the deltas' segments; when the page no longer keeps them all (PacketConnectionModel::
    // kMaxLiveSegments), it is read from that file (as it was at the selection).
    void setKeptPackets(std::function<QString()> path) { m_keptPackets = std::move(path); }
    int currentSegment() const { return m_segment; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateSummary();
    void fitColumns(bool widenOnly); // to the headers, the states' names and a sample of rows
    void sortChanges();
    // The diagram's counts at a moment of the capture (nullopt: its end); animate: the
    // transitions since the last moment shown travel the diagram.
    void showCountsAt(std::optional<std::int64_t> timeNs, bool animate = false);
    // Follows a connection on the diagram; returns its endpoints' states (client first).
    QList<TcpState> followSelection(std::uint32_t conn);
    void fillChart();
    void showHistoryOfSelection();
    void createLadder();
    void showLadderOf(std::optional<std::uint32_t> conn);
    // A live page: the selected connection renumbered past retired ones, its ladder grown by
    // the delta's segments and changes.
    void followRetired(const LiveDelta &delta);
    void growLadder(const LiveDelta &delta);
    void stepTransition(int direction);
    void addLadderTo(ExportTarget &t) const;
    // History's rows for a connection (capturehistory.cpp) and its column titles.
    void fillHistory(std::uint32_t conn);
    // A revision row's text: "revised: the ACK at … did not act: …". `withdrawn`: the
    // endpoint's change it corrects (null when no longer kept).
    static QString revisionText(const StateChange &ch, const StateChange *withdrawn,
                                const QString &who,
                                const std::function<QString(std::int64_t)> &clock);
    static QStringList historyHeaders();
    void showMoment(double time);
    void showMomentNs(std::optional<std::int64_t> ns, double time);
    void stepReplay();
    // capturereplay.cpp: the Replay bar, the Step and Replay actions with their shortcuts.
    QLayout *createReplayBar();
    void createStepActions();
    void retranslateReplay();
    void toggleReplay();

public:
    // Replays the capture in time: the states move as they did, `speed` times faster
    // (0.1, 0.01: slow motion; 0: as fast as possible; kOnePacketPerStep: from one state
    // change's packet to the next, kPacketStepMs apart). The picture shows the moment reached.
    static constexpr double kOnePacketPerStep = -1;
    static constexpr int kPacketStepMs = 900;
    void startReplay(double speed);
    void pauseReplay();
    bool isReplaying() const;
    double replayPosition() const { return m_replayAt; }
    // Step back, Step forward, Replay/Pause: with their shortcuts (Ctrl+←, Ctrl+→, Ctrl+R),
    // active while this tab is shown.
    QAction *stepBackAction() const { return m_stepBackAction; }
    QAction *stepForwardAction() const { return m_stepForwardAction; }
    QAction *replayAction() const { return m_replayAction; }
    QComboBox *speedBox() const { return m_speed; }

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
    SourceViews *m_views = nullptr;
    QLabel *m_replayHint = nullptr;
    QPushButton *m_stepBack = nullptr;
    QPushButton *m_stepForward = nullptr;
    QAction *m_stepBackAction = nullptr;
    QAction *m_stepForwardAction = nullptr;
    QAction *m_replayAction = nullptr;
    std::vector<std::uint32_t> m_order; // the tracker's changes in time order
    std::size_t m_cursor = 0;           // changes of m_order applied to m_running
    StateCounts m_running{};
    std::optional<std::uint32_t> m_selected;
    int m_step = -1;
    bool m_columnsFitted = false; // to the first rows
    LadderPane *m_ladder = nullptr;
    std::shared_ptr<const Ladder> m_shownLadder;
    int m_segment = -1;
    std::function<QString()> m_keptPackets;
};

} // namespace tcpscope
