#include "capturepage.h"

#include "statecountchart.h"
#include "statepalette.h"

#include <QDateTime>

#include <QComboBox>
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
    const auto packets = result.packets, tcp = result.tcpPackets;
    m_model = new PacketConnectionModel(std::move(result), this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(PacketConnectionModel::SortRole);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(tr("%1 packets, %2 TCP, %3 connections. States are inferred for both "
                              "endpoints from the packets; times are the capture's.")
                               .arg(packets)
                               .arg(tcp)
                               .arg(m_model->rowCount()));
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
    const int charW = fontMetrics().averageCharWidth();
    const int widths[] = {6, 20, 20, 15, 15, 13, 9, 20};
    for (int c = 0; c < PacketConnectionModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * charW + 12);
    m_history = new QTreeWidget;
    m_history->setRootIsDecorated(false);
    m_history->setHeaderLabels({tr("Time"), tr("Endpoint"), tr("From"), tr("To"), tr("Packet")});
    m_history->setColumnWidth(0, 15 * charW);
    m_history->setColumnWidth(1, 8 * charW);
    m_history->setColumnWidth(2, 16 * charW);
    m_history->setColumnWidth(3, 18 * charW);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CapturePage::showHistoryOfSelection);

    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_table);
    lower->addWidget(m_history);
    lower->setSizes({700, 580});
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chart);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    m_replayTimer = new QTimer(this);
    m_replayTimer->setInterval(50);
    connect(m_replayTimer, &QTimer::timeout, this, &CapturePage::stepReplay);
    if (!live) {
        auto *bar = new QHBoxLayout;
        m_play = new QPushButton(tr("Replay"));
        m_speed = new QComboBox;
        m_speed->addItem(tr("1×"), 1.0);
        m_speed->addItem(tr("10×"), 10.0);
        m_speed->addItem(tr("100×"), 100.0);
        m_speed->addItem(tr("as fast as possible"), 0.0);
        connect(m_play, &QPushButton::clicked, this, [this] {
            if (isReplaying())
                pauseReplay();
            else
                startReplay(m_speed->currentData().toDouble());
        });
        bar->addWidget(m_play);
        bar->addWidget(m_speed);
        bar->addWidget(
            new QLabel(tr("Replay the capture in time, or click the chart for a moment")), 1);
        layout->addLayout(bar);
    }
    layout->addWidget(m_momentLabel);
    layout->addWidget(split, 1);
    if (!live)
        fillChart();
    else
        m_chart->setWindow(300);
}

void CapturePage::showMoment(double time)
{
    m_chart->markMoment(time);
    if (std::isnan(time)) {
        m_model->setMoment(std::nullopt);
        m_momentLabel->hide();
        return;
    }
    m_model->setMoment(std::int64_t(time * 1e9));
    m_momentLabel->setText(
        tr("The states below are as they were at <b>%1</b>. <a href=\"end\">Show the end "
           "of the capture</a>")
            .arg(QDateTime::fromMSecsSinceEpoch(qint64(time * 1000))
                     .toString(QStringLiteral("HH:mm:ss.zzz"))));
    m_momentLabel->show();
}

bool CapturePage::isReplaying() const { return m_replayTimer->isActive(); }

void CapturePage::startReplay(double speed)
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker || tracker->connections().empty())
        return;
    const double first = double(tracker->connections().front().firstSeenNs) / 1e9;
    const double end = double(m_model->result().lastTimeNs) / 1e9;
    if (!m_model->moment() || m_replayAt >= end || m_replayAt < first)
        m_replayAt = first; // from the start, unless resuming a paused replay
    m_replaySpeed = speed;
    m_fastStep = std::max(1e-6, (end - first) / 20.0);
    if (m_play)
        m_play->setText(tr("Pause"));
    showMoment(m_replayAt);
    m_replayTimer->start();
}

void CapturePage::pauseReplay()
{
    m_replayTimer->stop();
    if (m_play)
        m_play->setText(tr("Replay"));
}

void CapturePage::stepReplay()
{
    const double end = double(m_model->result().lastTimeNs) / 1e9;
    // As fast as possible: a twentieth of the capture per step, a second in all.
    const double step =
        m_replaySpeed > 0 ? m_replayTimer->interval() / 1000.0 * m_replaySpeed : m_fastStep;
    m_replayAt = std::min(end, m_replayAt + step);
    showMoment(m_replayAt);
    if (m_replayAt >= end) {
        pauseReplay();
        showMoment(std::nan("")); // the final picture
        Q_EMIT replayFinished();
    }
}

void CapturePage::updateLive(CaptureResult result)
{
    if (result.tracker) {
        // Endpoints per state now, as the chart's next sample.
        StateCounts counts = result.tracker->counts();
        counts[std::size_t(index(TcpState::Closed))] = 0;
        counts[std::size_t(index(TcpState::Listen))] = 0;
        m_chart->addSample(double(result.lastTimeNs) / 1e9, counts);
    }
    m_model->update(std::move(result));
    showHistoryOfSelection();
}

void CapturePage::fillChart()
{
    const auto &tracker = m_model->result().tracker;
    if (!tracker || tracker->changes().empty())
        return;
    // Endpoints per state over the capture's time (CLOSED and the listener's LISTEN are not
    // connections' states here). At most ~20,000 samples, whatever the capture's length.
    StateCounts counts{};
    const auto &changes = tracker->changes();
    std::vector<std::uint32_t> order(changes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return changes[a].timeNs < changes[b].timeNs;
    });
    const std::int64_t first = changes[order.front()].timeNs, last = changes[order.back()].timeNs;
    const std::int64_t bucket = std::max<std::int64_t>(1, (last - first) / 20000);
    // A sample closes each bucket, with the counts after all of that bucket's changes.
    for (std::size_t k = 0; k < order.size(); ++k) {
        const StateChange &c = changes[order[k]];
        if (c.from != TcpState::Closed && c.from != TcpState::Listen)
            --counts[std::size_t(index(c.from))];
        if (c.to != TcpState::Closed && c.to != TcpState::Listen)
            ++counts[std::size_t(index(c.to))];
        const bool lastOfBucket =
            k + 1 == order.size()
            || (changes[order[k + 1]].timeNs - first) / bucket != (c.timeNs - first) / bucket;
        if (lastOfBucket)
            m_chart->addSample(double(c.timeNs) / 1e9, counts);
    }
    m_chart->setWindow(0);
}

void CapturePage::showHistoryOfSelection()
{
    m_history->clear();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const auto conn =
        std::uint32_t(rows.first().data(PacketConnectionModel::ConnectionRole).toInt());
    const Connection &c = m_model->result().tracker->connections()[conn];
    char flags[32];
    for (const StateChange &ch : m_model->history(conn)) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, QDateTime::fromMSecsSinceEpoch(ch.timeNs / 1'000'000)
                             .toString(QStringLiteral("HH:mm:ss.zzz")));
        item->setText(1, QLatin1String(roleName(c.ep[ch.endpoint].role)));
        item->setText(2, rfcName(ch.from));
        item->setText(3, rfcName(ch.to));
        item->setText(4, ch.packet ? QStringLiteral("#%1 %2").arg(ch.packet).arg(
                             QLatin1String(flagsText(ch.flags, flags)))
                                   : tr("2MSL timer"));
        QPixmap p(10, 10);
        p.fill(stateColor(ch.to));
        item->setIcon(3, QIcon(p));
        if (ch.inferred)
            item->setToolTip(3, tr("inferred: the capture joined this connection mid-stream"));
    }
}

} // namespace tcpscope
