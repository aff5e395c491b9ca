#include "mainwindow.h"

#include "export/exportpicturedialog.h"
#include "labpanel.h"
#include "packets/interfaces.h"

#include "diagram/statediagramview.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/capturepage.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "statepalette.h"
#include "theme.h"
#include "uilanguage.h"
#include "versions.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QSysInfo>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace tcpscope {

MainWindow::MainWindow(bool startPolling, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/tcpscope.svg")));

    m_model = new KernelSocketModel(this);
    m_proxy = new SocketFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KernelSocketModel::State, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setWordWrap(false);
    const int charW = fontMetrics().averageCharWidth();
    const int widths[] = {6, 22, 22, 17, 22, 9, 9, 7, 7, 15, 7};
    for (int c = 0; c < KernelSocketModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * charW + 12);
    connect(m_table, &QWidget::customContextMenuRequested, this, &MainWindow::showContextMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::showHistoryOfSelection);

    m_chart = new StateCountChart;
    m_chart->setMinimumHeight(180);

    m_history = new QTreeWidget;
    m_history->setRootIsDecorated(false);
    m_history->setColumnWidth(0, 15 * charW);
    m_history->setColumnWidth(1, 16 * charW);
    m_history->setColumnWidth(2, 18 * charW);

    auto *tablePane = new QWidget;
    auto *tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(4);
    tableLayout->addWidget(createFilterBar());
    tableLayout->addWidget(m_table);

    m_views = SourceViews::build(tablePane, m_chart, m_history);
    connect(m_views.diagram, &StateDiagramView::stateClicked, this, &MainWindow::showState);
    connect(m_views.diagram, &StateDiagramView::statePointed, m_views.teaching,
            &TeachingPanel::showState);
    connect(m_views.diagram, &StateDiagramView::transitionPointed, m_views.teaching,
            &TeachingPanel::showTransition);
    connect(m_views.diagram, &StateDiagramView::transitionClicked, this, [this](const QString &id) {
        m_views.teaching->showTransition(id);
        m_views.showExplanation();
    });
    connect(m_views.follow, &QCheckBox::toggled, this, &MainWindow::showHistoryOfSelection);

    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(m_views.root, QString());
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr); // the live table stays
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        if (i > 0)
            delete m_tabs->widget(i);
    });
    setCentralWidget(m_tabs);
    setAcceptDrops(true);

    createMenus();
    retranslate();
    m_status = new QLabel;
    statusBar()->addWidget(m_status, 1);
    resize(1280, 820);
    restoreSettings();

    if (startPolling) {
        m_poller = new KernelPoller({}, this);
        connect(m_poller, &KernelPoller::polled, this, &MainWindow::applyBatch);
        m_poller->start(m_interval->value());
        m_status->setText(tr("Kernel table: starting…"));
    }
}

MainWindow::~MainWindow()
{
    if (m_poller)
        m_poller->stop();
}

