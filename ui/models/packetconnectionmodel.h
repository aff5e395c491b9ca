// The connections of a capture, as the packet engine inferred them: one row per connection
// incarnation, with both endpoints' states.
#pragma once

#include "packets/tcptracker.h"

#include <QAbstractTableModel>

#include <memory>
#include <optional>

namespace tcpscope {

struct CaptureResult
{
    QString path;
    QString error; // a cut-off file keeps what was read and says so here
    std::shared_ptr<const TcpTracker> tracker;
    std::uint64_t packets = 0, tcpPackets = 0;
    int digits = 6;
    std::int64_t lastTimeNs = 0;
};

// Reads a capture file completely (call it off the GUI thread).
CaptureResult readCapture(const QString &path);

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
    // A newer picture of the same capture (live): connections only ever get added, so new
    // ones are inserted and the others updated in place.
    void update(CaptureResult newer);
    // Shows the states as they were at a moment of the capture (nullopt: at its end).
    void setMoment(std::optional<std::int64_t> timeNs);
    std::optional<std::int64_t> moment() const { return m_moment; }
    // The transitions of one connection, in time order.
    std::vector<StateChange> history(std::uint32_t connection) const;

private:
    int clientIndex(const Connection &c) const { return c.ep[0].role == Role::Server ? 1 : 0; }
    CaptureResult m_result;
    // The state of endpoint e of a connection at the moment shown; nullopt: not yet seen.
    std::optional<TcpState> stateAt(const Connection &c, int row, int e) const;
    std::vector<std::vector<std::uint32_t>> m_changesByConnection;
    std::optional<std::int64_t> m_moment;
};

} // namespace tcpscope
