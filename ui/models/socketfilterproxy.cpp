#include "models/socketfilterproxy.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace tcpscope {

SocketFilterProxy::SocketFilterProxy(QObject *parent)
    : QAbstractProxyModel(parent)
{}

void SocketFilterProxy::setSourceModel(QAbstractItemModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    beginResetModel();
    m_model = qobject_cast<const KernelSocketModel *>(model);
    Q_ASSERT(m_model || !model);
    QAbstractProxyModel::setSourceModel(model);
    m_keys.clear();
    m_accepted.clear();
    m_sorted.clear();
    m_shown.clear();
    m_rowOfSlot.clear();
    m_pending.clear();
    if (m_model) {
        fitToModel();
        for (int slot : m_model->slotsInRowOrder()) {
            m_keys[std::size_t(slot)] = m_model->sortKey(slot, m_column);
            m_accepted[std::size_t(slot)] = m_model->matches(slot, m_filter);
        }
        sortEverything();
        for (int slot : m_sorted) {
            if (m_accepted[std::size_t(slot)]) {
                m_rowOfSlot[std::size_t(slot)] = int(m_shown.size());
                m_shown.push_back(slot);
            }
        }
        connect(m_model, &KernelSocketModel::slotsChanged, this,
                &SocketFilterProxy::onSlotsChanged);
    }
    endResetModel();
}

void SocketFilterProxy::setStates(const QList<TcpState> &states)
{
    m_filter.states = states;
    filterEverything();
}

void SocketFilterProxy::setText(const QString &text)
{
    m_text = text;
    m_filter.words.clear();
    m_filter.pids.clear();
    for (const QString &w : text.toLower().split(u' ', Qt::SkipEmptyParts)) {
        // "pid:N": the sockets process N holds (not every process of the same name)
        if (w.startsWith(u"pid:"))
            m_filter.pids << w.mid(4).toLongLong();
        else
            m_filter.words << w;
    }
    filterEverything();
}

void SocketFilterProxy::setKeys(const QSet<quint64> &keys)
{
    m_filter.keys = keys;
    m_filter.byKeys = true;
    filterEverything();
}

void SocketFilterProxy::clearKeys()
{
    m_filter.keys.clear();
    m_filter.byKeys = false;
    filterEverything();
}

void SocketFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (!m_model || (column == m_column && (order == Qt::DescendingOrder) == m_descending))
        return;
    Q_EMIT aboutToPublish();
    m_column = column;
    m_descending = order == Qt::DescendingOrder;
    for (int slot : m_model->slotsInRowOrder())
        m_keys[std::size_t(slot)] = m_model->sortKey(slot, m_column);
    takePendingTests();
    sortEverything();
    publish({});
}

// Every row is keyed and placed again: the rows waiting for a later turn need only their
// filter test.
void SocketFilterProxy::takePendingTests()
{
    for (int slot : m_pending) {
        if (m_model->rowOfSlot(slot) >= 0)
            m_accepted[std::size_t(slot)] = m_model->matches(slot, m_filter);
    }
    m_pending.clear();
}

// Every row's key, sorted as the keys themselves (one contiguous array, not through the
// slots), then kept by slot again.
void SocketFilterProxy::sortEverything()
{
    std::vector<SocketSortKey> keys;
    keys.reserve(m_model->slotsInRowOrder().size());
    for (int slot : m_model->slotsInRowOrder())
        keys.push_back(std::move(m_keys[std::size_t(slot)]));
    std::sort(keys.begin(), keys.end(), [this](const SocketSortKey &a, const SocketSortKey &b) {
        return sortsBefore(a, b, m_descending);
    });
    m_sorted.clear();
    m_sorted.reserve(keys.size());
    for (SocketSortKey &k : keys) {
        m_sorted.push_back(k.slot);
        m_keys[std::size_t(k.slot)] = std::move(k);
    }
}

void SocketFilterProxy::filterEverything()
{
    if (!m_model)
        return;
    Q_EMIT aboutToPublish();
    for (int slot : m_model->slotsInRowOrder())
        m_accepted[std::size_t(slot)] = m_model->matches(slot, m_filter);
    publish({});
}

void SocketFilterProxy::rebuild()
{
    m_pending.clear();
    fitToModel();
    for (int slot : m_model->slotsInRowOrder()) {
        m_keys[std::size_t(slot)] = m_model->sortKey(slot, m_column);
        m_accepted[std::size_t(slot)] = m_model->matches(slot, m_filter);
    }
    sortEverything();
}

