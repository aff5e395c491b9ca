#include "pages/fleetpage.h"

#include "fleet/prometheusclient.h"
#include "models/fleetmodel.h"
#include "widgets/statecountchart.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <memory>

namespace tcpscope {

namespace {
constexpr int kRefreshMs = 10000;
double nowS() { return std::round(double(QDateTime::currentMSecsSinceEpoch())) / 1000.0; }
} // namespace

// The four instant queries of one refresh, answered in any order.
struct FleetPage::Refresh
{
    PromResponse sockets, findings, closeWait, up;
    int pending = 4;
    int generation = 0;
};

FleetPage::FleetPage(QWidget *parent)
    : QWidget(parent)
    , m_client(new PrometheusClient(this))
    , m_model(new FleetModel(this))
{
    m_serverLabel = new QLabel;
    m_url = new QLineEdit;
    m_url->setPlaceholderText(QStringLiteral("http://localhost:9090"));
    connect(m_url, &QLineEdit::returnPressed, this, [this] { setServer(m_url->text()); });
    m_range = new QComboBox;
    for (int minutes : {15, 60, 360, 1440})
        m_range->addItem(QString(), minutes * 60);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_historyInstance.isEmpty())
            showHistory(m_historyInstance);
    });
    m_refresh = new QPushButton;
    connect(m_refresh, &QPushButton::clicked, this, &FleetPage::refresh);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_serverLabel);
    bar->addWidget(m_url, 1);
    bar->addWidget(m_range);
    bar->addWidget(m_refresh);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(FleetModel::SortRole);
    m_table = new QTableView;
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FleetModel::Instance, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &FleetPage::contextMenu);
    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex &i) {
        showHistory(i.data(FleetModel::InstanceRole).toString());
    });

    m_chartTitle = new QLabel;
    m_chart = new StateCountChart;
    m_chart->setWindow(0);
    auto *chartBox = new QWidget;
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->addWidget(m_chartTitle);
    chartLayout->addWidget(m_chart, 1);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(chartBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &FleetPage::refresh);
    retranslate();
    showStatus(tr("No Prometheus server set: give its URL above (or start tcpscope with "
                  "--prometheus URL)."));
}

bool FleetPage::setServer(const QString &url)
{
    m_url->setText(url);
    ++m_generation;
    QString error;
    if (!m_client->setBaseUrl(url, &error)) {
        m_timer->stop();
        showError(error);
        Q_EMIT refreshed();
        return false;
    }
    m_historyInstance.clear();
    m_chart->clear();
    m_timer->start();
    refresh();
    return true;
}

QString FleetPage::server() const { return m_client->baseUrl().toString(); }

QString FleetPage::statusText() const { return m_statusText; }

void FleetPage::showError(const QString &text)
{
    m_error = true;
    m_statusText = text;
    m_status->setText(text);
    m_status->setStyleSheet(QStringLiteral("color: #d62728; font-weight: bold"));
}

void FleetPage::showStatus(const QString &text)
{
    m_error = false;
    m_statusText = text;
    m_status->setText(text);
    m_status->setStyleSheet(QString());
}

void FleetPage::refresh()
{
    if (m_client->baseUrl().isEmpty())
        return;
    auto r = std::make_shared<Refresh>();
    r->generation = m_generation;
    m_queryTime = nowS();
    const auto ask = [this, r](const QString &promql, PromResponse Refresh::*slot) {
        m_client->query(promql, m_queryTime, [this, r, slot](const PromResponse &answer) {
            (*r).*slot = answer;
            if (--r->pending == 0)
                finishRefresh(*r);
        });
    };
    ask(QStringLiteral("tcpscope_sockets"), &Refresh::sockets);
    ask(QStringLiteral("tcpscope_findings"), &Refresh::findings);
    ask(QStringLiteral("tcpscope_close_wait_sockets"), &Refresh::closeWait);
    ask(QStringLiteral("up"), &Refresh::up);
}

