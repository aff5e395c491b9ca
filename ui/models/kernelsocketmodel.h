// The kernel's socket table as a Qt model: one row per socket, updated incrementally from
// each poll (rows inserted, removed, dataChanged; never a reset), with raw values for sorting
// (SortRole) separate from the text shown.
#pragma once

#include "kernel/kernelpoller.h"
#include "models/socketsituation.h"
#include "packets/livedelta.h"
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
    // The same from a live capture's delta, in O(the delta + the kernel rows): only the
    // 4-tuples of the connections it added, changed or retired are updated, and dataChanged
    // goes only to the kernel rows with one of those 4-tuples.
    void applyPacketDelta(const LiveDelta &delta);
    // The packet engine's states for a socket's local endpoint and its peer, if the capture
    // saw the connection.
    std::optional<std::pair<TcpState, TcpState>> packetState(const SocketRecord &r) const;

    // Where one socket (by key) is now, for the explanation panel; nullopt if not in the table.
    std::optional<SocketSituation> situation(quint64 key) const;
    // What the free-text filter matches for a row: its local and remote address:port, process
    // and state as shown, lower case (made once, until the row changes).
    const QString &searchText(int row) const;
    // Whether process `pid` holds the socket of a row.
    bool ownedBy(int row, qint64 pid) const;
    // The pids holding a row's socket.
    QList<qint64> ownerPids(int row) const;
    // When the watch began (a saved session's first poll); by default the first poll applied.
    // Sockets already there then are older than their ages say: shown "≥ …".
    void setWatchStart(double time) { m_firstPoll = time; }
    // The model row of a socket (by key), if it is in the table.
    std::optional<int> rowOf(quint64 key) const;
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
        mutable QString search;       // what the free-text filter matches (empty: not made)
    };
    QString text(const Slot &s, int column) const;
    QString sinceText(double since) const;
    QVariant toolTip(const Slot &s, int column) const;
    static std::optional<double> secondsInTimeWait(const SocketRecord &rec);
    static bool finTimeoutOfOrphan(const Slot &s);
    static constexpr double kTimeWaitSeconds = 60; // TCP_TIMEWAIT_LEN
    QVariant sortValue(const Slot &s, int column) const;

    std::vector<Slot> m_pool;     // stable storage
    std::vector<int> m_free;      // free slots in m_pool
    std::vector<int> m_order;     // row → slot
    QHash<quint64, int> m_slotOf; // key → slot
    double m_now = 0;
    double m_firstPoll = 0; // sockets there at the first poll are older than tcpscope knows
    std::uint32_t m_generation = 0;
    void updateRows(const KernelPollBatch &batch, std::uint32_t gen,
                    std::vector<const KernelPollBatch::Row *> *fresh, std::vector<int> *changed);
    void removeStale(std::uint32_t gen, bool announce);
    void announceChanges(const std::vector<int> &changedSlots);
    void insertFresh(); // inserts up to kInsertChunk rows of m_fresh, then the rest later
    void insertFreshChunk(std::size_t n);
    // A big first poll goes in a chunk per turn of the event loop; a poll that changes more
    // rows than kBurstRows at once is applied as one reset (the page keeps the selection).
    static constexpr std::size_t kInsertChunk = 2000;
    static constexpr std::size_t kBurstRows = 2000;
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
