#include "pages/kernelpage.h"

#include "diagnose/diagnosisengine.h"
#include "diagram/statediagramview.h"
#include "formats/dataexport.h"
#include "formats/findingdata.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "packets/refusedconnects.h"
#include "pages/kerneltrace.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "statepalette.h"
#include "widgets/findingspanel.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSpinBox>
#include <QSysInfo>
#include <QTableView>
#include <QThreadPool>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcpscope {

KernelPage::KernelPage(bool startPolling, QWidget *parent)
    : QWidget(parent)
{
    m_model = new KernelSocketModel(this);
    m_proxy = new SocketFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_chart = new StateCountChart;
    m_chart->setMinimumHeight(180);
    m_history = new QTreeWidget;
    m_history->setRootIsDecorated(false);
    // Sized to their text and their header's, in either language (a socket's history is short);
    // how it was observed takes the rest.
    m_history->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->header()->setStretchLastSection(true);

    m_views = new SourceViews(createTablePane(), m_chart, m_history);
    connect(m_views, &SourceViews::stateClicked, this, &KernelPage::showState);
    connect(m_views->follow, &QCheckBox::toggled, this, &KernelPage::showHistoryOfSelection);
    createLadder();
    m_findings = new FindingsPanel; // the Findings tab: diagnoses of each poll
    m_findings->attach(m_views, m_proxy, m_chart);
    connect(m_findings, &FindingsPanel::countsChanged, this, &KernelPage::findingsChanged);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_views);

    createToolBar();
    retranslate();
    // The record files what the polls and the trace recorded a slice per event-loop turn.
    m_filing = new QTimer(this);
    m_filing->setSingleShot(true);
    m_filing->setInterval(0);
    connect(m_filing, &QTimer::timeout, this, [this] {
        if (m_store.fileQueued(kFilePerTurn))
            m_filing->start();
    });

    if (startPolling) {
        m_poller = new KernelPoller({}, this);
        connect(m_poller, &KernelPoller::polled, this, &KernelPage::applyBatch);
        m_poller->start(m_interval->value());
        m_poller->setDiagnosisThresholds(thresholdsFromSettings());
        connect(m_findings, &FindingsPanel::thresholdsChanged, m_poller,
                &KernelPoller::setDiagnosisThresholds);
        m_status = tr("Kernel table: starting…");
        m_trace = new KernelTraceMode(
            m_store, m_views,
            [this] {
                m_filing->start();
                showHistoryOfSelection();
            },
            this);
        m_toolbar->addAction(m_trace->action());
        m_trace->setChartSink([this](double time, const StateCounts &counts) {
            if (!m_sessionShown)
                m_chart->addSample(time, counts);
        });
        m_trace->setExactSink([this](const std::vector<Transition> &ts) {
            m_poller->addExactTransitions(ts); // connects and refusals for the diagnosis
        });
        m_trace->startIfWanted();
    }
}

KernelPage::~KernelPage()
{
    if (m_poller)
        m_poller->stop();
}

void KernelPage::createToolBar()
{
    m_toolbar = new QToolBar;
    m_toolbar->setObjectName(QStringLiteral("kernelToolbar"));
    m_toolbar->setMovable(false);
    m_pauseAction = m_toolbar->addAction(QString());
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(Qt::Key_Space);
    connect(m_pauseAction, &QAction::toggled, this, &KernelPage::setPaused);
    m_clearAction = m_toolbar->addAction(QString(), this, &KernelPage::clearRecord);
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
        Q_EMIT intervalChanged(ms);
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
    m_toolbar->addSeparator();
    createNamespaceChooser();
}

void KernelPage::retranslate()
{
    m_history->setHeaderLabels({tr("Time"), tr("From"), tr("To"), tr("Observed")});
    m_filter->setPlaceholderText(
        tr("Filter: address, port, process, state, pid:N (words must all match)"));
    m_stateFilter->setItemText(0, tr("All states"));
    m_showLabel->setText(tr("Show"));
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
    retranslateNamespaces();
    fitColumns(true); // the headers' and states' texts in this language
    showHistoryOfSelection();
}

void KernelPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && m_toolbar)
        retranslate();
    QWidget::changeEvent(event);
}

void KernelPage::applyBatch(const KernelPollBatch &polled)
{
    std::optional<KernelPollBatch> filtered;
    if (m_trace)
        filtered = m_trace->filter(polled);
    const KernelPollBatch &batch = filtered ? *filtered : polled;
    if (m_sessionShown)
        return; // a saved session is on show; a poll still in flight must not change it
    if (batch.namespaces)
        listNamespaces(*batch.namespaces);
    std::shared_ptr<const std::vector<KernelPollBatch::Row>> previous = m_store.latest().rows;
    m_store.record(batch); // the record goes on, paused or not
    if (m_store.hasQueued())
        m_filing->start();
    // The previous table (100k rows, each with its owners) is freed on a pool thread, not here.
    if (previous && previous != batch.rows && previous.use_count() == 1)
        QThreadPool::globalInstance()->start(
            [rows = std::move(previous)]() mutable { rows.reset(); });
    m_chart->addSample(batch.stats.time, batch.counts);
    if (m_paused) {
        m_pendingBatch = true;
        return;
    }
    showPicture(batch);
    m_status = pollText(batch);
    Q_EMIT statusChanged(m_status + shownText());
}

void KernelPage::showPicture(const KernelPollBatch &batch)
{
    m_model->apply(batch);
    if (batch.findings)
        m_findings->setFindings(*batch.findings);
    showCounts(batch.counts);
    for (const Transition &t : batch.transitions)
        m_views->diagram->addTransition(t.from, t.to, false, t.firstSeen, t.connection);
    showHistoryOfSelection();
}

