// Data exports: the connections of a capture, their transitions and the count of endpoints
// per state over time, as a plain table written as CSV (RFC 4180: header row, quoted where
// needed, CRLF, ISO-8601 times in UTC) or JSON (an array of objects). The window exports
// its own tables the same way.
#pragma once

#include "kernel/sockettable.h"
#include "packets/tcptracker.h"
#include "transition.h"

#include <QByteArray>
#include <QStringList>

#include <optional>
#include <vector>

namespace tcpscope {

struct DataTable
{
    enum Kind : char { Text, Number, Boolean }; // how JSON writes a column's values
    QStringList keys;                           // column names: the CSV header, the JSON keys
    QList<Kind> kinds;
    std::vector<QStringList> rows;

    void addColumn(const QString &key, Kind kind = Text)
    {
        keys << key;
        kinds << kind;
    }
};

// "2026-11-24T14:02:31.123456Z" (digits: 3, 6 or 9).
QString isoTime(std::int64_t ns, int digits = 6);

// One row per connection: addresses, both endpoints' final states, first and last seen.
DataTable connectionsTable(const TcpTracker &tracker, int digits = 6);
// The same columns for chosen connections, in the order given (a table's rows as filtered and
// sorted), each with its endpoints' states at the moment shown (nullopt: not yet seen; null
// in JSON).
struct ConnectionRow
{
    std::uint32_t connection = 0;
    std::optional<TcpState> clientState, serverState;
};
DataTable connectionsTable(const TcpTracker &tracker, const std::vector<ConnectionRow> &rows,
                           int digits = 6);
// One row per transition, in time order (of one connection, or all).
DataTable transitionsTable(const TcpTracker &tracker, std::optional<std::uint32_t> connection,
                           int digits = 6);

// Endpoints per state over the capture's time (CLOSED and the listener's LISTEN are not
// connections' states and are not counted): a sample after each burst of changes, at most
// maxSamples, whatever the capture's length. What the capture tab's chart draws.
// CLOSED and the listener's assumed LISTEN are not connections' states: capture charts and
// the diagram's capture counts leave them out.
bool countedInCaptures(TcpState s);

struct CountSample
{
    std::int64_t timeNs;
    StateCounts counts;
};
std::vector<CountSample> countsOverTime(const TcpTracker &tracker, std::size_t maxSamples = 20000);
DataTable countsTable(const std::vector<CountSample> &samples, int digits = 6);

// Transitions the kernel-table poller saw: each within (earliest, time].
DataTable kernelTransitionsTable(const std::vector<Transition> &transitions);

// The kernel's socket table at poll time `now` (seconds since the epoch), one row per socket
// given, in that order; packetStates (optional, same length): what a packet capture says of
// the socket's local end and its peer.
struct KernelSocketRow
{
    const SocketRow *row = nullptr;
    QString processes;   // "nginx (412), nginx (413)"; empty: none known
    QString processNote; // why there is no process (TIME_WAIT has no descriptor…); or empty
    std::optional<std::pair<TcpState, TcpState>> packetStates;
};
DataTable kernelSocketsTable(const std::vector<KernelSocketRow> &rows, double now);

// CSV: every cell as text. JSON: Number and Boolean columns typed, an empty cell null.
QByteArray toCsv(const DataTable &table);
QByteArray toJson(const DataTable &table);

} // namespace tcpscope
