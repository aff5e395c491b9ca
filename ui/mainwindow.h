// The tcpscope main window: menus, the source tabs (the kernel table first, then capture
// files and live captures, each a SourcePage), recent files, drag and drop, sessions, the Lab
// dock, Getting started and About. What a tab shows is the page's business.
#pragma once

#include "export/windowexport.h"
#include "formats/sessionfile.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;

namespace tcpscope {

class CapturePage;
class ElidedLabel;
class ExportActions;
class FleetPage;
class GettingStarted;
class KernelPage;
class LabPanel;
class LabTabs;
class LiveCapturePage;
class RemotePage;
class SourcePage;
struct RemoteOptions;
struct CaptureResult;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // startPolling false: no poller (tests feed batches to kernelPage()->applyBatch()).
    explicit MainWindow(bool startPolling = true, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The text of Help ▸ About: the versions of tcpscope, Qt, libpcap and QCustomPlot.
    static QString aboutText();
    // At the first start (and while its "Show at start" box is ticked): Help ▸ Getting
    // started. The window's main() calls it once shown.
    void showGettingStartedAtStart();

    KernelPage *kernelPage() const { return m_kernel; }
    QTabWidget *tabs() const { return m_tabs; }
    LabPanel *labPanel() const { return m_lab; }
    LabTabs *labTabs() const { return m_labTabs; }
    GettingStarted *gettingStarted() const; // open, or null
    QAction *gettingStartedAction() const { return m_gettingStartedAction; }
    QDockWidget *labDock() const { return m_labDock; }
    // The page of the tab in front.
    SourcePage *currentPage() const;

    // The current tab's views and data, for exports (the whole window included).
    ExportTarget exportTarget() const;
    // Reads a capture (or a saved session) now and shows it (headless exports); nullptr and
    // the reason when it cannot be read (nullptr and no reason: a session without packets,
    // shown in the kernel tab). A file read only in part (cut off, a damaged session
    // timeline) is shown and `error` says what is missing. A FIFO or a device is refused
    // unless allowSpecialFiles.
    CapturePage *openCaptureNow(const QString &path, QString *error,
                                bool allowSpecialFiles = false);
    // The session: the kernel table's timeline (chart, transitions, last table) and the
    // packets of the current capture tab (or of the first live capture), as one pcapng file.
    bool saveSession(const QString &path, QString *error) const;
    // The packets of the current capture tab as pcapng. For a live capture whose kept file
    // could not hold every packet (a full disk), what it holds is saved and false says how
    // many are missing.
    bool savePackets(const QString &path, QString *error) const;
    // Shows a saved session's kernel timeline in the kernel tab (polling stops; Pause off
    // resumes it live). Its packets, if any, open in a tab of their own.
    void loadSession(const KernelTimeline &timeline, const QString &path);
    bool showingSession() const;

public slots:
    void showAbout();
    // Help ▸ Getting started (one page, shown again if it is open).
    void showGettingStarted();
    // Opens a capture file in a tab of its own (read on a worker thread). A file that cannot
    // be read gets one message and changes nothing else; so does a FIFO or a device, unless
    // allowSpecialFiles (`tcpscope --allow-special-files PATH`).
    void openCapture(const QString &path, bool allowSpecialFiles = false);
    // Opens a live-capture tab (started from its own controls).
    LiveCapturePage *openLiveCapture();
    // The Fleet tab (one), in front, reading `url` when it is given (remembered for next time).
    FleetPage *showFleet(const QString &url = QString());
    // File ▸ Fleet (Prometheus)…: asks for the server's URL.
    void askPrometheusServer();
    // Opens a remote host's tab: its kernel table over SSH (mainwindowremote.cpp).
    RemotePage *openRemote(const tcpscope::RemoteOptions &options);
    // File ▸ Connect to host…
    void connectToHost();

signals:
    void captureOpened(const QString &path);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createFileMenu();
    void createViewMenu();
    void createLab();
    void createHelpMenu();
    void retranslate();
    void retranslateFleet();
    void openCaptureDialog();
    void showOpened(const struct OpenedCapture &opened);
    QString packetsOfCurrentTab(bool orFirstLive) const;
    CapturePage *addCapturePage(struct CaptureResult result);
    void rememberRecent(const QString &path);
    void fillRecentMenu();
    void showToolbarOfTab(); // the local table's toolbar, hidden on a remote tab

    KernelPage *m_kernel = nullptr;
    class CaptureOpener *m_opener = nullptr; // reads files off the GUI thread
    ExportActions *m_export = nullptr;
    ElidedLabel *m_status = nullptr;
    QTabWidget *m_tabs = nullptr;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_recent = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_languageMenu = nullptr;
    QMenu *m_themeMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QMenu *m_labMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_liveAction = nullptr;
    QAction *m_fleetAction = nullptr;
    QPointer<FleetPage> m_fleet;
    QAction *m_remoteAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QAction *m_gettingStartedAction = nullptr;
    LabPanel *m_lab = nullptr;
    QDockWidget *m_labDock = nullptr;
    LabTabs *m_labTabs = nullptr; // the Lab's tabs and its hold on the kernel tab
    QPointer<GettingStarted> m_gettingStarted;
};

} // namespace tcpscope
