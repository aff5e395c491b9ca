// The kernel's socket table as a Qt model: one row per socket, updated incrementally from
// each poll (rows inserted, removed, dataChanged; a burst of removals as one reset, in the next
// event-loop turn), with raw values for sorting (SortRole) separate from the text shown. Each row
// keeps what the sorted, filtered view (SocketFilterProxy) needs ready: its texts to search and
// its sort key, made when the row changes; and after each step the model says which storage
// slots changed.
#pragma once

#include "kernel/kernelpoller.h"
#include "models/socketfilter.h"
#include "models/socketsituation.h"
#include "models/socketsortkey.h"
#include "packets/livedelta.h"
#include "packets/tcptracker.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include <deque>
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
        Namespace, // shown with every namespace's sockets: "lab1 (net:[4026532301])"
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, StateRole, KeyRole, GoneRole };

    // Which storage slots one step changed (a slot holds one socket while it is in the table;
    // a slot removed may be reused for a new socket in the same step: it is in both lists).
    struct SlotChanges
    {
        std::vector<int> removed; // sockets gone from the table
        std::vector<int> changed; // shown beyond their times (state, queues, owners, packets)
        std::vector<int> added;   // new sockets
        bool all = false;         // every row's texts (the language changed)
    };

    explicit KernelSocketModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // Applies one poll: new sockets are inserted (a chunk per event-loop turn), vanished ones
    // (gone from the batch after their fade) removed (thousands of them in the next turn), the
    // rest updated in place. (Its transitions are the record's: KernelTimelineStore keeps them.)
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

    // The texts a column can show whatever the rows, in this language (every state, alive and
    // gone; the owners' notes; the longest durations): what its width must fit.
    QStringList columnTexts(int column) const;
    // Where one socket (by key) is now, for the explanation panel; nullopt if not in the table.
    std::optional<SocketSituation> situation(quint64 key) const;
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

    // By storage slot, for the sorted, filtered view: the slots in row order, a slot's row
    // (-1: free), its socket's key, its sort key on a column, whether it passes a filter.
    const std::vector<int> &slotsInRowOrder() const { return m_order; }
    int slotCount() const { return int(m_pool.size()); }
    int rowOfSlot(int slot) const { return m_rowOfSlot[std::size_t(slot)]; }
    quint64 keyOfSlot(int slot) const { return m_pool[std::size_t(slot)].row.row.key; }
    SocketSortKey sortKey(int slot, int column) const;
    bool matches(int slot, const SocketFilter &filter) const;

signals:
    // After each step (a poll, a chunk of new rows, packets, the language): what changed.
    void slotsChanged(const tcpscope::KernelSocketModel::SlotChanges &changes);

private:
    struct Slot
    {
        KernelPollBatch::Row row;
        double seenAt = 0;             // when this model first saw it (for the "new" highlight)
        std::uint32_t generation = 0;  // the last poll that had it (0: a free slot)
        QString local, remote;         // as shown (and searched: inet_ntop's text is lower case)
        QString process, processLower; // the Process column, made when the owners change
    };
    QString text(const Slot &s, int column) const;
    void makeProcessTexts(Slot &s);
    void makeTexts(Slot &s, bool endpoints);
    void retranslateTexts();
    QString sinceText(double since) const;
    QVariant toolTip(const Slot &s, int column) const;
    QVariant background(const Slot &s) const;
    static std::optional<double> secondsInTimeWait(const SocketRecord &rec);
    static bool finTimeoutOfOrphan(const Slot &s);
    static constexpr double kTimeWaitSeconds = 60; // TCP_TIMEWAIT_LEN
    QVariant sortValue(const Slot &s, int column) const;

    // Stable storage, a deque: growing never moves the slots (a vector's doubling moved 100k
    // of them, strings and all, in one event-loop turn of a burst).
    std::deque<Slot> m_pool;
    std::vector<int> m_free;      // free slots in m_pool
    std::vector<int> m_order;     // row → slot
    std::vector<int> m_rowOfSlot; // slot → row (-1: free)
    QHash<quint64, int> m_slotOf; // key → slot
    double m_now = 0;
    double m_firstPoll = 0; // sockets there at the first poll are older than tcpscope knows
    std::uint32_t m_generation = 0;
    // Texts every row shares, made once per language: states as searched (alive, gone), the
    // owner notes, a process's "name (pid)".
    QString m_stateSearch[2][kTcpStateCount];
    QString m_ownershipNote[5], m_ownershipNoteLower[5]; // by Ownership
    struct OwnerText
    {
        QString name, text, lower;
    };
    QHash<qint64, OwnerText> m_ownerText;    // by pid
    QHash<quint32, QString> m_namespaceText; // by inode, from the batches
    QHash<quint32, QString> m_namespaceLower;
    QString m_noNamespace;
    // Updates the rows the poll still has in place; how many it had.
    std::size_t updateRows(const KernelPollBatch &batch, std::uint32_t gen,
                           std::vector<const KernelPollBatch::Row *> *fresh,
                           std::vector<char> *kinds, std::vector<int> *changed);
    struct Hint // where a row of the poll is (slot -1: a new socket)
    {
        int slot = -1;
        Slot *at = nullptr; // (a deque's slots never move)
    };
    Hint slotOfRow(std::size_t i, quint64 key);
    void prefetchSlot(std::size_t i, bool owners) const;
    char updateRow(Slot &slot, const KernelPollBatch::Row &r, std::uint32_t gen);
    std::vector<Hint> m_hints; // by index in the last poll's table: where its row was
    static constexpr std::size_t kPrefetchRows = 16;
    struct Remains // what a removed row holds on the heap, freed on a pool thread
    {
        std::vector<ProcessInfo> processes;
        QString local, remote, process, processLower;
    };
    static void bury(std::shared_ptr<std::vector<Remains>> dead);
    std::size_t staleRuns(std::uint32_t gen) const;
    void removeStale(std::uint32_t gen, std::size_t count, bool announce,
                     std::vector<int> *removed);
    void finishRemoval(); // the burst a poll left to remove, now
    void renumberRows();
    void announceChanges(const std::vector<char> &kinds);
    // What a poll leaves for later turns, one step a turn: first the burst of rows it removes
    // (a burst's 50,000, removed in the turn of its update, held the window ~30 ms more), then
    // its new rows, kInsertChunk a turn.
    // (A timer, not a posted call: a call posted in the poll's turn ran before the event loop's
    // timers, in the same stretch as the poll's own work.)
    void scheduleDeferred();
    void continueDeferred();
    QTimer m_deferred;
    std::uint32_t m_staleGeneration = 0; // a burst to remove: the rows not of this poll
    std::size_t m_staleRows = 0;         // (how many)
    void insertFresh();                  // inserts up to kInsertChunk rows of m_fresh
    void insertFreshChunk(std::size_t n, std::vector<int> *added);
    // A poll that removes more rows than kBurstRows leaves them for the next turn, removed in
    // one reset; fewer in more than kBurstRuns runs are removed in one reset at once.
    static constexpr std::size_t kInsertChunk = 2000;
    static constexpr std::size_t kBurstRows = 2000;
    static constexpr std::size_t kBurstRuns = 64;
    std::vector<const KernelPollBatch::Row *> m_fresh; // new rows still to insert, in:
    std::shared_ptr<const std::vector<KernelPollBatch::Row>> m_freshRows;
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
