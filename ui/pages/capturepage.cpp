#include "pages/capturepage.h"

#include "diagram/statediagramview.h"
#include "formats/dataexport.h"
#include "pages/capturehistory.h"
#include "statepalette.h"
#include "teachingtext.h"
#include "widgets/columnfit.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QDateTime>
#include <QFileInfo>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

namespace tcpscope {

CapturePage::CapturePage(CaptureResult result, QWidget *parent, bool live)
    : QWidget(parent)
{
    const QString error = result.error;
    m_model = new PacketConnectionModel(std::move(result), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PacketConnectionModel::SortRole);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel;
    layout->addWidget(m_summary);
    m_summary->setVisible(!live);
    if (!error.isEmpty()) {
        auto *warning = new QLabel(error);
        warning->setWordWrap(true);
        warning->setStyleSheet(QStringLiteral(
            "background: #fdecea; color: #611a15; padding: 4px; border-radius: 3px"));
        layout->addWidget(warning);
    }

    m_chart = new StateCountChart;
    m_chart->setMinimumHeight(160);
    m_chart->setToolTip(tr("Click a moment to see the connections as they were then"));
    m_momentLabel = new QLabel;
    m_momentLabel->setTextFormat(Qt::RichText);
    m_momentLabel->hide();
    connect(m_momentLabel, &QLabel::linkActivated, this, [this] { showMoment(std::nan("")); });
    if (!live)
        connect(m_chart, &StateCountChart::momentClicked, this, &CapturePage::showMoment);
    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PacketConnectionModel::FirstSeen, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    if (live) // its rows come later: fitted to the first ones
        connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
            if (std::exchange(m_columnsFitted, true))
                return;
            fitColumns(true);
        });
    m_history = new QTreeWidget;
    m_history->setRootIsDecorated(false);
    m_history->setHeaderLabels(historyHeaders());
    // Sized to their text and their header's, in either language; the packet takes the rest.
    m_history->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_history->header()->setStretchLastSection(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CapturePage::showHistoryOfSelection);

    m_views = new SourceViews(m_table, m_chart, m_history);
    createLadder();
    m_stepBack = new QPushButton;
    m_stepForward = new QPushButton;
    m_views->diagramBar->insertWidget(m_views->diagramBar->count() - 1, m_stepBack);
    m_views->diagramBar->insertWidget(m_views->diagramBar->count() - 1, m_stepForward);
    connect(m_stepBack, &QPushButton::clicked, this, [this] { step(-1); });
    connect(m_stepForward, &QPushButton::clicked, this, [this] { step(+1); });
    connect(m_views->follow, &QCheckBox::toggled, this, &CapturePage::showHistoryOfSelection);
    m_replayTimer = new QTimer(this);
    m_replayTimer->setInterval(50);
    connect(m_replayTimer, &QTimer::timeout, this, &CapturePage::stepReplay);
    createStepActions();
    if (!live)
        layout->addLayout(createReplayBar());
    layout->addWidget(m_momentLabel);
    layout->addWidget(m_views, 1);
    sortChanges();
    if (!live)
        fillChart();
    else
        m_chart->setWindow(300);
    showCountsAt(std::nullopt);
    fitColumns(false);
    m_columnsFitted = !live;
    retranslate();
}

void CapturePage::retranslate()
{
    retranslateReplay();
    m_history->setHeaderLabels(historyHeaders());
    if (m_selected) // its rows say client, server, revised… in the language now
        fillHistory(*m_selected);
    fitColumns(true);
    m_chart->setToolTip(tr("Click a moment to see the connections as they were then"));
    updateSummary();
}

void CapturePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void CapturePage::fitColumns(bool widenOnly)
{
    using M = PacketConnectionModel;
    std::vector<ColumnFit> fits(M::ColumnCount);
    QStringList states{M::tr("(not yet)")};
    for (int i = 0; i < kTcpStateCount; ++i)
        states << rfcName(stateAt(i));
    for (int c : {M::ClientState, M::ServerState})
        fits[std::size_t(c)] = {states, true, 0, true};
    fits[M::Family].texts = QStringList{QStringLiteral("IPv4"), QStringLiteral("IPv6")};
    fits[M::Client].maxChars = fits[M::Server].maxChars = 46;
    fits[M::FirstSeen].texts = QStringList{QStringLiteral("00:00:00.000")};
    fits[M::Duration].texts = QStringList{QStringLiteral("9999.999 s")};
    fits[M::Notes].maxChars = 40;
    tcpscope::fitColumns(m_table, fits, widenOnly);
}

void CapturePage::updateSummary()
{
    m_summary->setText(tr("%1 packets, %2 TCP, %3 connections. States are inferred for both "
                          "endpoints from the packets; times are the capture's.")
                           .arg(m_model->result().packets)
                           .arg(m_model->result().tcpPackets)
                           .arg(m_model->rowCount()));
}

void CapturePage::sortChanges()
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker)
        return;
    const auto &changes = tracker->changes();
    // Live captures only ever append: sort the new ones and merge them in.
    const std::size_t known = m_order.size();
    for (std::uint32_t i = std::uint32_t(known); i < changes.size(); ++i)
        m_order.push_back(i);
    const auto earlier = [&](std::uint32_t a, std::uint32_t b) {
        return changes[a].timeNs < changes[b].timeNs;
    };
    const auto middle = m_order.begin() + std::ptrdiff_t(known);
    std::stable_sort(middle, m_order.end(), earlier);
    std::inplace_merge(m_order.begin(), middle, m_order.end(), earlier);
}

namespace {

StateCounts shownCounts(StateCounts c)
{
    c[std::size_t(index(TcpState::Closed))] = -1;
    c[std::size_t(index(TcpState::Listen))] = -1;
    return c;
}

} // namespace

void CapturePage::showCountsAt(std::optional<std::int64_t> timeNs, bool animate)
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker)
        return;
    const auto &changes = tracker->changes();
    if (const std::size_t known = m_order.size(); timeNs) {
        sortChanges();                 // live: the changes since the last moment asked for
        if (m_order.size() != known) { // counted again from the start
            m_cursor = 0;
            m_running = {};
        }
    }
    if (!timeNs) {
        m_views->diagram->setCounts(shownCounts(tracker->counts()));
        m_cursor = m_order.size();
        m_running = tracker->counts();
        for (TcpState s : {TcpState::Closed, TcpState::Listen})
            m_running[std::size_t(index(s))] = 0;
        return;
    }
    if (m_cursor > 0 && m_cursor <= m_order.size()
        && changes[m_order[m_cursor - 1]].timeNs > *timeNs) { // back in time: from the start
        m_cursor = 0;
        m_running = {};
    }
    while (m_cursor < m_order.size() && changes[m_order[m_cursor]].timeNs <= *timeNs) {
        const StateChange &c = changes[m_order[m_cursor++]];
        if (countedInCaptures(c.from))
            --m_running[std::size_t(index(c.from))];
        if (countedInCaptures(c.to))
            ++m_running[std::size_t(index(c.to))];
        if (animate)
            m_views->diagram->addTransition(
                c.from, c.to, c.flags & tcpflag::Rst, false, c.connection,
                sideOf(tracker->connections()[c.connection], c.endpoint));
    }
    m_views->diagram->setCounts(shownCounts(m_running));
}