QWidget *MainWindow::createFilterBar()
{
    auto *bar = new QWidget;
    auto *h = new QHBoxLayout(bar);
    h->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit;
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SocketFilterProxy::setText);
    m_stateFilter = new QComboBox;
    m_stateFilter->addItem(QString(), -1);
    for (int i = 0; i < kTcpStateCount; ++i) {
        QPixmap swatch(12, 12);
        swatch.fill(stateColor(stateAt(i)));
        m_stateFilter->addItem(QIcon(swatch), rfcName(stateAt(i)), i);
    }
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int s = m_stateFilter->currentData().toInt();
        m_proxy->setStates(s < 0 ? QList<TcpState>{} : QList<TcpState>{stateAt(s)});
    });
    m_showLabel = new QLabel;
    h->addWidget(m_showLabel);
    h->addWidget(m_stateFilter);
    h->addWidget(m_filter, 1);
    return bar;
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(QString(), this, &MainWindow::openCaptureDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recent = m_fileMenu->addMenu(QString());
    fillRecentMenu();
    m_liveAction = m_fileMenu->addAction(QString(), this, &MainWindow::openLiveCapture);
    m_liveAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_fileMenu->addSeparator();
    createExportMenu();
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), qApp, &QApplication::quit);
    m_quitAction->setShortcut(QKeySequence::Quit);

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

    m_toolbar = addToolBar(QString());
    m_toolbar->setObjectName(QStringLiteral("kernelToolbar"));
    m_toolbar->setMovable(false);
    m_pauseAction = m_toolbar->addAction(QString());
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(Qt::Key_Space);
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    m_clearAction = m_toolbar->addAction(QString());
    connect(m_clearAction, &QAction::triggered, this, [this] {
        m_chart->clear();
        m_model->clearHistory();
        m_views.diagram->animator().clear();
        showHistoryOfSelection();
    });
    m_toolbar->addSeparator();
    m_pollLabel = new QLabel;
    m_toolbar->addWidget(m_pollLabel);
    m_interval = new QSpinBox;
    m_interval->setRange(KernelPoller::kMinIntervalMs, KernelPoller::kMaxIntervalMs);
    m_interval->setSingleStep(100);
    m_interval->setValue(1000);
    connect(m_interval, &QSpinBox::valueChanged, this, [this](int ms) {
        if (m_poller)
            m_poller->setInterval(ms);
    });
    m_toolbar->addWidget(m_interval);
    m_toolbar->addSeparator();
    m_windowLabel = new QLabel;
    m_toolbar->addWidget(m_windowLabel);
    m_window = new QComboBox;
    for (int seconds : {60, 300, 900, 0})
        m_window->addItem(QString(), seconds);
    m_window->setCurrentIndex(1);
    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this] { m_chart->setWindow(m_window->currentData().toDouble()); });
    m_toolbar->addWidget(m_window);
    m_stackedAction = m_toolbar->addAction(QString());
    m_stackedAction->setCheckable(true);
    connect(m_stackedAction, &QAction::toggled, m_chart, &StateCountChart::setStacked);

    createLab();
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::showAbout);
    m_aboutQtAction = m_helpMenu->addAction(QString(), qApp, &QApplication::aboutQt);
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("tcpscope — TCP connections through the state diagram"));
    m_history->setHeaderLabels({tr("Time"), tr("From"), tr("To"), tr("Observed")});
    m_tabs->setTabText(0, tr("Kernel table (live)"));
    m_views.retranslate();
    m_filter->setPlaceholderText(
        tr("Filter: address, port, process, state (words must all match)"));
    m_stateFilter->setItemText(0, tr("All states"));
    m_showLabel->setText(tr("Show"));

    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open capture…"));
    m_recent->setTitle(tr("Open &recent"));
    m_liveAction->setText(tr("&Live capture…"));
    m_quitAction->setText(tr("&Quit"));
    m_savePacketsAction->setText(tr("Save &packets as pcapng…"));
    m_saveSessionAction->setText(tr("&Save session…"));
    m_saveSessionAction->setToolTip(tr("The kernel table's timeline and the capture's packets, "
                                       "in one pcapng file that tcpscope reopens as it was"));
    m_exportPictureAction->setText(tr("Export &picture…"));
    m_copyPictureAction->setText(tr("&Copy picture of the diagram"));
    m_exportMenu->setTitle(tr("Export &data"));
    const QStringList dataNames{tr("Connections, as filtered…"), tr("All transitions…"),
                                tr("Transitions of the selected connection…"),
                                tr("Counts per state over time…")};
    for (qsizetype i = 0; i < m_exportDataActions.size(); ++i)
        m_exportDataActions[i]->setText(dataNames.value(i));
    m_viewMenu->setTitle(tr("&View"));
    m_languageMenu->setTitle(tr("&Language"));
    m_themeMenu->setTitle(tr("&Theme"));
    const QStringList themeNames{tr("System"), tr("Light"), tr("Dark")};
    for (int i = 0; i < m_themeMenu->actions().size() && i < themeNames.size(); ++i)
        m_themeMenu->actions()[i]->setText(themeNames[i]);

    m_toolbar->setWindowTitle(tr("Kernel table"));
    m_pauseAction->setText(tr("Pause"));
    m_pauseAction->setToolTip(
        tr("Freeze the picture; polling goes on and the chart catches up on resume"));
    m_clearAction->setText(tr("Clear"));
    m_clearAction->setToolTip(tr("Start the chart and the histories afresh"));
    m_pollLabel->setText(tr(" Poll every "));
    m_interval->setSuffix(tr(" ms"));
    m_windowLabel->setText(tr(" Chart shows "));
    const QStringList windows{tr("last minute"), tr("last 5 minutes"), tr("last 15 minutes"),
                              tr("whole session")};
    for (int i = 0; i < windows.size(); ++i)
        m_window->setItemText(i, windows[i]);
    m_stackedAction->setText(tr("Stacked"));
    m_stackedAction->setToolTip(tr("Stack the states' areas instead of drawing lines"));
    m_labMenu->setTitle(tr("La&b"));
    m_labDock->setWindowTitle(tr("Lab"));
    m_labDock->toggleViewAction()->setText(tr("Show the &Lab panel"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About tcpscope"));
    m_aboutQtAction->setText(tr("About &Qt"));
    showHistoryOfSelection();
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
        if (!visible)
            return;
        QTimer::singleShot(0, this, [this] { // once the dock has taken its width
            const int width = m_views.top->width();
            m_views.top->setSizes({width * 62 / 100, width * 38 / 100});
        });
    });
    QAction *toggle = m_labDock->toggleViewAction();
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_labMenu->addAction(toggle);
    m_labMenu->addSeparator();
    m_labMenu->addActions(m_lab->menuActions()); // start, next step, run all, stop
    // Each step: the kernel tab in front, the explanation on the state the step is about.
    connect(m_lab, &LabPanel::stepStarted, this, [this](TcpState about) {
        m_tabs->setCurrentIndex(0);
        m_views.teaching->showState(about);
        m_views.showExplanation();
    });
    // The table follows the scenario's sockets: they all share the first (listening) port.
    connect(m_lab, &LabPanel::scenarioPorts, this, [this](const QList<quint16> &ports) {
        if (ports.isEmpty())
            return;
        m_filter->setText(QStringLiteral(":%1").arg(ports.first()));
        // When capturing is permitted, the packets on lo too: a live tab on the scenario's
        // port, started once per run (the kernel tab stays in front).
        if (!m_labCapture && captureLikelyPermitted()) {
            m_labCapture = openLiveCapture();
            m_labCapture->start(QStringLiteral("lo"),
                                QStringLiteral("tcp port %1").arg(ports.first()));
            m_tabs->setTabText(m_tabs->indexOf(m_labCapture), tr("Lab packets on lo"));
            m_tabs->setCurrentIndex(0);
        }
    });
    // Poll fast while a scenario runs, so that short states are seen; back afterwards.
    connect(m_lab, &LabPanel::runningChanged, this, [this](bool running) {
        if (running) {
            const int width = m_views.top->width();
            m_views.top->setSizes({width * 62 / 100, width * 38 / 100});
            m_intervalBeforeLab = m_interval->value();
            m_stateFilter->setCurrentIndex(0);
            m_interval->setValue(KernelPoller::kMinIntervalMs);
        } else if (m_labCapture) {
            QTimer::singleShot(500, m_labCapture, &LiveCapturePage::stop); // the last packets
            m_labCapture = nullptr;
        }
        if (!running && m_intervalBeforeLab > 0) {
            m_interval->setValue(m_intervalBeforeLab);
            m_intervalBeforeLab = 0;
        }
    });
}

