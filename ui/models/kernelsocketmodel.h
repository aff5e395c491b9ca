// The kernel's socket table as a Qt model: one row per socket, updated incrementally from
// each poll (rows inserted, removed, dataChanged; never a reset), with raw values for sorting
// (SortRole) separate from the text shown.
#pragma once

#include "kernel/kernelpoller.h"
#include "packets/livedelta.h"
#include "packets/tcptracker.h"
#include "widgets/teachingpanel.h"

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
    // their fade) removed, the rest updated in place. Its transitions go to recordTransitions().
    void apply(const KernelPollBatch &batch);
    // Keeps each socket's transitions for its history (also while the picture is paused).
    void recordTransitions(const std::vector<Transition> &transitions);
    // What a live packet capture says of the same connections: the socket whose 4-tuple the
    // capture has seen shows both views in one row (null: no capture).
    void setPacketView(std::shared_ptr<const TcpTracker> tracker);
    // The same from a live capture's delta, in O(the delta + the kernel rows): only the
    // 4-tuples of the connections it added, changed or retired are updated, and dataChanged
    // goes only to the kernel rows with one of those 4-tuples.
    void applyPacketDelta(const LiveDelta &delta);
    // The packet engine's states for a socket's local endpoint and its peer, if the capture
    // saw the connection.
    std::optional<std::pair<TcpState, TcpState>> packetState(const SocketRecord &r) const;

    // Forgets the transitions seen so far (the rows stay: they are what the kernel has now).
    void clearHistory() { m_history.clear(); }

    // Where one socket (by key) is now, for the explanation panel; nullopt if not in the table.
    std::optional<SocketSituation> situation(quint64 key) const;

    // The transitions seen for one socket (by key), oldest first.
    std::vector<Transition> history(quint64 key) const;
    // Every socket's transitions seen so far, oldest first.
    std::vector<Transition> allHistory() const;
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
    QHash<quint64, std::vector<Transition>> m_history;
    double m_now = 0;
    std::uint32_t m_generation = 0;
    void insertFresh(); // inserts up to kInsertChunk rows of m_fresh
    static constexpr std::size_t kInsertChunk = 10000;
    std::vector<KernelPollBatch::Row> m_fresh; // new rows still to insert (a big first poll)
    double m_freshSeenAt = 0;
    struct PacketView
    {
        std::pair<TcpState, TcpState> states; // the local end's and its peer's
        std::int64_t firstSeenNs = 0;         // which incarnation of the 4-tuple
    };
    void setPacketState(const Connection &c, std::vector<quint64> *touched);
    void signalPacketRows(std::vector<quint64> touched);
    // 4-tuple (local → remote) → what the capture says of it
    QHash<quint64, PacketView> m_packetStates;
};

} // namespace tcpscope