void CapturePage::stepTransition(int direction)
{
    m_segment = -1;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const auto conn =
        std::uint32_t(rows.first().data(PacketConnectionModel::ConnectionRole).toInt());
    const std::vector<StateChange> history = m_model->history(conn);
    if (history.empty())
        return;
    m_step = std::clamp(m_step + direction, 0, int(history.size()) - 1);
    const StateChange &c = history[std::size_t(m_step)];
    pauseReplay();
    m_cursor = 0; // the table and counts as they were just after this step
    m_running = {};
    showMomentNs(c.timeNs, double(c.timeNs) / 1e9);
    const Connection &connection = m_model->result().tracker->connections()[conn];
    const auto count = std::size_t(m_step + 1);
    m_views->diagram->setFollowedSteps(conn, followedStepsOf(history, connection, count),
                                       statesAfter(history, connection, count),
                                       rolesKnown(connection));
    m_views->diagram->addTransition(c.from, c.to, c.flags & tcpflag::Rst, false, conn,
                                    sideOf(connection, c.endpoint));
    m_views->teaching->showTransition(c.flags & tcpflag::Rst && c.to == TcpState::Closed
                                          ? QStringLiteral("ANY>CLOSED")
                                          : transitionId(c.from, c.to));
    m_views->showExplanation();
    if (QTreeWidgetItem *item = m_history->topLevelItem(m_step))
        m_history->setCurrentItem(item);
}

void CapturePage::showMoment(double time)
{
    m_step = -1; // a moment of the capture, not a step of the selected connection
    m_segment = -1;
    if (std::isnan(time)) {
        showMomentNs(std::nullopt, time);
        return;
    }
    // Seconds as a double are only good to a few hundred ns today: the capture's own end is
    // taken exactly, so that its last transitions are not left out.
    const std::int64_t last = m_model->result().lastTimeNs;
    const std::int64_t ns = time >= double(last) / 1e9 ? last : std::llround(time * 1e9);
    showMomentNs(ns, time);
}

void CapturePage::showMomentNs(std::optional<std::int64_t> ns, double time)
{
    m_chart->markMoment(time);
    if (std::isnan(time)) {
        m_model->setMoment(std::nullopt);
        m_momentLabel->hide();
        showCountsAt(std::nullopt);
        if (m_selected)
            followSelection(*m_selected);
        return;
    }
    m_model->setMoment(*ns);
    showCountsAt(*ns, isReplaying());
    if (m_selected)
        followSelection(*m_selected); // its outline and steps at that moment (unless stepping)
    m_momentLabel->setText(
        tr("The states below are as they were at <b>%1</b>. <a href=\"end\">Show the end "
           "of the capture</a>")
            .arg(QDateTime::fromMSecsSinceEpoch(qint64(time * 1000))
                     .toString(QStringLiteral("HH:mm:ss.zzz"))));
    m_momentLabel->show();
}

void CapturePage::updateLive(const LiveDelta &delta)
{
    // Endpoints per state now, as the chart's next sample.
    StateCounts counts = delta.counts;
    counts[std::size_t(index(TcpState::Closed))] = 0;
    counts[std::size_t(index(TcpState::Listen))] = 0;
    m_chart->addSample(double(delta.lastTimeNs) / 1e9, counts);
    if (delta.first || !delta.retired.empty()) { // the changes are renumbered
        m_order.clear();
        m_cursor = 0;
    }
    followRetired(delta);
    m_model->applyDelta(delta);
    growLadder(delta);
    // What happened since the last delta travels the diagram, in the order the engine
    // recorded it; the counts are the engine's own. (The time order for stepping and
    // moments is sorted when one is asked for, not at every delta.)
    for (const StateChange &c : delta.changes) {
        if (c.revision == Revision::None) // a correction travels no arrow
            m_views->diagram->addTransition(c.from, c.to, c.flags & tcpflag::Rst, false,
                                            c.connection);
    }
    if (!m_model->moment())
        showCountsAt(std::nullopt);
    showHistoryOfSelection();
}

void CapturePage::fillChart()
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker)
        return;
    for (const CountSample &sample : countsOverTime(*tracker))
        m_chart->addSample(double(sample.timeNs) / 1e9, sample.counts);
    m_chart->extendTo(double(m_model->result().lastTimeNs) / 1e9); // the last level to the end
    m_chart->setWindow(0);
}

