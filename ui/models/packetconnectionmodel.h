// The connections of a capture, as the packet engine inferred them: one row per connection
// incarnation, with both endpoints' states.
#pragma once

#include "packets/capturefile.h"
#include "packets/livedelta.h"

#include <QAbstractTableModel>

#include <memory>
#include <optional>

namespace tcpscope {

class PacketConnectionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Family,
        Client,
        Server,
        ClientState,
        ServerState,
        FirstSeen,
        Duration,
        Notes,
        ColumnCount
    };
    enum DataRole { SortRole = Qt::UserRole + 1, ConnectionRole };

    explicit PacketConnectionModel(CaptureResult result, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    const CaptureResult &result() const { return m_result; }
    // What a live capture changed since its last delta, applied in place in O(the delta):
    // retired rows removed, new rows inserted, dataChanged for the changed rows only, the
    // per-connection change index extended. Never a reset, except at the first delta of a
    // new capture (a restart).
    void applyDelta(const LiveDelta &delta);
    // A live capture's segments, filed per connection from the deltas for the ladder (also
    // result().segments), at most kMaxLiveSegments in all: past it, the oldest connections'
    // are dropped (SegmentIndex::complete), except those of `keepSegmentsOf`.
    static constexpr std::size_t kMaxLiveSegments = 4'000'000; // 128 MB
    const SegmentIndex *liveSegments() const { return m_liveSegments.get(); }
    void keepSegmentsOf(std::uint32_t connection) { m_keepSegmentsOf = connection; }
    // The finished connections a live capture no longer keeps, in counts.
    const RetiredSummary &retired() const { return m_retired; }
    // Shows the states as they were at a moment of the capture (nullopt: at its end).
    void setMoment(std::optional<std::int64_t> timeNs);
    std::optional<std::int64_t> moment() const { return m_moment; }
    // The transitions of one connection, in time order.
    std::vector<StateChange> history(std::uint32_t connection) const;

private:
    int clientIndex(const Connection &c) const { return c.ep[0].role == Role::Server ? 1 : 0; }
    void indexChanges(std::size_t from);
    void removeRetired(const std::vector<std::uint32_t> &ids);
    void emitChanged(const std::vector<std::pair<std::uint32_t, Connection>> &changed);
    // While removeRetired() signals its runs (highest first), the runs already removed:
    // a row is mapped past them to the connection it shows.
    std::uint32_t connectionOf(int row) const;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_removedRuns; // first, count
    std::uint32_t m_removedCount = 0;
    CaptureResult m_result;
    std::shared_ptr<TcpTracker> m_live; // a live capture's copy, following its deltas
    std::shared_ptr<SegmentIndex> m_liveSegments;
    std::uint32_t m_keepSegmentsOf = UINT32_MAX;
    void fileSegments(const LiveDelta &d, std::size_t knownChanges);
    RetiredSummary m_retired;
    // The state of endpoint e of a connection at the moment shown; nullopt: not yet seen.
    std::optional<TcpState> stateAt(const Connection &c, int row, int e) const;
    std::vector<std::vector<std::uint32_t>> m_changesByConnection;
    std::optional<std::int64_t> m_moment;
};

} // namespace tcpscope
