// The tcpscope main window: the kernel's socket table (on by default: it needs no
// privilege), the count of sockets per state over time, and the history of the selected
// socket.
#pragma once

#include "export/windowexport.h"
#include "formats/sessionfile.h"
#include "kernel/kernelpoller.h"
#include "pages/sourceviews.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QComboBox;
class QMenu;
class QToolBar;
class QTabWidget;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QTreeWidget;

namespace tcpscope {

class KernelSocketModel;
class SocketFilterProxy;
class StateCountChart;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // startPolling false: no poller (tests feed batches with applyBatch()).
    explicit MainWindow(bool startPolling = true, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The text of Help ▸ About: the versions of tcpscope, Qt, libpcap and QCustomPlot.
    static QString aboutText();

    void applyBatch(const KernelPollBatch &batch);
    KernelSocketModel *socketModel() const { return m_model; }
    SocketFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    StateCountChart *chart() const { return m_chart; }
    QTreeWidget *historyView() const { return m_history; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *stateFilter() const { return m_stateFilter; }
    void setPaused(bool paused);

    QTabWidget *tabs() const { return m_tabs; }
    const SourceViews &views() const { return m_views; }
    class LabPanel *labPanel() const { return m_lab; }
    class QDockWidget *labDock() const { return m_labDock; }
    // A state chosen on the diagram: the table shows its sockets, the panel explains it.
    void showState(TcpState state);

    // The current tab's views and data, for exports (the whole window included).
    ExportTarget exportTarget() const;
    // Reads a capture (or a saved session) now and shows it (headless exports); nullptr and
    // the reason when it cannot be read (nullptr and no reason: a session without packets,
    // shown in the kernel tab).
    class CapturePage *openCaptureNow(const QString &path, QString *error);
    // The session: the kernel table's timeline (chart, transitions, last table) and the
    // packets of the current capture tab (or of the first live capture), as one pcapng file.
    bool saveSession(const QString &path, QString *error) const;
    // The packets of the current capture tab as pcapng.
    bool savePackets(const QString &path, QString *error) const;
    // Shows a saved session's kernel timeline in the kernel tab (polling stops; Pause off
    // resumes it live). Its packets, if any, open in a tab of their own.
    void loadSession(const KernelTimeline &timeline, const QString &path);
    bool showingSession() const { return m_sessionShown; }

public slots:
    void showAbout();
    // Opens a capture file in a tab of its own (read on a worker thread). A file that cannot
    // be read gets one message and changes nothing else.
    void openCapture(const QString &path);
    // Opens a live-capture tab (started from its own controls).
    class LiveCapturePage *openLiveCapture();

signals:
    void captureOpened(const QString &path);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void showKernelCounts(StateCounts counts); // on the diagram
    void retranslate();
    QWidget *createFilterBar();
    void showHistoryOfSelection();
    void showContextMenu(const QPoint &pos);
    void copySelectedRows();
    void saveSettings() const;
    void restoreSettings();
    void openCaptureDialog();
    void exportPictureDialog();
    void copyDiagramPicture();
    void exportDataDialog(const QString &kind);
    void createExportMenu();
    void createLab();
    QString packetsOfCurrentTab(bool orFirstLive) const;
    class CapturePage *addCapturePage(struct CaptureResult result);
    void rememberRecent(const QString &path);
    void fillRecentMenu();

    KernelPoller *m_poller = nullptr;
    KernelSocketModel *m_model = nullptr;
    SocketFilterProxy *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    StateCountChart *m_chart = nullptr;
    QTreeWidget *m_history = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QComboBox *m_window = nullptr;
    QSpinBox *m_interval = nullptr;
    QLabel *m_status = nullptr;
    QTabWidget *m_tabs = nullptr;
    QMenu *m_recent = nullptr;
    SourceViews m_views;
    QLabel *m_showLabel = nullptr;
    QLabel *m_pollLabel = nullptr;
    QLabel *m_windowLabel = nullptr;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_languageMenu = nullptr;
    QMenu *m_themeMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QToolBar *m_toolbar = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_liveAction = nullptr;
    QAction *m_quitAction = nullptr;
    QMenu *m_exportMenu = nullptr;
    QAction *m_saveSessionAction = nullptr;
    QAction *m_savePacketsAction = nullptr;
    bool m_sessionShown = false;
    class LabPanel *m_lab = nullptr;
    class QDockWidget *m_labDock = nullptr;
    QMenu *m_labMenu = nullptr;
    int m_intervalBeforeLab = 0;
    QPointer<class LiveCapturePage> m_labCapture; // the Lab's own capture on lo, if any
    QAction *m_exportPictureAction = nullptr;
    QAction *m_copyPictureAction = nullptr;
    QList<QAction *> m_exportDataActions;
    QAction *m_pauseAction = nullptr;
    QAction *m_clearAction = nullptr;
    QAction *m_stackedAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    std::optional<quint64> m_followedKey; // the selected socket
    bool m_paused = false;
    bool m_pendingBatch = false;
    KernelPollBatch m_latest;
};

} // namespace tcpscope