void MainWindow::createExportMenu()
{
    m_savePacketsAction = m_fileMenu->addAction(QString(), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the packets"), QDir::home().filePath(QStringLiteral("capture.pcapng")),
            tr("pcapng capture (*.pcapng)"));
        QString error;
        if (!path.isEmpty() && !savePackets(path, &error))
            QMessageBox::warning(this, tr("Cannot save the packets"), error);
    });
    m_saveSessionAction = m_fileMenu->addAction(QString(), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the session"),
            QDir::home().filePath(QStringLiteral("tcpscope-session.pcapng")),
            tr("tcpscope session (*.pcapng)"));
        QString error;
        if (path.isEmpty())
            return;
        if (saveSession(path, &error))
            statusBar()->showMessage(tr("Saved the session to %1").arg(path), 5000);
        else
            QMessageBox::warning(this, tr("Cannot save the session"), error);
    });
    m_saveSessionAction->setShortcut(QKeySequence::Save);
    m_fileMenu->addSeparator();
    m_exportPictureAction =
        m_fileMenu->addAction(QString(), this, &MainWindow::exportPictureDialog);
    m_exportPictureAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_copyPictureAction = m_fileMenu->addAction(QString(), this, &MainWindow::copyDiagramPicture);
    m_copyPictureAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_exportMenu = m_fileMenu->addMenu(QString());
    for (const QString &kind : dataKinds())
        m_exportDataActions << m_exportMenu->addAction(QString(), this,
                                                       [this, kind] { exportDataDialog(kind); });
}

