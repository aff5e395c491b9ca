#include "mainwindow.h"

#include "export/exportactions.h"
#include "labpanel.h"
#include "labtabs.h"
#include "packets/captureopener.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "theme.h"
#include "uilanguage.h"
#include "versions.h"
#include "widgets/elidedlabel.h"
#include "widgets/findingsbadge.h"
#include "widgets/gettingstarted.h"
#include "widgets/teachingpanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <qcustomplot.h>

namespace tcpscope {

MainWindow::MainWindow(bool startPolling, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/tcpscope.svg")));
    m_opener = new CaptureOpener(this);
    connect(m_opener, &CaptureOpener::opened, this, &MainWindow::showOpened);
    m_kernel = new KernelPage(startPolling);
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(m_kernel, QString());
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr); // the live table stays
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        if (i > 0)
            delete m_tabs->widget(i);
    });
    setCentralWidget(m_tabs);
    setAcceptDrops(true);
    addToolBar(m_kernel->toolBar());

    createFileMenu();
    createViewMenu();
    createLab();
    createHelpMenu();
    retranslate();

    m_status = new ElidedLabel; // a long poll line ends in "…", whole in its tool tip
    statusBar()->addWidget(m_status, 1);
    connect(m_kernel, &KernelPage::statusChanged, m_status, &ElidedLabel::setFullText);
    statusBar()->addPermanentWidget(new FindingsBadge(m_tabs, m_kernel));
    connect(m_kernel, &KernelPage::titleChanged, this,
            [this] { m_tabs->setTabText(0, m_kernel->title()); });
    if (startPolling)
        m_status->setFullText(tr("Kernel table: starting…"));
    resize(1280, 820);
    m_kernel->restoreSettings();
    QSettings s;
    if (s.contains(QStringLiteral("window/geometry")))
        restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
}

MainWindow::~MainWindow() = default;

SourcePage *MainWindow::currentPage() const
{
    return dynamic_cast<SourcePage *>(m_tabs->currentWidget());
}

bool MainWindow::showingSession() const { return m_kernel->showingSession(); }

void MainWindow::createFileMenu()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(QString(), this, &MainWindow::openCaptureDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recent = m_fileMenu->addMenu(QString());
    fillRecentMenu();
    m_liveAction = m_fileMenu->addAction(QString(), this, &MainWindow::openLiveCapture);
    m_liveAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_fleetAction = m_fileMenu->addAction(QString(), this, &MainWindow::askPrometheusServer);
    m_remoteAction = m_fileMenu->addAction(QString(), this, &MainWindow::connectToHost);
    m_fileMenu->addSeparator();
    m_export = new ExportActions(
        this, [this] { return exportTarget(); },
        [this](const QString &path, QString *error) { return saveSession(path, error); },
        [this](const QString &path, QString *error) { return savePackets(path, error); });
    m_export->addTo(m_fileMenu);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::quit);
    m_quitAction->setShortcut(QKeySequence::Quit);
}

