#include "models/socketfilterproxy.h"

#include "models/kernelsocketmodel.h"

#include <algorithm>

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
    m_words = text.toLower().split(u' ', Qt::SkipEmptyParts);
    invalidateFilter();
}

void SocketFilterProxy::setKeys(const QSet<quint64> &keys)
{
    m_keys = keys;
    m_byKeys = true;
    invalidateFilter();
}

void SocketFilterProxy::clearKeys()
{
    m_keys.clear();
    m_byKeys = false;
    invalidateFilter();
}

bool SocketFilterProxy::filterAcceptsRow(int row, const QModelIndex &parent) const
{
    const QAbstractItemModel *m = sourceModel();
    if (m_byKeys
        && !m_keys.contains(
            m->index(row, 0, parent).data(KernelSocketModel::KeyRole).toULongLong()))
        return false;
    if (!m_states.isEmpty()) {
        // Sockets in those states now: a vanished one, still fading out, is in none.
        const QModelIndex first = m->index(row, 0, parent);
        if (first.data(KernelSocketModel::GoneRole).toBool())
            return false;
        if (!m_states.contains(stateAt(first.data(KernelSocketModel::StateRole).toInt())))
            return false;
    }
    if (m_words.isEmpty())
        return true;
    if (m_kernelModel) {
        const QString &search = m_kernelModel->searchText(row); // made once per row
        return std::all_of(m_words.begin(), m_words.end(), [&](const QString &w) {
            // "pid:N": the sockets process N holds (not every process of the same name)
            if (w.startsWith(u"pid:"))
                return m_kernelModel->ownedBy(row, w.mid(4).toLongLong());
            return search.contains(w);
        });
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

void SocketFilterProxy::setSourceModel(QAbstractItemModel *model)
{
    m_kernelModel = qobject_cast<const KernelSocketModel *>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

bool SocketFilterProxy::lessThan(const QModelIndex &a, const QModelIndex &b) const
{
    if (m_kernelModel) // a couple of million calls for 100k rows: no cast, no QVariant
        return m_kernelModel->lessThan(a.row(), b.row(), a.column());
    const QVariant va = a.data(KernelSocketModel::SortRole),
                   vb = b.data(KernelSocketModel::SortRole);
    return QVariant::compare(va, vb) == QPartialOrdering::Less;
}

} // namespace tcpscope