ExportTarget MainWindow::exportTarget() const
{
    ExportTarget t;
    if (auto *page = qobject_cast<CapturePage *>(m_tabs->currentWidget())) {
        t = page->exportTarget();
    } else if (auto *live = qobject_cast<LiveCapturePage *>(m_tabs->currentWidget())) {
        t = live->page()->exportTarget();
        t.source = live->sourceText();
    } else {
        t.diagram = m_views.diagram;
        t.chart = m_chart;
        t.table = m_table;
        t.history = m_history;
        t.source = tr("kernel table of %1").arg(QSysInfo::machineHostName());
        if (m_latest.stats.time > 0)
            t.moment =
                tr("at %1").arg(QDateTime::fromMSecsSinceEpoch(qint64(m_latest.stats.time * 1000))
                                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        const KernelSocketModel *model = m_model;
        t.transitions = [model] {
            return kernelTransitionsTable(model->allHistory());
        };
        const std::optional<quint64> key = m_followedKey;
        t.selectedTransitions = [model, key] {
            return key ? kernelTransitionsTable(model->history(*key)) : DataTable{};
        };
    }
    t.window = const_cast<MainWindow *>(this);
    return t;
}

QString MainWindow::packetsOfCurrentTab(bool orFirstLive) const
{
    QWidget *current = m_tabs->currentWidget();
    if (auto *live = qobject_cast<LiveCapturePage *>(current))
        return live->packetsFile();
    if (auto *page = qobject_cast<CapturePage *>(current))
        return page->model()->result().path;
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
    return writeSessionFile(path, packets, nullptr, error);
}

bool MainWindow::saveSession(const QString &path, QString *error) const
{
    KernelTimeline timeline;
    timeline.host = QSysInfo::machineHostName();
    timeline.samples = m_chart->samples();
    timeline.transitions = m_model->allHistory();
    timeline.latest = m_latest;
    const QString packets = packetsOfCurrentTab(true);
    return writeSessionFile(path, QFileInfo::exists(packets) ? packets : QString(), &timeline,
                            error);
}

void MainWindow::loadSession(const KernelTimeline &timeline, const QString &path)
{
    if (m_poller)
        m_poller->stop();
    m_sessionShown = true;
    m_pauseAction->blockSignals(true);
    m_pauseAction->setChecked(true);
    m_pauseAction->blockSignals(false);
    m_paused = true;
    m_chart->clear();
    for (const auto &[time, counts] : timeline.samples)
        m_chart->addSample(time, counts);
    m_model->clearHistory();
    m_model->recordTransitions(timeline.transitions);
    m_latest = timeline.latest;
    m_model->apply(m_latest);
    showKernelCounts(m_latest.counts);
    m_views.diagram->animator().clear();
    m_tabs->setCurrentIndex(0);
    m_status->setText(
        tr("Session of %1 from %2, as it was at %3 · polling stopped: Pause off goes live again")
            .arg(timeline.host, path,
                 QDateTime::fromMSecsSinceEpoch(qint64(m_latest.stats.time * 1000))
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    showHistoryOfSelection();
}

void MainWindow::exportPictureDialog()
{
    const ExportTarget target = exportTarget();
    ExportPictureDialog dialog(pictureKinds(),
                               {tr("State diagram"), tr("Chart"), tr("Table"),
                                tr("History of the selected connection"), tr("Whole window")},
                               this);
    dialog.setCaptionProvider([target](const QString &kind) { return captionFor(target, kind); });
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.copyRequested()) {
        QGuiApplication::clipboard()->setImage(
            pictureImage(target, dialog.kind(), dialog.options()));
        statusBar()->showMessage(tr("The picture is on the clipboard"), 3000);
        return;
    }
    QString error;
    if (exportPicture(target, dialog.kind(), dialog.path(), dialog.options(), &error))
        statusBar()->showMessage(tr("Saved %1").arg(dialog.path()), 5000);
    else
        QMessageBox::warning(this, tr("Cannot export the picture"), error);
}

void MainWindow::copyDiagramPicture()
{
    PictureOptions o;
    o.scale = 2;
    QGuiApplication::clipboard()->setImage(pictureImage(exportTarget(), u"diagram"_qs, o));
    statusBar()->showMessage(tr("The diagram is on the clipboard"), 3000);
}

void MainWindow::exportDataDialog(const QString &kind)
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export data"), QDir::home().filePath(QStringLiteral("tcpscope-%1.csv").arg(kind)),
        tr("CSV for spreadsheets (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportData(exportTarget(), kind, path, &error))
        statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    else
        QMessageBox::warning(this, tr("Cannot export the data"), error);
}

void MainWindow::showState(TcpState state)
{
    m_stateFilter->setCurrentIndex(index(state) + 1);
    m_views.teaching->showState(state);
    m_views.showExplanation();
}

void MainWindow::applyBatch(const KernelPollBatch &batch)
{
    if (m_sessionShown)
        return; // a saved session is on show; a poll still in flight must not change it
    m_latest = batch;
    m_model->recordTransitions(batch.transitions); // the record goes on, paused or not
    if (m_paused) {
        m_pendingBatch = true;
        m_chart->addSample(batch.stats.time, batch.counts);
        return;
    }
    m_model->apply(batch);
    m_chart->addSample(batch.stats.time, batch.counts);
    showKernelCounts(batch.counts);
    for (const Transition &t : batch.transitions)
        m_views.diagram->addTransition(t.from, t.to, false, t.firstSeen, t.connection);
    showHistoryOfSelection();
    QString text =
        tr("Kernel table via %1 · %2 sockets · poll %3 ms (read %4, processes %5, diff %6)")
            .arg(QLatin1String(tableSourceName(batch.source)))
            .arg(batch.stats.sockets)
            .arg(batch.stats.readMs + batch.stats.processMs + batch.stats.diffMs, 0, 'f', 1)
            .arg(batch.stats.readMs, 0, 'f', 1)
            .arg(batch.stats.processMs, 0, 'f', 1)
            .arg(batch.stats.diffMs, 0, 'f', 1);
    if (!batch.notice.isEmpty())
        text += QStringLiteral(" · ") + batch.notice;
    m_status->setText(text);
}

void MainWindow::showKernelCounts(StateCounts counts)
{
    counts[std::size_t(index(TcpState::Closed))] = -1; // the kernel keeps no CLOSED sockets
    m_views.diagram->setCounts(counts);
}

void MainWindow::setPaused(bool paused)
{
    m_paused = paused;
    if (!paused && m_sessionShown) { // back to the live table, from now on
        m_sessionShown = false;
        m_pendingBatch = false;
        if (m_poller)
            m_poller->start(m_interval->value());
        return;
    }
    if (!paused && m_pendingBatch) {
        m_pendingBatch = false;
        m_model->apply(m_latest);
    }
    if (paused)
        m_status->setText(m_status->text() + tr(" · paused"));
}

void MainWindow::showHistoryOfSelection()
{
    m_history->clear();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        if (m_followedKey) {
            m_followedKey.reset();
            m_views.diagram->setFollowed(std::nullopt);
        }
        return;
    }
    const quint64 key = rows.first().data(KernelSocketModel::KeyRole).toULongLong();
    const std::vector<Transition> history = m_model->history(key);
    const std::optional<SocketSituation> situation = m_model->situation(key);
    if (situation && (m_followedKey != key || m_views.teaching->topic().startsWith(u"socket:")))
        m_views.teaching->showSocket(*situation); // a new selection, or the same one updated
    if (m_views.follow->isChecked()) {
        std::vector<int> path;
        for (const Transition &t : history) {
            for (int e : diagramPath(t.from, t.to, false, t.firstSeen))
                path.push_back(e);
        }
        m_views.diagram->setFollowed(key, std::move(path),
                                     situation ? QList<TcpState>{situation->state}
                                               : QList<TcpState>{});
    } else {
        m_views.diagram->setFollowed(std::nullopt);
    }
    m_followedKey = key;
    for (const Transition &t : history) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, QDateTime::fromMSecsSinceEpoch(qint64(t.time * 1000))
                             .toString(QStringLiteral("HH:mm:ss.zzz")));
        item->setText(1, t.firstSeen ? tr("(appeared)") : rfcName(t.from));
        item->setText(2, rfcName(t.to));
        item->setText(3, tr("poll, ≤ %1 s").arg(t.time - t.earliest, 0, 'f', 2));
        item->setToolTip(3, tr("Seen by polling the kernel's table: the change happened within the "
                               "%1 s before this poll")
                                .arg(t.time - t.earliest, 0, 'f', 2));
        item->setIcon(2, [&] {
            QPixmap p(10, 10);
            p.fill(stateColor(t.to));
            return QIcon(p);
        }());
    }
    if (m_history->topLevelItemCount() == 0) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, tr("no change seen yet"));
        item->setDisabled(true);
    }
}

