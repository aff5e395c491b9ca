// The kernel table as the user sees it: filtered by state(s) and by free text matched against
// the addresses, ports, process and state, and sorted on raw values — done here rather than by
// QSortFilterProxyModel, for 100k rows: each row's sort key and search texts are made when the
// row changes (KernelSocketModel), a poll's changed rows are sorted alone and merged into the
// kept order (a burst's a slice per event-loop turn), and the result is published as at most one
// removal, one insertion (both at the end) and one layout change, which keep the selection
// (persistent indexes follow the rows).
#pragma once

#include "models/kernelsocketmodel.h"
#include "models/socketfilter.h"

#include <QAbstractProxyModel>

#include <algorithm>
#include <optional>
#include <vector>

namespace tcpscope {

class SocketFilterProxy : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit SocketFilterProxy(QObject *parent = nullptr);

    void setStates(const QList<TcpState> &states); // empty: all
    QList<TcpState> states() const { return m_filter.states; }
    // Free text: every word must match the local or remote address:port, the process or the
    // state; a word "pid:N" matches the sockets that process N holds.
    void setText(const QString &text);
    QString text() const { return m_text; }
    void setSourceModel(QAbstractItemModel *model) override; // a KernelSocketModel
    // Only these sockets (by KernelSocketModel::KeyRole), e.g. a finding's evidence; off: all.
    void setKeys(const QSet<quint64> &keys);
    void clearKeys();
    bool filtersByKeys() const { return m_filter.byKeys; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_column; }
    Qt::SortOrder sortOrder() const
    {
        return m_descending ? Qt::DescendingOrder : Qt::AscendingOrder;
    }

    // The socket (by key) a row shows, and the row that shows a socket.
    quint64 keyAt(int row) const { return m_keys[std::size_t(m_shown[std::size_t(row)])].socket; }
    std::optional<int> rowOfKey(quint64 key) const;

    // A step of the model that changes more rows than kSliceRows is taken kSliceRows at a time,
    // one event-loop turn each (a burst of 50,000 would hold the window ~50 ms in one turn):
    // meanwhile the rows not yet taken show their new values at their old places. Rows that
    // leave the table leave at once (their storage is reused).
    static constexpr std::size_t kSliceRows = 8000;
    // (Tests: a smaller slice, for a burst of a few hundred real sockets.)
    void setSliceRows(std::size_t rows) { m_sliceRows = std::max<std::size_t>(1, rows); }
    // Rows of the model still to be re-sorted and re-filtered in later turns.
    std::size_t pendingRows() const { return m_pending.size(); }
    // Takes every pending row now (tests; a caller that needs the final order at once).
    void applyPending();

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &) const override { return {}; }
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

signals:
    // Around every change of the rows shown (the view keeps its top row by socket).
    void aboutToPublish();
    void published();

private:
    void onSlotsChanged(const KernelSocketModel::SlotChanges &changes);
    void step(const KernelSocketModel::SlotChanges &changes, std::size_t limit);
    void mergeFresh(std::vector<int> todo, std::vector<char> &dirty, std::size_t limit);
    void schedulePending();
    void rebuild();        // every row keyed, filtered and sorted again
    void sortEverything(); // m_sorted from every row's key
    void filterEverything();
    void takePendingTests();
    bool less(int slotA, int slotB) const
    {
        return sortsBefore(m_keys[std::size_t(slotA)], m_keys[std::size_t(slotB)], m_descending);
    }
    void fitToModel();
    void publish(const std::vector<char> &forcedOut);
    void removeLeaving(const std::vector<char> &inTarget, const std::vector<char> &forcedOut);
    void appendArriving(const std::vector<int> &target);
    void reorder(std::vector<int> target);
    void moveRows(std::vector<int> shown); // a layout change to `shown`

    const KernelSocketModel *m_model = nullptr;
    SocketFilter m_filter;
    QString m_text;
    int m_column = -1; // -1: by socket key
    bool m_descending = false;
    std::vector<SocketSortKey> m_keys; // by slot
    std::vector<char> m_accepted;      // by slot: passes the filter
    std::vector<int> m_sorted;         // every slot in the table, in order
    std::vector<int> m_shown;          // row → slot
    std::vector<int> m_rowOfSlot;      // slot → row (-1: not shown)
    std::vector<int> m_pending;        // slots changed or added, to take in a later turn
    bool m_pendingScheduled = false;
    std::size_t m_sliceRows = kSliceRows;
};

} // namespace tcpscope
