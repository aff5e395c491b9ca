#include "mainwindow.h"

#include "capturepage.h"
#include "kernelsocketmodel.h"
#include "livecapture.h"
#include "socketfilterproxy.h"
#include "statecountchart.h"
#include "statepalette.h"
#include "versions.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
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
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace tcpscope {

MainWindow::MainWindow(bool startPolling, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("tcpscope — TCP connections through the state diagram"));
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
    m_history->setHeaderLabels({tr("Time"), tr("From"), tr("To"), tr("Observed")});
    m_history->setColumnWidth(0, 15 * charW);
    m_history->setColumnWidth(1, 16 * charW);
    m_history->setColumnWidth(2, 18 * charW);

    auto *tablePane = new QWidget;
    auto *tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(4);
    tableLayout->addWidget(createFilterBar());
    tableLayout->addWidget(m_table);

    auto *historyPane = new QWidget;
    auto *historyLayout = new QVBoxLayout(historyPane);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto *historyTitle = new QLabel(tr("History of the selected socket"));
    historyTitle->setStyleSheet(QStringLiteral("font-weight: bold"));
    historyLayout->addWidget(historyTitle);
    historyLayout->addWidget(m_history);

    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(tablePane);
    lower->addWidget(historyPane);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 1);
    lower->setSizes({860, 420});

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chart);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(split, tr("Kernel table (live)"));
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr); // the live table stays
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) {
        if (i > 0)
            delete m_tabs->widget(i);
    });
    setCentralWidget(m_tabs);
    setAcceptDrops(true);

    createMenus();
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
    m_filter->setPlaceholderText(
        tr("Filter: address, port, process, state (words must all match)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SocketFilterProxy::setText);
    m_stateFilter = new QComboBox;
    m_stateFilter->addItem(tr("All states"), -1);
    for (int i = 0; i < kTcpStateCount; ++i) {
        QPixmap swatch(12, 12);
        swatch.fill(stateColor(stateAt(i)));
        m_stateFilter->addItem(QIcon(swatch), rfcName(stateAt(i)), i);
    }
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int s = m_stateFilter->currentData().toInt();
        m_proxy->setStates(s < 0 ? QList<TcpState>{} : QList<TcpState>{stateAt(s)});
    });
    h->addWidget(new QLabel(tr("Show")));
    h->addWidget(m_stateFilter);
    h->addWidget(m_filter, 1);
    return bar;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open capture…"), this, &MainWindow::openCaptureDialog);
    open->setShortcut(QKeySequence::Open);
    m_recent = file->addMenu(tr("Open &recent"));
    fillRecentMenu();
    QAction *live = file->addAction(tr("&Live capture…"), this, &MainWindow::openLiveCapture);
    live->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QToolBar *tools = addToolBar(tr("Kernel table"));
    tools->setObjectName(QStringLiteral("kernelToolbar"));
    tools->setMovable(false);
    QAction *pause = tools->addAction(tr("Pause"));
    pause->setCheckable(true);
    pause->setShortcut(Qt::Key_Space);
    pause->setToolTip(tr("Freeze the picture; polling goes on and the chart catches up on resume"));
    connect(pause, &QAction::toggled, this, &MainWindow::setPaused);
    QAction *clear = tools->addAction(tr("Clear"));
    clear->setToolTip(tr("Start the chart and the histories afresh"));
    connect(clear, &QAction::triggered, this, [this] {
        m_chart->clear();
        m_model->clearHistory();
        showHistoryOfSelection();
    });
    tools->addSeparator();
    tools->addWidget(new QLabel(tr(" Poll every ")));
    m_interval = new QSpinBox;
    m_interval->setRange(KernelPoller::kMinIntervalMs, KernelPoller::kMaxIntervalMs);
    m_interval->setSingleStep(100);
    m_interval->setSuffix(tr(" ms"));
    m_interval->setValue(1000);
    connect(m_interval, &QSpinBox::valueChanged, this, [this](int ms) {
        if (m_poller)
            m_poller->setInterval(ms);
    });
    tools->addWidget(m_interval);
    tools->addSeparator();
    tools->addWidget(new QLabel(tr(" Chart shows ")));
    m_window = new QComboBox;
    m_window->addItem(tr("last minute"), 60);
    m_window->addItem(tr("last 5 minutes"), 300);
    m_window->addItem(tr("last 15 minutes"), 900);
    m_window->addItem(tr("whole session"), 0);
    m_window->setCurrentIndex(1);
    connect(m_window, &QComboBox::currentIndexChanged, this,
            [this] { m_chart->setWindow(m_window->currentData().toDouble()); });
    tools->addWidget(m_window);
    QAction *stacked = tools->addAction(tr("Stacked"));
    stacked->setCheckable(true);
    stacked->setToolTip(tr("Stack the states' areas instead of drawing lines"));
    connect(stacked, &QAction::toggled, m_chart, &StateCountChart::setStacked);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About tcpscope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::applyBatch(const KernelPollBatch &batch)
{
    m_latest = batch;
    m_model->recordTransitions(batch.transitions); // the record goes on, paused or not
    if (m_paused) {
        m_pendingBatch = true;
        m_chart->addSample(batch.stats.time, batch.counts);
        return;
    }
    m_model->apply(batch);
    m_chart->addSample(batch.stats.time, batch.counts);
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

void MainWindow::setPaused(bool paused)
{
    m_paused = paused;
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
    if (rows.isEmpty())
        return;
    const quint64 key = rows.first().data(KernelSocketModel::KeyRole).toULongLong();
    for (const Transition &t : m_model->history(key)) {
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
        CaptureResult result = readCapture(path);
        QMetaObject::invokeMethod(this, [this, result = std::move(result)]() mutable {
            statusBar()->clearMessage();
            if (!result.tracker) {
                // Window-modal, not blocking: polling and the views go on behind it.
                auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the capture"),
                                            result.error, QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return;
            }
            const QString opened = result.path;
            auto *page = new CapturePage(std::move(result));
            const int i = m_tabs->addTab(page, QFileInfo(opened).fileName());
            m_tabs->setTabToolTip(i, opened);
            m_tabs->setCurrentIndex(i);
            rememberRecent(opened);
            Q_EMIT captureOpened(opened);
        });
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
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
