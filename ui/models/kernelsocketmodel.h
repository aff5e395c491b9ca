// The kernel's socket table as a Qt model: one row per socket, updated incrementally from
// each poll (rows inserted, removed, dataChanged; never a reset), with raw values for sorting
// (SortRole) separate from the text shown.
#pragma once

#include "kernel/kernelpoller.h"
#include "models/socketsituation.h"
#include "packets/tcptracker.h"

#include <QAbstractTableModel>
#include <QHash>

#include <memory>
#include <optional>
#include <vector>

namespace tcpscope {

class KernelSocketModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Family,
        Local,
        Remote,
        State,
        Process,
        InState,
        Age,
        RecvQ,
        SendQ,
        Timer,
        Source,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, StateRole, KeyRole, GoneRole };

    explicit KernelSocketModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // Applies one poll: new sockets are inserted, vanished ones (gone from the batch after
    // their fade) removed, the rest updated in place. (Its transitions are the record's:
    // KernelTimelineStore keeps them.)
    void apply(const KernelPollBatch &batch);
    // What a live packet capture says of the same connections: the socket whose 4-tuple the
    // capture has seen shows both views in one row (null: no capture).
    void setPacketView(std::shared_ptr<const TcpTracker> tracker);
    // The packet engine's states for a socket's local endpoint and its peer, if the capture
    // saw the connection.
    std::optional<std::pair<TcpState, TcpState>> packetState(const SocketRecord &r) const;

    // Where one socket (by key) is now, for the explanation panel; nullopt if not in the table.
    std::optional<SocketSituation> situation(quint64 key) const;
    // The socket in a row, and the poll time the table shows: what exports write.
    const KernelPollBatch::Row &socketAt(int row) const
    {
        return m_pool[std::size_t(m_order[std::size_t(row)])].row;
    }
    double now() const { return m_now; }
    // Row A before row B when sorting on `column`, by raw value (what SortRole gives, fast).
    bool lessThan(int rowA, int rowB, int column) const;

private:
    struct Slot
    {
        KernelPollBatch::Row row;
        double seenAt = 0;            // when this model first saw it (for the "new" highlight)
        std::uint32_t generation = 0; // the last poll that had it
    };
    QString text(const Slot &s, int column) const;
    QVariant sortValue(const Slot &s, int column) const;

    std::vector<Slot> m_pool;     // stable storage
    std::vector<int> m_free;      // free slots in m_pool
    std::vector<int> m_order;     // row → slot
    QHash<quint64, int> m_slotOf; // key → slot
    double m_now = 0;
    std::uint32_t m_generation = 0;
    void insertFresh(); // inserts up to kInsertChunk rows of m_fresh
    static constexpr std::size_t kInsertChunk = 10000;
    std::vector<KernelPollBatch::Row> m_fresh; // new rows still to insert (a big first poll)
    double m_freshSeenAt = 0;
    std::shared_ptr<const TcpTracker> m_packets;
    // 4-tuple (local → remote) → the local end's state and its peer's
    QHash<quint64, std::pair<TcpState, TcpState>> m_packetStates;
};

} // namespace tcpscope