void MainWindow::copySelectedRows()
{
    QStringList lines;
    for (const QModelIndex &r : m_table->selectionModel()->selectedRows()) {
        QStringList cells;
        for (int c = 0; c < KernelSocketModel::ColumnCount; ++c)
            cells << m_proxy->index(r.row(), c).data().toString();
        lines << cells.join(u'\t');
    }
    QGuiApplication::clipboard()->setText(lines.join(u'\n'));
}

void MainWindow::showContextMenu(const QPoint &pos)
{
    const QModelIndex at = m_table->indexAt(pos);
    QMenu menu(this);
    menu.addAction(tr("Copy row(s)"), this, &MainWindow::copySelectedRows);
    if (at.isValid()) {
        const QString process =
            m_proxy->index(at.row(), KernelSocketModel::Process).data().toString();
        const QString remote =
            m_proxy->index(at.row(), KernelSocketModel::Remote).data().toString();
        const int state = at.data(KernelSocketModel::StateRole).toInt();
        const QString host = remote.left(remote.lastIndexOf(u':'));
        if (!process.isEmpty() && !process.startsWith(u"—"))
            menu.addAction(tr("Filter to this process"), this,
                           [this, process] { m_filter->setText(process.section(u' ', 0, 0)); });
        menu.addAction(tr("Filter to this remote host"), this,
                       [this, host] { m_filter->setText(host); });
        menu.addAction(tr("Filter to %1").arg(rfcName(stateAt(state))), this,
                       [this, state] { m_stateFilter->setCurrentIndex(state + 1); });
    }
    menu.exec(m_table->viewport()->mapToGlobal(pos));
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

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("table/header"), m_table->horizontalHeader()->saveState());
    s.setValue(QStringLiteral("filter/text"), m_filter->text());
    s.setValue(QStringLiteral("filter/state"), m_stateFilter->currentIndex());
    s.setValue(QStringLiteral("poll/intervalMs"), m_interval->value());
    s.setValue(QStringLiteral("chart/window"), m_window->currentIndex());
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
}