void MainWindow::createViewMenu()
{
    m_viewMenu = menuBar()->addMenu(QString());
    m_languageMenu = m_viewMenu->addMenu(QString());
    auto *languages = new QActionGroup(this);
    for (const auto &[code, name] : {std::pair{"en", "English"}, std::pair{"zh", "简体中文"}}) {
        QAction *a = m_languageMenu->addAction(QString::fromUtf8(name));
        a->setCheckable(true);
        a->setData(QString::fromLatin1(code));
        a->setChecked(UiLanguage::instance().current() == QLatin1String(code));
        languages->addAction(a);
        connect(a, &QAction::triggered, this,
                [code] { UiLanguage::instance().set(QString::fromLatin1(code)); });
    }
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, [languages](const QString &l) {
        for (QAction *a : languages->actions())
            a->setChecked(a->data().toString() == l);
    });
    m_themeMenu = m_viewMenu->addMenu(QString());
    auto *themes = new QActionGroup(this);
    for (const char *theme : {"system", "light", "dark"}) {
        QAction *a = m_themeMenu->addAction(QString());
        a->setCheckable(true);
        a->setData(QString::fromLatin1(theme));
        a->setChecked(currentTheme() == QLatin1String(theme));
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [theme] { applyTheme(QString::fromLatin1(theme)); });
    }
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("tcpscope — TCP connections through the state diagram"));
    m_tabs->setTabText(0, m_kernel->title());
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open capture…"));
    m_recent->setTitle(tr("Open &recent"));
    m_liveAction->setText(tr("&Live capture…"));
    m_fleetAction->setText(tr("&Fleet (Prometheus)…"));
    retranslateFleet();
    m_remoteAction->setText(tr("Connect to &host…"));
    m_quitAction->setText(tr("&Quit"));
    m_export->retranslate();
    m_viewMenu->setTitle(tr("&View"));
    m_languageMenu->setTitle(tr("&Language"));
    m_themeMenu->setTitle(tr("&Theme"));
    const QStringList themeNames{tr("System"), tr("Light"), tr("Dark")};
    for (int i = 0; i < m_themeMenu->actions().size() && i < themeNames.size(); ++i)
        m_themeMenu->actions()[i]->setText(themeNames[i]);
    m_labMenu->setTitle(tr("La&b"));
    m_labDock->setWindowTitle(tr("Lab"));
    m_labDock->toggleViewAction()->setText(tr("Show the &Lab panel"));
    m_helpMenu->setTitle(tr("&Help"));
    m_gettingStartedAction->setText(tr("&Getting started"));
    m_aboutAction->setText(tr("&About tcpscope"));
    m_aboutQtAction->setText(tr("About &Qt"));
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && m_fileMenu)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::createLab()
{
    m_lab = new LabPanel;
    m_labDock = new QDockWidget(this);
    m_labDock->setObjectName(QStringLiteral("labDock"));
    m_labDock->setWidget(m_lab);
    m_labDock->setMinimumWidth(320);
    addDockWidget(Qt::RightDockWidgetArea, m_labDock);
    m_labDock->hide();
    m_labMenu = menuBar()->addMenu(QString());
    // With the panel open the diagram keeps most of what is left: it is what the class watches.
    connect(m_labDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) // once the dock has taken its width
            QTimer::singleShot(0, this, [this] { m_kernel->sourceViews()->favourDiagram(); });
    });
    QAction *toggle = m_labDock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_labMenu->addAction(toggle);
    m_labMenu->addSeparator();
    m_labMenu->addActions(m_lab->menuActions()); // start, next step, run all, stop
    // Each step: the kernel tab in front, the explanation on the state the step is about.
    m_labTabs = new LabTabs(m_tabs, m_kernel, m_lab, statusBar());
}

void MainWindow::createHelpMenu()
{
    m_helpMenu = menuBar()->addMenu(QString());
    m_gettingStartedAction =
        m_helpMenu->addAction(QString(), this, &MainWindow::showGettingStarted);
    m_gettingStartedAction->setShortcut(QKeySequence::HelpContents);
    m_helpMenu->addSeparator();
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::showAbout);
    m_aboutQtAction = m_helpMenu->addAction(QString(), qApp, &QApplication::aboutQt);
}

void MainWindow::showGettingStarted()
{
    if (!m_gettingStarted) {
        m_gettingStarted = new GettingStarted(this);
        m_gettingStarted->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_gettingStarted, &GettingStarted::showLabRequested, this, [this] {
            m_labDock->show();
            m_labDock->raise();
        });
        connect(m_gettingStarted, &GettingStarted::openCaptureRequested, this,
                &MainWindow::openCaptureDialog);
        connect(m_gettingStarted, &GettingStarted::liveCaptureRequested, this,
                &MainWindow::openLiveCapture);
    }
    m_gettingStarted->show(); // not modal: the window works behind it
    m_gettingStarted->raise();
    m_gettingStarted->activateWindow();
}

GettingStarted *MainWindow::gettingStarted() const { return m_gettingStarted.data(); }

void MainWindow::showGettingStartedAtStart()
{
    if (GettingStarted::showAtStart())
        showGettingStarted();
}

ExportTarget MainWindow::exportTarget() const
{
    const SourcePage *page = currentPage();
    ExportTarget t = page ? page->exportTarget() : m_kernel->exportTarget();
    t.window = const_cast<MainWindow *>(this);
    return t;
}

QString MainWindow::packetsOfCurrentTab(bool orFirstLive) const
{
    if (const SourcePage *page = currentPage(); page && !page->packetsFile().isEmpty())
        return page->packetsFile();
    if (orFirstLive) {
        for (int i = 1; i < m_tabs->count(); ++i) {
            if (auto *live = qobject_cast<LiveCapturePage *>(m_tabs->widget(i)))
                return live->packetsFile();
        }
    }
    return QString();
}

bool MainWindow::savePackets(const QString &path, QString *error) const
{
    const QString packets = packetsOfCurrentTab(false);
    if (packets.isEmpty() || !QFileInfo::exists(packets)) {
        *error = tr("This tab has no packets: open a capture or start a live capture first.");
        return false;
    }
    if (!writeSessionFile(path, packets, nullptr, error))
        return false;
    // A live capture whose kept file stopped (a full disk): saved, but not all of it.
    const auto *live = qobject_cast<const LiveCapturePage *>(m_tabs->currentWidget());
    if (live && live->packetsKept() < live->packetsRead()) {
        *error = tr("Only %1 of the %2 packets captured were saved to %3: the last %4 could "
                    "not be kept (%5). The live view still shows their connections.")
                     .arg(live->packetsKept())
                     .arg(live->packetsRead())
                     .arg(path)
                     .arg(live->packetsRead() - live->packetsKept())
                     .arg(live->keepError());
        return false;
    }
    return true;
}