QString KernelPage::pollText(const KernelPollBatch &batch) const
{
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
    if (m_trace)
        text += m_trace->modeText(m_interval->value());
    return text;
}

void KernelPage::showCounts(StateCounts counts)
{
    counts[std::size_t(index(TcpState::Closed))] = -1; // the kernel keeps no CLOSED sockets
    m_views->diagram->setCounts(counts);
}

void KernelPage::setPaused(bool paused)
{
    m_paused = paused;
    if (m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    if (!paused && m_sessionShown) { // back to the live table, from now on
        m_sessionShown = false;
        m_pendingBatch = false;
        if (m_poller)
            m_poller->start(m_interval->value());
        Q_EMIT titleChanged();
        return;
    }
    if (!paused && m_pendingBatch) {
        m_pendingBatch = false;
        m_model->apply(m_store.latest());
        showCounts(m_store.latest().counts);
        showHistoryOfSelection();
    }
    if (paused)
        Q_EMIT statusChanged(m_status + tr(" · paused"));
}

void KernelPage::clearRecord()
{
    m_chart->clear();
    m_store.clear();
    m_views->diagram->animator().clear();
    showHistoryOfSelection();
}

void KernelPage::showState(TcpState state)
{
    m_stateFilter->setCurrentIndex(index(state) + 1);
    m_views->teaching->showState(state);
    m_views->showExplanation();
}

void KernelPage::showSession(const KernelTimeline &timeline, const QString &path)
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
    m_store.load(timeline);
    m_model->setWatchStart(timeline.samples.empty() ? timeline.latest.stats.time
                                                    : timeline.samples.front().first);
    m_model->apply(timeline.latest);
    m_findings->setFindings(timeline.latest.findings ? *timeline.latest.findings
                                                     : std::vector<Finding>{});
    showCounts(timeline.latest.counts);
    m_views->diagram->animator().clear();
    m_status =
        tr("Session of %1 from %2, as it was at %3 · polling stopped: Pause off goes live again")
            .arg(timeline.host, path,
                 QDateTime::fromMSecsSinceEpoch(qint64(timeline.latest.stats.time * 1000))
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    Q_EMIT statusChanged(m_status);
    Q_EMIT titleChanged();
    showHistoryOfSelection();
}

QString KernelPage::title() const
{
    return m_sessionShown ? tr("Kernel table (saved session)") : tr("Kernel table (live)");
}

KernelTimeline KernelPage::timeline() const
{
    return m_store.toTimeline(QSysInfo::machineHostName());
}

int KernelPage::interval() const { return m_interval->value(); }

void KernelPage::setInterval(int ms) { m_interval->setValue(ms); }

void KernelPage::mergePacketsOf(LiveCapturePage *capture)
{
    // (The model is the context: these connections go with it when the page closes.)
    connect(capture, &LiveCapturePage::deltaShown, m_model, &KernelSocketModel::applyPacketDelta);
    connect(capture, &QObject::destroyed, m_model, [m = m_model] { m->setPacketView(nullptr); });
    if (!m_poller)
        return;
    // The refused connects the packets show: a poll never sees them.
    auto refused = std::make_shared<RefusedConnects>();
    connect(capture, &LiveCapturePage::deltaShown, m_poller,
            [poller = m_poller, refused](const LiveDelta &d) {
                poller->addExactTransitions(refused->take(d));
            });
}

ExportTarget KernelPage::exportTarget() const
{
    ExportTarget t;
    t.diagram = m_views->diagram;
    t.chart = m_chart;
    t.table = m_table;
    t.history = m_history;
    t.source = tr("kernel table of %1").arg(QSysInfo::machineHostName());
    const double latest = m_store.latest().stats.time;
    if (latest > 0)
        t.moment = tr("at %1").arg(QDateTime::fromMSecsSinceEpoch(qint64(latest * 1000))
                                       .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    const KernelTimelineStore *store = &m_store;
    t.transitions = [store] {
        return kernelTransitionsTable(store->allTransitions());
    };
    const std::optional<quint64> key = m_followedKey;
    if (const auto situation = key ? m_model->situation(*key) : std::nullopt)
        t.selection = tr("%1 → %2").arg(situation->local, situation->remote);
    t.selectedTransitions = [store, key] {
        return key ? kernelTransitionsTable(store->history(*key)) : DataTable{};
    };
    t.findings = [panel = m_findings] {
        return findingsTable(panel->findings());
    };
    return t;
}

void KernelPage::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("table/header"), m_table->horizontalHeader()->saveState());
    s.setValue(QStringLiteral("filter/text"), m_filter->text());
    s.setValue(QStringLiteral("filter/state"), m_stateFilter->currentIndex());
    s.setValue(QStringLiteral("poll/intervalMs"), m_interval->value());
    s.setValue(QStringLiteral("chart/window"), m_window->currentIndex());
}

void KernelPage::restoreSettings()
{
    QSettings s;
    if (s.contains(QStringLiteral("table/header"))) {
        m_fittingColumns = true; // kept, but widened where they would cut a text
        m_table->horizontalHeader()->restoreState(
            s.value(QStringLiteral("table/header")).toByteArray());
        m_fittingColumns = false;
        m_columnsRestored = true;
        fitColumns(true); // widths saved in another language, or clipped, widened
    }
    setFilterText(s.value(QStringLiteral("filter/text")).toString());
    m_stateFilter->setCurrentIndex(s.value(QStringLiteral("filter/state"), 0).toInt());
    m_interval->setValue(s.value(QStringLiteral("poll/intervalMs"), 1000).toInt());
    m_window->setCurrentIndex(s.value(QStringLiteral("chart/window"), 1).toInt());
}

} // namespace tcpscope