void SocketFilterProxy::fitToModel()
{
    const std::size_t n = std::size_t(m_model->slotCount());
    if (m_keys.size() < n) {
        m_keys.resize(n);
        m_accepted.resize(n, 0);
        m_rowOfSlot.resize(n, -1);
    }
}

// One step of the model: the rows it removed leave, those it changed or added are keyed and
// tested again, sorted among themselves and merged into the kept order (O(rows + changed ×
// log rows), against a sort of every row); past kSliceRows of them, the rest in later turns.
void SocketFilterProxy::onSlotsChanged(const KernelSocketModel::SlotChanges &c)
{
    // A step that only removes rows (a burst the model removes in a turn of its own) takes no
    // rows waiting for a slice: they keep their own turns.
    const bool onlyRemoves = !c.all && c.changed.empty() && c.added.empty();
    step(c, onlyRemoves ? 0 : m_sliceRows);
}

void SocketFilterProxy::step(const KernelSocketModel::SlotChanges &c, std::size_t limit)
{
    Q_EMIT aboutToPublish();
    fitToModel();
    std::vector<char> forcedOut(m_keys.size(), 0), dirty(m_keys.size(), 0);
    if (c.all) {
        m_pending.clear();
        rebuild();
        publish(forcedOut);
        return;
    }
    for (int slot : c.removed)
        forcedOut[std::size_t(slot)] = dirty[std::size_t(slot)] = 1;
    // the rows left from earlier steps first, then this step's
    std::vector<int> todo = std::move(m_pending);
    m_pending.clear();
    todo.insert(todo.end(), c.changed.begin(), c.changed.end());
    todo.insert(todo.end(), c.added.begin(), c.added.end());
    mergeFresh(std::move(todo), dirty, limit);
    publish(forcedOut);
    schedulePending();
}

// Keys and tests again up to `limit` of `todo` (the others wait in m_pending, at their old
// places with their old keys) and merges them into the kept order.
void SocketFilterProxy::mergeFresh(std::vector<int> todo, std::vector<char> &dirty,
                                   std::size_t limit)
{
    std::vector<int> fresh;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        const int slot = todo[i];
        if (m_model->rowOfSlot(slot) < 0 || dirty[std::size_t(slot)] == 2)
            continue; // gone again, or already taken
        if (fresh.size() == limit) {
            m_pending.assign(todo.begin() + std::ptrdiff_t(i), todo.end());
            break;
        }
        dirty[std::size_t(slot)] = 2;
        m_keys[std::size_t(slot)] = m_model->sortKey(slot, m_column);
        m_accepted[std::size_t(slot)] = m_model->matches(slot, m_filter);
        fresh.push_back(slot);
    }
    std::sort(fresh.begin(), fresh.end(), [this](int a, int b) { return less(a, b); });
    std::vector<int> merged;
    merged.reserve(m_sorted.size() + fresh.size());
    auto kept = std::remove_if(m_sorted.begin(), m_sorted.end(),
                               [&](int slot) { return dirty[std::size_t(slot)] != 0; });
    auto at = m_sorted.begin();
    for (int slot : fresh) { // each one's place by binary search: few change in most polls
        const auto place =
            std::lower_bound(at, kept, slot, [this](int a, int b) { return less(a, b); });
        merged.insert(merged.end(), at, place);
        merged.push_back(slot);
        at = place;
    }
    merged.insert(merged.end(), at, kept);
    m_sorted = std::move(merged);
}

void SocketFilterProxy::schedulePending()
{
    if (m_pending.empty() || m_pendingScheduled)
        return;
    m_pendingScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_pendingScheduled = false;
        if (m_model && !m_pending.empty())
            step({}, m_sliceRows);
    });
}

void SocketFilterProxy::applyPending()
{
    if (m_model && !m_pending.empty())
        step({}, std::numeric_limits<std::size_t>::max());
}

// The view from m_shown to the accepted rows of m_sorted, in three steps a view takes in
// O(rows): the rows leaving (moved to the end, then removed there), the rows arriving
// (inserted at the end), and the final order (a layout change). A row `forcedOut` leaves even if
// it is to be shown: its slot holds another socket now.
void SocketFilterProxy::publish(const std::vector<char> &forcedOut)
{
    std::vector<int> target;
    target.reserve(m_sorted.size());
    std::vector<char> inTarget(m_keys.size(), 0);
    for (int slot : m_sorted) {
        if (m_accepted[std::size_t(slot)]) {
            target.push_back(slot);
            inTarget[std::size_t(slot)] = 1;
        }
    }
    removeLeaving(inTarget, forcedOut);
    appendArriving(target);
    reorder(std::move(target));
    if (!m_shown.empty()) // the times of every row move on with each poll
        Q_EMIT dataChanged(index(0, 0), index(int(m_shown.size()) - 1, columnCount() - 1));
    Q_EMIT published();
}

