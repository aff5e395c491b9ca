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

namespace tcpscope {

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

} // namespace tcpscope
