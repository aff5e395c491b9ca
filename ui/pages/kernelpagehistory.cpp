// KernelPage: the selected socket — its history (every transition the record kept, also
// after it vanished), its explanation, and its path followed on the diagram.
#include "pages/kernelpage.h"

#include "pages/kerneltrace.h"

#include "diagram/statediagramview.h"
#include "models/kernelsocketmodel.h"
#include "pages/sourceviews.h"
#include "statepalette.h"
#include "widgets/teachingpanel.h"

#include <QCheckBox>
#include <QDateTime>

#include <QItemSelectionModel>
#include <QTableView>
#include <QTreeWidget>
#include <cmath>

namespace tcpscope {

void KernelPage::showHistoryOfSelection()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() && showSelectedGone())
        return;
    if (rows.isEmpty()) {
        m_lastSituation.reset();
        if (m_followedKey) {
            m_followedKey.reset();
            m_views->diagram->setFollowed(std::nullopt);
        }
        fillHistory({});
        showLadderOf(std::nullopt);
        return;
    }
    const quint64 key = rows.first().data(KernelSocketModel::KeyRole).toULongLong();
    const std::vector<Transition> history = m_store.history(key);
    std::optional<SocketSituation> situation = m_model->situation(key);
    if (situation && situation->gone)
        situation->lastSeenAt = lastSeenBefore(history, situation->goneAt);
    if (situation && (m_followedKey != key || m_views->teaching->topic().startsWith(u"socket:")))
        m_views->teaching->showSocket(*situation); // a new selection, or the same one updated
    m_lastSituation = situation;
    followOnDiagram(key, history, situation ? &*situation : nullptr);
    m_followedKey = key;
    fillHistory(history);
    showLadderOf(key);
}

// The poll before the one that found a socket missing: its vanishing's lower bound, as the
// record's transition to CLOSED says.
double KernelPage::lastSeenBefore(const std::vector<Transition> &history, double goneAt)
{
    for (auto t = history.rbegin(); t != history.rend(); ++t) {
        if (t->to == TcpState::Closed && std::abs(t->time - goneAt) < 1e-6)
            return t->earliest;
    }
    return 0;
}

// The selected socket's row has left the table (its fade over): the selection is empty, but the
// panel goes on saying that it is gone, and its history stays. False when the selection was
// cleared otherwise (the user, a filter) or the record does not say that it went.
bool KernelPage::showSelectedGone()
{
    if (!m_followedKey || !m_lastSituation || m_model->rowOf(*m_followedKey))
        return false;
    const std::vector<Transition> history = m_store.history(*m_followedKey);
    if (history.empty() || history.back().to != TcpState::Closed)
        return false;
    if (!m_lastSituation->removed) {
        SocketSituation gone =
            goneSituation(*m_lastSituation, history.back().time, history.back().earliest);
        gone.removed = true;
        m_lastSituation = gone;
        if (m_views->teaching->topic().startsWith(u"socket:"))
            m_views->teaching->showSocket(gone);
    }
    fillHistory(history);
    showLadderOf(m_followedKey);
    return true;
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

} // namespace tcpscope