void CapturePage::showHistoryOfSelection()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_history->clear();
        m_views->diagram->setFollowed(std::nullopt);
        m_selected.reset();
        showLadderOf(std::nullopt);
        return;
    }
    const auto conn =
        std::uint32_t(rows.first().data(PacketConnectionModel::ConnectionRole).toInt());
    const bool fresh = m_selected != conn;
    if (fresh)
        m_step = -1; // stepping starts again for another connection
    m_selected = conn;
    if (fresh)
        showLadderOf(conn);
    const QList<TcpState> now = followSelection(conn);
    // A new selection: the panel explains where its client is (a capture knows no process
    // or queues, so the state's own explanation, not a socket's).
    if (fresh && !now.isEmpty())
        m_views->teaching->showState(now.front());
    fillHistory(conn);
}

QList<TcpState> CapturePage::followSelection(std::uint32_t conn)
{
    // The states of its client and server at the moment shown (rows are connections, in
    // order).
    QList<TcpState> now;
    for (const int column :
         {PacketConnectionModel::ClientState, PacketConnectionModel::ServerState}) {
        const QString text = m_model->index(int(conn), column).data().toString();
        if (const auto s = parseTcpState(text.section(u' ', 0, 0)))
            now << *s;
    }
    if (!m_views->follow->isChecked()) {
        m_views->diagram->setFollowed(std::nullopt);
        return now;
    }
    if (m_step >= 0)
        return now; // stepping shows its own picture
    // Its steps up to the moment shown, numbered as History numbers them.
    const std::vector<StateChange> history = m_model->history(conn);
    std::size_t count = 0;
    while (count < history.size()
           && (!m_model->moment() || history[count].timeNs <= *m_model->moment()))
        ++count;
    const Connection &c = m_model->result().tracker->connections()[conn];
    m_views->diagram->setFollowedSteps(conn, followedStepsOf(history, c, count), now,
                                       rolesKnown(c));
    return now;
}

void CapturePage::showMomentAt(std::optional<std::int64_t> timeNs)
{
    pauseReplay();
    m_step = -1;
    m_segment = -1;
    showMomentNs(timeNs, timeNs ? double(*timeNs) / 1e9 : std::nan(""));
}

ExportTarget CapturePage::exportTarget() const
{
    ExportTarget t;
    t.diagram = m_views->diagram;
    t.chart = m_chart;
    t.table = m_table;
    t.history = m_history;
    const CaptureResult &r = m_model->result();
    t.source = r.path.isEmpty() ? tr("live capture") : QFileInfo(r.path).fileName();
    const auto at = m_model->moment() ? *m_model->moment() : r.lastTimeNs;
    t.moment = (m_model->moment() ? tr("at %1") : tr("end of the capture, %1"))
                   .arg(QDateTime::fromMSecsSinceEpoch(at / 1'000'000)
                            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    const auto tracker = r.tracker;
    const int digits = r.digits;
    t.transitions = [tracker, digits] {
        return tracker ? transitionsTable(*tracker, std::nullopt, digits) : DataTable{};
    };
    const std::optional<std::uint32_t> selected = m_selected;
    if (tracker && selected && *selected < tracker->connections().size()) {
        const Connection &c = tracker->connections()[*selected];
        const int client = c.ep[0].role == Role::Server ? 1 : 0;
        t.selection = tr("connection %1, %2 → %3")
                          .arg(*selected)
                          .arg(endpointText(c.address[client], c.port[client]),
                               endpointText(c.address[1 - client], c.port[1 - client]));
    }
    t.selectedTransitions = [tracker, digits, selected] {
        return tracker && selected ? transitionsTable(*tracker, selected, digits) : DataTable{};
    };
    addLadderTo(t);
    return t;
}

} // namespace tcpscope
