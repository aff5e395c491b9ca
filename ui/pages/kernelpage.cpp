#include "pages/kernelpage.h"

#include "diagram/statediagramview.h"
#include "formats/dataexport.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kerneltrace.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "statepalette.h"
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
    const int charW = fontMetrics().averageCharWidth();
    m_history->setColumnWidth(0, 15 * charW);
    m_history->setColumnWidth(1, 16 * charW);
    m_history->setColumnWidth(2, 18 * charW);

    m_views = new SourceViews(createTablePane(), m_chart, m_history);
    connect(m_views, &SourceViews::stateClicked, this, &KernelPage::showState);
    connect(m_views->follow, &QCheckBox::toggled, this, &KernelPage::showHistoryOfSelection);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_views);

    createToolBar();
    retranslate();

    if (startPolling) {
        m_poller = new KernelPoller({}, this);
        connect(m_poller, &KernelPoller::polled, this, &KernelPage::applyBatch);
        m_poller->start(m_interval->value());
        m_status = tr("Kernel table: starting…");
        m_trace = new KernelTraceMode(
            m_store, m_views, [this] { showHistoryOfSelection(); }, this);
        m_toolbar->addAction(m_trace->action());
        m_trace->startIfWanted();
    }
}

KernelPage::~KernelPage()
{
    if (m_poller)
        m_poller->stop();
}

QWidget *KernelPage::createTablePane()
{
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
    connect(m_table, &QWidget::customContextMenuRequested, this, &KernelPage::showContextMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &KernelPage::showHistoryOfSelection);
    keepSelectionAcrossResets();

    auto *pane = new QWidget;
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(createFilterBar());
    layout->addWidget(m_table);
    return pane;
}

// A burst of changes reaches the table as one reset: the selected socket and the one at the
// top of the view are the same after it.
void KernelPage::keepSelectionAcrossResets()
{
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        m_keptSelection =
            rows.isEmpty()
                ? std::nullopt
                : std::optional(rows.first().data(KernelSocketModel::KeyRole).toULongLong());
        const QModelIndex top = m_table->indexAt(QPoint(0, 0));
        m_keptTop = top.isValid()
                        ? std::optional(top.data(KernelSocketModel::KeyRole).toULongLong())
                        : std::nullopt;
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const auto proxyRow = [this](std::optional<quint64> key) {
            const std::optional<int> row = key ? m_model->rowOf(*key) : std::nullopt;
            return row ? m_proxy->mapFromSource(m_model->index(*row, 0)) : QModelIndex();
        };
        if (const QModelIndex top = proxyRow(m_keptTop); top.isValid())
            m_table->scrollTo(top, QAbstractItemView::PositionAtTop);
        if (const QModelIndex selected = proxyRow(m_keptSelection); selected.isValid())
            m_table->selectionModel()->select(selected, QItemSelectionModel::ClearAndSelect
                                                            | QItemSelectionModel::Rows);
    });
}

QWidget *KernelPage::createFilterBar()
{
    auto *bar = new QWidget;
    auto *h = new QHBoxLayout(bar);
    h->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit;
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setText(text);
        Q_EMIT statusChanged(m_status + shownText());
    });
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
        Q_EMIT statusChanged(m_status + shownText());
    });
    m_showLabel = new QLabel;
    h->addWidget(m_showLabel);
    h->addWidget(m_stateFilter);
    h->addWidget(m_filter, 1);
    return bar;
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
    const KernelPollBatch batch = m_trace ? m_trace->filter(polled) : polled;
    if (m_sessionShown)
        return;            // a saved session is on show; a poll still in flight must not change it
    m_store.record(batch); // the record goes on, paused or not
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
    showCounts(batch.counts);
    for (const Transition &t : batch.transitions)
        m_views->diagram->addTransition(t.from, t.to, false, t.firstSeen, t.connection);
    showHistoryOfSelection();
}

