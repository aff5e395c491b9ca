// KernelPage: the table and its filter bar — the sorted, filtered view over the model, kept on
// the same sockets (selection, top row) across every poll, and the filter applied as typed.
#include "pages/kernelpage.h"

#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "statepalette.h"
#include "widgets/columnfit.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace tcpscope {

QWidget *KernelPage::createTablePane()
{
    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setColumnHidden(KernelSocketModel::Namespace, true); // shown with all namespaces,
    m_table->horizontalHeader()->moveSection(KernelSocketModel::Namespace, 0); // first
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
    fitColumns(false);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int c) {
        if (!m_fittingColumns && c < 32) // the user's width stays
            m_userSizedColumns |= 1u << c;
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, &KernelPage::showContextMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &KernelPage::showHistoryOfSelection);
    keepViewAcrossUpdates();

    auto *pane = new QWidget;
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(createFilterBar());
    layout->addWidget(m_table);
    return pane;
}

// Every poll's changes reach the table as rows moved, removed and inserted at the end, which
// keep the selection; the socket at the top of the view stays there too.
void KernelPage::keepViewAcrossUpdates()
{
    connect(m_proxy, &SocketFilterProxy::aboutToPublish, this, [this] {
        const QModelIndex top = m_table->indexAt(QPoint(0, 0));
        m_keptTopRow = top.row();
        m_keptTop = top.isValid() ? std::optional(m_proxy->keyAt(top.row())) : std::nullopt;
    });
    connect(m_proxy, &SocketFilterProxy::published, this, [this] {
        if (!m_columnsFitted && m_proxy->rowCount() > 0) {
            m_columnsFitted = true;
            fitColumns(m_columnsRestored);
        } else if (m_columnsFitted && m_columnsFit.elapsed() > kRefitMs) {
            // wider texts come (an IPv6 peer, a long process name): measured in a turn of its
            // own, not on top of the poll just applied
            m_columnsFit.start();
            QTimer::singleShot(0, this, [this] { fitColumns(true); });
        }
        const std::optional<int> row = m_keptTop ? m_proxy->rowOfKey(*m_keptTop) : std::nullopt;
        if (!row || *row == m_keptTopRow)
            return;
        m_table->doItemsLayout(); // the scroll range for the rows just inserted, now
        m_table->scrollTo(m_proxy->index(*row, 0), QAbstractItemView::PositionAtTop);
    });
}

void KernelPage::fitColumns(bool widenOnly)
{
    std::vector<ColumnFit> fits(KernelSocketModel::ColumnCount);
    for (int c = 0; c < KernelSocketModel::ColumnCount; ++c)
        fits[std::size_t(c)].texts = m_model->columnTexts(c);
    using M = KernelSocketModel;
    fits[M::State].icon = true;
    for (int c : {M::Family, M::State, M::InState, M::Age})
        fits[std::size_t(c)].fixed = true;
    fits[M::Local].maxChars = fits[M::Remote].maxChars = 46; // up to an IPv6 address's
    fits[M::Process].maxChars = 40;
    fits[M::RecvQ].maxChars = fits[M::SendQ].maxChars = 12;
    fits[M::Timer].maxChars = 44;     // tcp_fin_timeout's, named
    fits[M::Namespace].maxChars = 48; // "docker 3f2a1b0c9d8e (net:[4026532301])"
    for (int c = 0; c < KernelSocketModel::ColumnCount; ++c)
        fits[std::size_t(c)].keep = widenOnly && (m_userSizedColumns >> c & 1u);
    m_fittingColumns = true;
    tcpscope::fitColumns(m_table, fits, widenOnly);
    m_fittingColumns = false;
    m_columnsFit.start();
}

QWidget *KernelPage::createFilterBar()
{
    auto *bar = new QWidget;
    auto *h = new QHBoxLayout(bar);
    h->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit;
    m_filter->setClearButtonEnabled(true);
    // Typing: a keystroke filters at once, unless the last one did less than kFilterPauseMs
    // ago; then the filter waits for a pause in the typing.
    m_filterPause = new QTimer(this);
    m_filterPause->setSingleShot(true);
    m_filterPause->setInterval(kFilterPauseMs);
    connect(m_filterPause, &QTimer::timeout, this, &KernelPage::applyFilterText);
    connect(m_filter, &QLineEdit::textChanged, this, [this] {
        if (m_filterApplied.isValid() && m_filterApplied.elapsed() < kFilterPauseMs)
            m_filterPause->start();
        else
            applyFilterText();
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

// " · 12 shown by the filter", when a filter hides rows.
QString KernelPage::shownText() const
{
    const int shown = m_proxy->rowCount(), all = m_model->rowCount();
    return shown == all ? QString()
                        : tr(" · %1 of %2 rows shown by the filter").arg(shown).arg(all);
}

void KernelPage::applyFilterText()
{
    m_filterPause->stop();
    m_proxy->setText(m_filter->text());
    m_filterApplied.start();
    if (m_columnsFitted) // the rows the filter brings into view get their room now
        fitColumns(true);
    Q_EMIT statusChanged(m_status + shownText());
}

void KernelPage::setFilterText(const QString &text)
{
    m_filter->setText(text);
    applyFilterText();
}

void KernelPage::showAllStates() { m_stateFilter->setCurrentIndex(0); }

} // namespace tcpscope