void FleetPage::finishRefresh(const Refresh &r)
{
    if (r.generation != m_generation)
        return; // the server changed meanwhile
    for (const PromResponse *p : {&r.sockets, &r.findings, &r.closeWait, &r.up}) {
        if (!p->ok) {
            showError(p->error);
            Q_EMIT refreshed();
            return;
        }
    }
    m_model->setInstances(fleetInstances(r.sockets, r.findings, r.closeWait, r.up));
    hideEmptyStates();
    const QString at =
        QDateTime::fromMSecsSinceEpoch(qint64(m_queryTime * 1000)).toString(u"HH:mm:ss");
    if (r.sockets.series.empty())
        showError(tr("%1 has no tcpscope metrics: no job scrapes `tcpscope-cli serve` (see "
                     "docs/prometheus/prometheus.yml), or its targets are down.")
                      .arg(server()));
    else
        showStatus(tr("Instances: %1 (at %2, from %3; refreshed every %4 s).")
                       .arg(m_model->rowCount())
                       .arg(at, server())
                       .arg(kRefreshMs / 1000));
    if (m_historyInstance.isEmpty() && m_model->rowCount() > 0)
        showHistory(m_model->instances().front().instance);
    else if (!m_historyInstance.isEmpty())
        showHistory(m_historyInstance);
    Q_EMIT refreshed();
}

// A state no instance has any socket in takes no column (ESTABLISHED, CLOSE_WAIT and
// TIME_WAIT always stay: the ones a fleet is watched for).
void FleetPage::hideEmptyStates()
{
    for (TcpState s : FleetModel::states()) {
        bool any =
            s == TcpState::Established || s == TcpState::CloseWait || s == TcpState::TimeWait;
        for (const FleetInstance &f : m_model->instances())
            any = any || f.counts[std::size_t(index(s))] > 0;
        m_table->setColumnHidden(FleetModel::stateColumn(s), !any);
    }
}

double FleetPage::rangeSeconds() const { return m_range->currentData().toDouble(); }

void FleetPage::showHistory(const QString &instance)
{
    if (instance.isEmpty())
        return;
    m_historyInstance = instance;
    const double end = nowS(), range = rangeSeconds(), step = std::max(1.0, range / 240);
    const int generation = m_generation;
    m_chartTitle->setText(tr("History of %1 (loading…)").arg(instance));
    m_client->queryRange(
        QStringLiteral("sum by (state) (tcpscope_sockets{instance=%1})")
            .arg(promqlString(instance)),
        end - range, end, step, [this, instance, generation](const PromResponse &answer) {
            if (generation != m_generation || instance != m_historyInstance)
                return;
            if (!answer.ok) {
                m_chartTitle->setText(tr("History of %1: %2").arg(instance, answer.error));
                return;
            }
            m_chart->clear();
            for (const auto &[t, counts] : stateHistory(answer))
                m_chart->addSample(t, counts);
            m_chart->setWindow(0);
            m_chartTitle->setText(tr("History of %1: sockets per state, the last %2")
                                      .arg(instance, m_range->currentText()));
            Q_EMIT historyShown(instance);
        });
}

void FleetPage::contextMenu(const QPoint &pos)
{
    const QModelIndex i = m_table->indexAt(pos);
    if (!i.isValid())
        return;
    const QString instance = i.data(FleetModel::InstanceRole).toString();
    QMenu menu(this);
    menu.addAction(tr("Show its history"), this, [this, instance] { showHistory(instance); });
    QAction *remote = menu.addAction(tr("Open live tab over SSH"), this, [this, instance] {
        Q_EMIT openRemoteRequested(instanceHost(instance));
    });
    // Only when the window has a remote tab to open.
    remote->setEnabled(isSignalConnected(QMetaMethod::fromSignal(&FleetPage::openRemoteRequested)));
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void FleetPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void FleetPage::retranslate()
{
    m_serverLabel->setText(tr("Prometheus:"));
    m_refresh->setText(tr("Refresh"));
    const QStringList ranges{tr("15 minutes"), tr("1 hour"), tr("6 hours"), tr("24 hours")};
    for (int i = 0; i < m_range->count() && i < ranges.size(); ++i)
        m_range->setItemText(i, ranges[i]);
    if (m_historyInstance.isEmpty())
        m_chartTitle->setText(tr("Click an instance for its history."));
}

} // namespace tcpscope