// " · 12 shown by the filter", when a filter hides rows.
QString KernelPage::shownText() const
{
    const int shown = m_proxy->rowCount(), all = m_model->rowCount();
    return shown == all ? QString()
                        : tr(" · %1 of %2 rows shown by the filter").arg(shown).arg(all);
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

void KernelPage::setFilterText(const QString &text) { m_filter->setText(text); }

void KernelPage::showAllStates() { m_stateFilter->setCurrentIndex(0); }

void KernelPage::mergePacketsOf(LiveCapturePage *capture)
{
    // (The model is the context: these connections go with it when the page closes.)
    connect(capture, &LiveCapturePage::deltaShown, m_model, &KernelSocketModel::applyPacketDelta);
    connect(capture, &QObject::destroyed, m_model, [m = m_model] { m->setPacketView(nullptr); });
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
    return t;
}

void KernelPage::showHistoryOfSelection()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        if (m_followedKey) {
            m_followedKey.reset();
            m_views->diagram->setFollowed(std::nullopt);
        }
        fillHistory({});
        return;
    }
    const quint64 key = rows.first().data(KernelSocketModel::KeyRole).toULongLong();
    const std::vector<Transition> history = m_store.history(key);
    const std::optional<SocketSituation> situation = m_model->situation(key);
    if (situation && (m_followedKey != key || m_views->teaching->topic().startsWith(u"socket:")))
        m_views->teaching->showSocket(*situation); // a new selection, or the same one updated
    followOnDiagram(key, history, situation ? &*situation : nullptr);
    m_followedKey = key;
    fillHistory(history);
}

void KernelPage::followOnDiagram(quint64 key, const std::vector<Transition> &history,
                                 const SocketSituation *situation)
{
    if (!m_views->follow->isChecked()) {
        m_views->diagram->setFollowed(std::nullopt);
        return;
    }
    std::vector<int> path;
    for (const Transition &t : history) {
        for (int e : diagramPath(t.from, t.to, false, t.firstSeen))
            path.push_back(e);
    }
    m_views->diagram->setFollowed(
        key, std::move(path), situation ? QList<TcpState>{situation->state} : QList<TcpState>{});
}

void KernelPage::fillHistory(const std::vector<Transition> &history)
{
    m_history->clear();
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
        if (t.observedBy == ObservedBy::Tracing)
            KernelTraceMode::fillHistoryItem(item, t);
        QPixmap swatch(10, 10);
        swatch.fill(stateColor(t.to));
        item->setIcon(2, QIcon(swatch));
    }
    if (!m_table->selectionModel()->selectedRows().isEmpty() && history.empty()) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, tr("no change seen yet"));
        item->setDisabled(true);
    }
}

void KernelPage::copySelectedRows()
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

void KernelPage::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    fillContextMenu(&menu, m_table->indexAt(pos));
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void KernelPage::fillContextMenu(QMenu *menu, const QModelIndex &at)
{
    menu->addAction(tr("Copy row(s)"), this, &KernelPage::copySelectedRows);
    if (at.isValid()) {
        const QList<qint64> pids = m_model->ownerPids(m_proxy->mapToSource(at).row());
        const QString remote =
            m_proxy->index(at.row(), KernelSocketModel::Remote).data().toString();
        const int state = at.data(KernelSocketModel::StateRole).toInt();
        const QString host = remote.left(remote.lastIndexOf(u':'));
        if (!pids.isEmpty()) // by pid: not every process of the same name
            menu->addAction(tr("Filter to this process"), this, [this, pid = pids.first()] {
                m_filter->setText(QStringLiteral("pid:%1").arg(pid));
            });
        menu->addAction(tr("Filter to this remote host"), this,
                        [this, host] { m_filter->setText(host); });
        menu->addAction(tr("Filter to %1").arg(rfcName(stateAt(state))), this,
                        [this, state] { m_stateFilter->setCurrentIndex(state + 1); });
    }
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
    if (s.contains(QStringLiteral("table/header")))
        m_table->horizontalHeader()->restoreState(
            s.value(QStringLiteral("table/header")).toByteArray());
    m_filter->setText(s.value(QStringLiteral("filter/text")).toString());
    m_stateFilter->setCurrentIndex(s.value(QStringLiteral("filter/state"), 0).toInt());
    m_interval->setValue(s.value(QStringLiteral("poll/intervalMs"), 1000).toInt());
    m_window->setCurrentIndex(s.value(QStringLiteral("chart/window"), 1).toInt());
}

} // namespace tcpscope
