// The kernel's socket table as a source tab (on by default: it needs no privilege): the poller
// on its own thread, the record of the session (KernelTimelineStore), and the views over it —
// the table with its filter bar, the count chart, the selected socket's history, the diagram
// and the explanation panel. Its toolbar (pause, clear, interval, chart window, stacked) is
// placed by the window.
#pragma once

#include "kernel/kernelpoller.h"
#include "kernel/kerneltimeline.h"
#include "models/socketsituation.h"
#include "pages/sourcepage.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QToolBar;
class QTreeWidget;

namespace tcpscope {

class FindingsPanel;
class KernelSocketModel;
class KernelTraceMode;
class SocketFilterProxy;
class StateCountChart;
class SourceViews;

class KernelPage : public QWidget, public SourcePage
{
    Q_OBJECT
public:
    // startPolling false: no poller (tests and headless exports feed batches with applyBatch()).
    explicit KernelPage(bool startPolling = true, QWidget *parent = nullptr);
    ~KernelPage() override;

    const SourceViews &views() const override { return *m_views; }
    SourceViews *sourceViews() const { return m_views; }
    ExportTarget exportTarget() const override;

    // One poll: the record always takes it; the picture unless paused or a session is shown.
    void applyBatch(const KernelPollBatch &batch);
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    // A state chosen on the diagram: the table shows its sockets, the panel explains it.
    void showState(TcpState state);

    // Shows a saved session (polling stops; Pause off goes live again).
    void showSession(const KernelTimeline &timeline, const QString &path);
    bool showingSession() const { return m_sessionShown; }
    // The tab's title: live, or a saved session.
    QString title() const;
    // The table's context menu for the row at `at` (copy, filter to its process, host, state).
    void fillContextMenu(class QMenu *menu, const QModelIndex &at);
    // "Close connection…": after a confirmation, the trace helper destroys the socket
    // (SOCK_DESTROY); a refusal says why (the capability, CONFIG_INET_DIAG_DESTROY).
    void closeConnection(const SocketRecord &record);
    KernelTimeline timeline() const;

    // The poll interval (ms), as in the toolbar.
    int interval() const;
    void setInterval(int ms);
    // The free-text filter, applied at once (what typing does after a pause).
    void setFilterText(const QString &text);
    void showAllStates(); // the state filter back to all
    // Where a live capture sees the same connection as the table, the row shows both views.
    void mergePacketsOf(class LiveCapturePage *capture);

    const KernelTimelineStore &store() const { return m_store; }
    KernelSocketModel *model() const { return m_model; }
    SocketFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    StateCountChart *chart() const { return m_chart; }
    QTreeWidget *historyView() const { return m_history; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *stateFilter() const { return m_stateFilter; }
    QToolBar *toolBar() const { return m_toolbar; }
    QAction *pauseAction() const { return m_pauseAction; }
    FindingsPanel *findingsPanel() const { return m_findings; }
    class KernelLadderView *ladderView() const { return m_ladder; }

    // Which network namespace's sockets the tab shows (the toolbar's chooser).
    void setNamespace(const NetnsSelection &netns);
    const NetnsSelection &namespaceShown() const { return m_netnsSelection; }
    QComboBox *namespaceChooser() const { return m_netns; }
    // A page fed from one namespace (the Lab's): the toolbar names it, with no chooser.
    void showFixedNamespace(const QString &name);

    void saveSettings() const;
    void restoreSettings();

signals:
    // What the status bar should say of the kernel table.
    void statusChanged(const QString &text);
    void titleChanged();
    // The diagnosis engine's findings after a poll: how many, how many at warning or above.
    void findingsChanged(int total, int warnings);
    // The toolbar's poll interval changed (a remote tab passes it on to its stream).
    void intervalChanged(int ms);

protected:
    void changeEvent(QEvent *event) override;

private:
    QWidget *createTablePane();
    QWidget *createFilterBar();
    void keepViewAcrossUpdates();
    // Columns as wide as their header, the texts they can hold and a sample of the rows: at
    // start, at the first rows, after a language change, and every kRefitMs for the rows in
    // view (widenOnly: never narrower; and the columns the user sized stay as they are).
    void fitColumns(bool widenOnly);
    void applyFilterText();
    void createToolBar();
    void createNamespaceChooser();
    void retranslateNamespaces();
    void listNamespaces(const std::vector<NetNamespace> &found);
    void retranslate();
    void showPicture(const KernelPollBatch &batch);
    void showCounts(StateCounts counts);
    void showHistoryOfSelection();
    bool showSelectedGone();
    static double lastSeenBefore(const std::vector<Transition> &history, double goneAt);
    void followOnDiagram(quint64 key, const std::vector<Transition> &history,
                         const struct SocketSituation *situation);
    void fillHistory(const std::vector<Transition> &history);
    // The Ladder tab (kernelpageladder.cpp): the socket's and its other end's traced states.
    void createLadder();
    void showLadderOf(std::optional<quint64> key);
    void showContextMenu(const QPoint &pos);
    QString shownText() const;
    void copySelectedRows();
    void clearRecord();
    QString pollText(const KernelPollBatch &batch) const;

    KernelTimelineStore m_store;
    KernelPoller *m_poller = nullptr;
    KernelTraceMode *m_trace = nullptr; // exact transitions (eBPF), with a poller
    KernelSocketModel *m_model = nullptr;
    SocketFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    StateCountChart *m_chart = nullptr;
    QTreeWidget *m_history = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QLabel *m_showLabel = nullptr;
    SourceViews *m_views = nullptr;
    FindingsPanel *m_findings = nullptr;
    KernelLadderView *m_ladder = nullptr;

    QToolBar *m_toolbar = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_stackedAction = nullptr;
    QLabel *m_pollLabel = nullptr;
    QSpinBox *m_interval = nullptr;
    QLabel *m_windowLabel = nullptr;
    QComboBox *m_window = nullptr;
    QLabel *m_netnsLabel = nullptr;
    QComboBox *m_netns = nullptr;
    QAction *m_netnsAction = nullptr;
    QString m_fixedNetns;
    NetnsSelection m_netnsSelection;
    QStringList m_netnsKeys;
    std::uint32_t m_ownInode = 0;

    std::optional<quint64> m_followedKey;           // the selected socket
    std::optional<SocketSituation> m_lastSituation; // what the panel said of it last
    std::optional<quint64> m_keptTop; // the socket at the top of the view, across an update
    int m_keptTopRow = -1;
    class QTimer *m_filterPause = nullptr; // a pause in the typing
    // Files the record's queued transitions, kFilePerTurn per event-loop turn (~7 ms).
    class QTimer *m_filing = nullptr;
    static constexpr std::size_t kFilePerTurn = 10'000;
    QElapsedTimer m_filterApplied; // when the filter last changed
    static constexpr int kFilterPauseMs = 150;
    bool m_paused = false;
    bool m_pendingBatch = false; // a poll arrived while paused
    bool m_sessionShown = false;
    bool m_columnsFitted = false;   // to the first rows
    bool m_columnsRestored = false; // the user's widths from the last run
    bool m_fittingColumns = false;
    quint32 m_userSizedColumns = 0; // by bit
    QElapsedTimer m_columnsFit;     // since the columns were last fitted
    static constexpr int kRefitMs = 2000;
    QString m_status; // what statusChanged() said last
};

} // namespace tcpscope