void SocketFilterProxy::removeLeaving(const std::vector<char> &inTarget,
                                      const std::vector<char> &forcedOut)
{
    const auto leaving = [&](int slot) {
        return !inTarget[std::size_t(slot)] || (!forcedOut.empty() && forcedOut[std::size_t(slot)]);
    };
    const auto count = std::count_if(m_shown.begin(), m_shown.end(), leaving);
    if (count == 0)
        return;
    std::vector<int> shown = m_shown;
    const auto stay =
        std::stable_partition(shown.begin(), shown.end(), [&](int slot) { return !leaving(slot); });
    const int first = int(stay - shown.begin());
    if (shown != m_shown)
        moveRows(shown); // the leaving rows to the end
    beginRemoveRows({}, first, int(m_shown.size()) - 1);
    for (auto it = m_shown.begin() + first; it != m_shown.end(); ++it)
        m_rowOfSlot[std::size_t(*it)] = -1;
    m_shown.resize(std::size_t(first));
    endRemoveRows();
}

void SocketFilterProxy::appendArriving(const std::vector<int> &target)
{
    std::vector<int> arriving;
    for (int slot : target) {
        if (m_rowOfSlot[std::size_t(slot)] < 0)
            arriving.push_back(slot);
    }
    if (arriving.empty())
        return;
    const int at = int(m_shown.size());
    beginInsertRows({}, at, at + int(arriving.size()) - 1);
    for (int slot : arriving) {
        m_rowOfSlot[std::size_t(slot)] = int(m_shown.size());
        m_shown.push_back(slot);
    }
    endInsertRows();
}

void SocketFilterProxy::reorder(std::vector<int> target)
{
    if (target != m_shown)
        moveRows(std::move(target));
}

// A layout change from m_shown to `shown` (the same rows): persistent indexes — the
// selection, the current row — follow their sockets.
void SocketFilterProxy::moveRows(std::vector<int> shown)
{
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<int> slotOf;
    slotOf.reserve(std::size_t(from.size()));
    for (const QModelIndex &i : from)
        slotOf.push_back(m_shown[std::size_t(i.row())]);
    m_shown = std::move(shown);
    for (std::size_t row = 0; row < m_shown.size(); ++row)
        m_rowOfSlot[std::size_t(m_shown[row])] = int(row);
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i)
        to << index(m_rowOfSlot[std::size_t(slotOf[std::size_t(i)])], from[i].column());
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

std::optional<int> SocketFilterProxy::rowOfKey(quint64 key) const
{
    const std::optional<int> row = m_model ? m_model->rowOf(key) : std::nullopt;
    if (!row)
        return std::nullopt;
    const int shown = m_rowOfSlot[std::size_t(m_model->slotsInRowOrder()[std::size_t(*row)])];
    return shown < 0 ? std::nullopt : std::optional(shown);
}

QModelIndex SocketFilterProxy::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= int(m_shown.size()) || column < 0
        || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex SocketFilterProxy::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

int SocketFilterProxy::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int SocketFilterProxy::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : KernelSocketModel::ColumnCount;
}

bool SocketFilterProxy::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_shown.empty();
}

QModelIndex SocketFilterProxy::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!m_model || !proxyIndex.isValid() || proxyIndex.row() >= int(m_shown.size()))
        return {};
    const int row = m_model->rowOfSlot(m_shown[std::size_t(proxyIndex.row())]);
    return row < 0 ? QModelIndex() : m_model->index(row, proxyIndex.column());
}

QModelIndex SocketFilterProxy::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!m_model || !sourceIndex.isValid()
        || sourceIndex.row() >= int(m_model->slotsInRowOrder().size()))
        return {};
    const int slot = m_model->slotsInRowOrder()[std::size_t(sourceIndex.row())];
    const int row = std::size_t(slot) < m_rowOfSlot.size() ? m_rowOfSlot[std::size_t(slot)] : -1;
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QVariant SocketFilterProxy::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Vertical)
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    return m_model ? m_model->headerData(section, o, role) : QVariant();
}

} // namespace tcpscope