void MainWindow::restoreSettings()
{
    QSettings s;
    if (s.contains(QStringLiteral("table/header")))
        m_table->horizontalHeader()->restoreState(
            s.value(QStringLiteral("table/header")).toByteArray());
    m_filter->setText(s.value(QStringLiteral("filter/text")).toString());
    m_stateFilter->setCurrentIndex(s.value(QStringLiteral("filter/state"), 0).toInt());
    m_interval->setValue(s.value(QStringLiteral("poll/intervalMs"), 1000).toInt());
    m_window->setCurrentIndex(s.value(QStringLiteral("chart/window"), 1).toInt());
    if (s.contains(QStringLiteral("window/geometry")))
        restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
}

void MainWindow::openCaptureDialog()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a capture"), QString(),
                                     tr("Captures (*.pcap *.pcapng *.cap *.dmp);;All files (*)"));
    if (!path.isEmpty())
        openCapture(path);
}

void MainWindow::openCapture(const QString &path)
{
    statusBar()->showMessage(tr("Reading %1…").arg(path));
    // Read off the GUI thread: a million packets take a fraction of a second, but a slow disk
    // must not freeze the window.
    auto *worker = QThread::create([this, path] {
        QString sessionError;
        std::optional<KernelTimeline> session = readSessionTimeline(path, &sessionError);
        CaptureResult result = readCapture(path);
        QMetaObject::invokeMethod(this, [this, path, result = std::move(result),
                                         session = std::move(session), sessionError]() mutable {
            statusBar()->clearMessage();
            if (session)
                loadSession(*session, path);
            if (session && (!result.tracker || result.packets == 0)) {
                rememberRecent(path);
                Q_EMIT captureOpened(path); // a session without packets: the table is all
                return;
            }
            if (!sessionError.isEmpty()) // the packets are kept; the timeline could not be
                result.error = result.error.isEmpty()
                                   ? sessionError
                                   : result.error + QStringLiteral("; ") + sessionError;
            if (!result.tracker) {
                // Window-modal, not blocking: polling and the views go on behind it.
                auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the capture"),
                                            result.error, QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return;
            }
            const QString opened = result.path;
            addCapturePage(std::move(result));
            rememberRecent(opened);
            Q_EMIT captureOpened(opened);
        });
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
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

CapturePage *MainWindow::openCaptureNow(const QString &path, QString *error)
{
    QString sessionError;
    const std::optional<KernelTimeline> session = readSessionTimeline(path, &sessionError);
    if (session)
        loadSession(*session, path);
    CaptureResult result = readCapture(path);
    if (!result.tracker || (session && result.packets == 0)) {
        *error = session ? QString() : sessionError.isEmpty() ? result.error : sessionError;
        return nullptr;
    }
    return addCapturePage(std::move(result));
}

LiveCapturePage *MainWindow::openLiveCapture()
{
    auto *page = new LiveCapturePage;
    // Where the capture and the kernel table see the same connection, the table's row shows
    // both views of it.
    // (The model is the context: these connections go with it when the window closes.)
    connect(page, &LiveCapturePage::snapshotShown, m_model,
            [this, page] { m_model->setPacketView(page->page()->model()->result().tracker); });
    connect(page, &QObject::destroyed, m_model, [this] { m_model->setPacketView(nullptr); });
    const int i = m_tabs->addTab(page, tr("Live capture"));
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace tcpscope