bool MainWindow::saveSession(const QString &path, QString *error) const
{
    const KernelTimeline timeline = m_kernel->timeline();
    const QString packets = packetsOfCurrentTab(true);
    return writeSessionFile(path, QFileInfo::exists(packets) ? packets : QString(), &timeline,
                            error);
}

void MainWindow::loadSession(const KernelTimeline &timeline, const QString &path)
{
    m_kernel->showSession(timeline, path);
    m_tabs->setCurrentIndex(0);
}

QString MainWindow::aboutText()
{
    return tr("<h3>tcpscope %1</h3>"
              "<p>Every TCP connection on this machine, moving through the RFC 9293 state "
              "diagram.</p>"
              "<p>Qt %2 (built with %3)<br>libpcap %4<br>QCustomPlot %5</p>")
        .arg(tcpscopeVersion(), qtVersion(), QStringLiteral(QT_VERSION_STR), libpcapVersion(),
             QStringLiteral(QCUSTOMPLOT_VERSION_STR));
}

void MainWindow::showAbout() { QMessageBox::about(this, tr("About tcpscope"), aboutText()); }

void MainWindow::openCaptureDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a capture"), QString(),
                                     tr("Captures (*.pcap *.pcapng *.cap *.dmp);;All files (*)"));
    if (!path.isEmpty())
        openCapture(path);
}

CapturePage *MainWindow::addCapturePage(CaptureResult result)
{
    const QString path = result.path;
    auto *page = new CapturePage(std::move(result));
    const int i = m_tabs->addTab(page, QFileInfo(path).fileName());
    m_tabs->setTabToolTip(i, path);
    m_tabs->setCurrentIndex(i);
    return page;
}

void MainWindow::rememberRecent(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("files/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    s.setValue(QStringLiteral("files/recent"), recent.mid(0, 8));
    fillRecentMenu();
}

void MainWindow::fillRecentMenu()
{
    m_recent->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const QString &p : recent)
        m_recent->addAction(p, this, [this, p] { openCapture(p); });
    m_recent->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            openCapture(url.toLocalFile());
    }
}

void MainWindow::openCapture(const QString &path, bool allowSpecialFiles)
{
    // Read off the GUI thread: a million packets take a fraction of a second, but a slow disk
    // must not freeze the window.
    statusBar()->showMessage(tr("Reading %1…").arg(path));
    m_opener->open(path, allowSpecialFiles);
}

void MainWindow::showOpened(const OpenedCapture &opened)
{
    statusBar()->clearMessage();
    CaptureResult result = opened.packets;
    const QString path = result.path;
    if (opened.session)
        loadSession(*opened.session, path);
    if (opened.session && (!result.tracker || result.packets == 0)) {
        rememberRecent(path);
        Q_EMIT captureOpened(path); // a session without packets: the table is all
        return;
    }
    if (!opened.sessionError.isEmpty()) // the packets are kept; the timeline could not be
        result.error = result.error.isEmpty()
                           ? opened.sessionError
                           : result.error + QStringLiteral("; ") + opened.sessionError;
    if (!result.tracker) {
        // Window-modal, not blocking: polling and the views go on behind it.
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the capture"),
                                    result.error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    addCapturePage(std::move(result));
    rememberRecent(path);
    Q_EMIT captureOpened(path);
}

CapturePage *MainWindow::openCaptureNow(const QString &path, QString *error, bool allowSpecialFiles)
{
    OpenedCapture o = openCaptureFile(path, allowSpecialFiles);
    if (o.session)
        loadSession(*o.session, path);
    if (!o.packets.tracker || (o.session && o.packets.packets == 0)) {
        *error = o.session ? o.sessionError // empty, or what of the timeline was left out
                 : o.sessionError.isEmpty() ? o.packets.error
                                            : o.sessionError;
        return nullptr;
    }
    // Read in part (cut off, or a damaged timeline): shown, and the reason said.
    QStringList damage;
    for (const QString &e : {o.packets.error, o.sessionError}) {
        if (!e.isEmpty())
            damage << e;
    }
    *error = damage.join(QStringLiteral("; "));
    return addCapturePage(std::move(o.packets));
}

LiveCapturePage *MainWindow::openLiveCapture()
{
    auto *page = new LiveCapturePage;
    m_kernel->mergePacketsOf(page); // one row for a connection both see
    const int i = m_tabs->addTab(page, tr("Live capture"));
    m_tabs->setCurrentIndex(i);
    return page;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_kernel->saveSettings();
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace tcpscope
