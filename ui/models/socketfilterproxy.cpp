#include "models/socketfilterproxy.h"

#include "models/kernelsocketmodel.h"

namespace tcpscope {

SocketFilterProxy::SocketFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(KernelSocketModel::SortRole);
    setDynamicSortFilter(true);
}

void SocketFilterProxy::setStates(const QList<TcpState> &states)
{
    m_states = states;
    invalidateFilter();
}

void SocketFilterProxy::setText(const QString &text)
{
    m_text = text;
    m_words = text.split(u' ', Qt::SkipEmptyParts);
    invalidateFilter();
}

bool SocketFilterProxy::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    const QAbstractItemModel *m = sourceModel();
    if (!m_states.isEmpty()) {
        // Sockets in those states now: a vanished one, still fading out, is in none.
        const QModelIndex first = m->index(row, 0, parent);
        if (first.data(KernelSocketModel::GoneRole).toBool())
            return false;
        if (!m_states.contains(stateAt(first.data(KernelSocketModel::StateRole).toInt())))
            return false;
    }
    for (const QString &w : m_words) {
        bool hit = false;
        for (int c : {int(KernelSocketModel::Local), int(KernelSocketModel::Remote),
                      int(KernelSocketModel::Process), int(KernelSocketModel::State)}) {
            if (m->index(row, c, parent).data().toString().contains(w, Qt::CaseInsensitive)) {
                hit = true;
                break;
            }
        }
        if (!hit)
            return false;
    }
    return true;
}

bool SocketFilterProxy::lessThan(const QModelIndex &a, const QModelIndex &b) const
{
    if (const auto *m = qobject_cast<const KernelSocketModel *>(sourceModel()))
        return m->lessThan(a.row(), b.row(), a.column());
    const QVariant va = a.data(KernelSocketModel::SortRole),
                   vb = b.data(KernelSocketModel::SortRole);
    return QVariant::compare(va, vb) == QPartialOrdering::Less;
}

} // namespace tcpscope
