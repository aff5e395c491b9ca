#include "formats/dataexport.h"

#include "ipaddress.h"
#include "nanoseconds.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace tcpscope {

namespace {

std::vector<std::uint32_t> timeOrder(const std::vector<StateChange> &changes)
{
    std::vector<std::uint32_t> order(changes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return changes[a].timeNs < changes[b].timeNs;
    });
    return order;
}

QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r'))
        return s;
    QString quoted = s;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString boolText(bool b) { return b ? u"true"_qs : u"false"_qs; }

// Seconds, with as many decimals as the times they come from (ms, µs or ns).
QString secondsText(double s, int digits) { return QString::number(s, 'f', digits); }

// A poll time (seconds since the epoch, a double) as an ISO-8601 UTC time to the microsecond.
// A poll's time (seconds since the epoch) to the microsecond; out of range (a damaged session):
// the epoch, never an overflow.
QString pollTime(double t) { return isoTime(nsFromSeconds(t).value_or(0), 6); }

} // namespace

QString isoTime(std::int64_t ns, int digits)
{
    // Floor division without overflow (INT64_MIN comes from hostile files): the fraction is
    // never negative.
    std::int64_t sec = ns / kNsPerSecond;
    std::int64_t frac = ns % kNsPerSecond;
    if (frac < 0) {
        frac += kNsPerSecond;
        --sec;
    }
    const QString base =
        QDateTime::fromSecsSinceEpoch(sec, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    const int d = digits == 3 || digits == 9 ? digits : 6;
    std::int64_t f = frac;
    for (int i = 9; i > d; --i)
        f /= 10;
    return base + u'.' + QStringLiteral("%1").arg(f, d, 10, QLatin1Char('0')) + u'Z';
}

DataTable connectionsTable(const TcpTracker &tracker, int digits)
{
    std::vector<ConnectionRow> rows;
    const auto &conns = tracker.connections();
    for (std::uint32_t i = 0; i < conns.size(); ++i) {
        const int client = conns[i].ep[0].role == Role::Server ? 1 : 0;
        rows.push_back({i, conns[i].ep[client].state, conns[i].ep[1 - client].state});
    }
    return connectionsTable(tracker, rows, digits);
}

DataTable connectionsTable(const TcpTracker &tracker, const std::vector<ConnectionRow> &rows,
                           int digits)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"connection", K::Number},
                                  {"family", K::Text},
                                  {"client_address", K::Text},
                                  {"client_port", K::Number},
                                  {"server_address", K::Text},
                                  {"server_port", K::Number},
                                  {"client_state", K::Text},
                                  {"server_state", K::Text},
                                  {"first_seen", K::Text},
                                  {"last_seen", K::Text},
                                  {"duration_s", K::Number},
                                  {"mid_stream", K::Boolean},
                                  {"refused", K::Boolean},
                                  {"roles_known", K::Boolean}})
        t.addColumn(QLatin1String(k), kind);
    const auto &conns = tracker.connections();
    for (const ConnectionRow &row : rows) {
        if (row.connection >= conns.size())
            continue;
        const Connection &c = conns[row.connection];
        const int client = c.ep[0].role == Role::Server ? 1 : 0, server = 1 - client;
        t.rows.push_back(
            {QString::number(row.connection), c.address[0].isV6() ? u"IPv6"_qs : u"IPv4"_qs,
             c.address[client].toString(), QString::number(c.port[client]),
             c.address[server].toString(), QString::number(c.port[server]),
             row.clientState ? rfcName(*row.clientState) : QString(),
             row.serverState ? rfcName(*row.serverState) : QString(),
             isoTime(c.firstSeenNs, digits), isoTime(c.lastSeenNs, digits),
             secondsText(double(saturatingSub(c.lastSeenNs, c.firstSeenNs)) / 1e9, digits),
             boolText(c.midStream), boolText(c.refused), boolText(c.ep[0].role != Role::Unknown)});
    }
    return t;
}

DataTable transitionsTable(const TcpTracker &tracker, std::optional<std::uint32_t> connection,
                           int digits)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"time", K::Text},
                                  {"connection", K::Number},
                                  {"endpoint", K::Number},
                                  {"role", K::Text},
                                  {"address", K::Text},
                                  {"port", K::Number},
                                  {"from", K::Text},
                                  {"to", K::Text},
                                  {"packet", K::Number},
                                  {"cause", K::Text},
                                  {"inferred", K::Boolean}})
        t.addColumn(QLatin1String(k), kind);
    const auto &changes = tracker.changes();
    char flags[32];
    for (std::uint32_t i : timeOrder(changes)) {
        const StateChange &c = changes[i];
        if (connection && c.connection != *connection)
            continue;
        const Connection &conn = tracker.connections()[c.connection];
        t.rows.push_back(
            {isoTime(c.timeNs, digits), QString::number(c.connection), QString::number(c.endpoint),
             QLatin1String(roleName(conn.ep[c.endpoint].role)), conn.address[c.endpoint].toString(),
             QString::number(conn.port[c.endpoint]), rfcName(c.from), rfcName(c.to),
             QString::number(c.packet),
             c.packet ? QLatin1String(flagsText(c.flags, flags)) : u"timer"_qs,
             boolText(c.inferred)});
    }
    return t;
}

bool countedInCaptures(TcpState s) { return s != TcpState::Closed && s != TcpState::Listen; }

std::vector<CountSample> countsOverTime(const TcpTracker &tracker, std::size_t maxSamples)
{
    std::vector<CountSample> samples;
    const auto &changes = tracker.changes();
    if (changes.empty())
        return samples;
    const std::vector<std::uint32_t> order = timeOrder(changes);
    const std::int64_t first = changes[order.front()].timeNs;
    const std::int64_t last = changes[order.back()].timeNs;
    // Saturating: the times of a hostile capture may span more than 2^63 ns.
    const std::int64_t bucket = std::max<std::int64_t>(
        1, saturatingSub(last, first) / std::int64_t(std::max<std::size_t>(1, maxSamples)));
    StateCounts counts{};
    // A sample closes each bucket, with the counts after all of that bucket's changes.
    for (std::size_t k = 0; k < order.size(); ++k) {
        const StateChange &c = changes[order[k]];
        if (countedInCaptures(c.from))
            --counts[std::size_t(index(c.from))];
        if (countedInCaptures(c.to))
            ++counts[std::size_t(index(c.to))];
        const bool lastOfBucket = k + 1 == order.size()
                                  || saturatingSub(changes[order[k + 1]].timeNs, first) / bucket
                                         != saturatingSub(c.timeNs, first) / bucket;
        if (lastOfBucket)
            samples.push_back({c.timeNs, counts});
    }
    return samples;
}

DataTable countsTable(const std::vector<CountSample> &samples, int digits)
{
    DataTable t;
    t.addColumn(u"time"_qs);
    for (int i = 0; i < kTcpStateCount; ++i)
        t.addColumn(rfcName(stateAt(i)), DataTable::Number);
    for (const CountSample &s : samples) {
        QStringList row{isoTime(s.timeNs, digits)};
        for (int n : s.counts)
            row << QString::number(n);
        t.rows.push_back(std::move(row));
    }
    return t;
}

DataTable kernelTransitionsTable(const std::vector<Transition> &transitions)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"time", K::Text},
                                  {"not_before", K::Text},
                                  {"socket", K::Text},
                                  {"local_address", K::Text},
                                  {"local_port", K::Number},
                                  {"remote_address", K::Text},
                                  {"remote_port", K::Number},
                                  {"from", K::Text},
                                  {"to", K::Text},
                                  {"appeared", K::Boolean}})
        t.addColumn(QLatin1String(k), kind);
    for (const Transition &tr : transitions) {
        t.rows.push_back({pollTime(tr.time), tr.earliest > 0 ? pollTime(tr.earliest) : QString(),
                          QString::number(tr.connection), tr.localAddress.toString(),
                          QString::number(tr.localPort), tr.remoteAddress.toString(),
                          QString::number(tr.remotePort), rfcName(tr.from), rfcName(tr.to),
                          boolText(tr.firstSeen)});
    }
    return t;
}

DataTable kernelSocketsTable(const std::vector<KernelSocketRow> &rows, double now)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"socket", K::Text},
                                  {"family", K::Text},
                                  {"local_address", K::Text},
                                  {"local_port", K::Number},
                                  {"remote_address", K::Text},
                                  {"remote_port", K::Number},
                                  {"state", K::Text},
                                  {"gone", K::Boolean},
                                  {"state_since", K::Text},
                                  {"in_state_s", K::Number},
                                  {"first_seen", K::Text},
                                  {"age_s", K::Number},
                                  {"recv_q", K::Number},
                                  {"send_q", K::Number},
                                  {"timer", K::Text},
                                  {"timer_expires_ms", K::Number},
                                  {"retrans", K::Number},
                                  {"uid", K::Number},
                                  {"inode", K::Number},
                                  {"processes", K::Text},
                                  {"process_note", K::Text},
                                  {"packet_state", K::Text},
                                  {"packet_peer_state", K::Text}})
        t.addColumn(QLatin1String(k), kind);
    for (const KernelSocketRow &k : rows) {
        if (!k.row)
            continue;
        const SocketRow &r = *k.row;
        const SocketRecord &rec = r.record;
        const bool timer = rec.timer != TimerKind::None;
        t.rows.push_back({QString::number(r.key),
                          rec.localAddress.isV6() ? u"IPv6"_qs : u"IPv4"_qs,
                          rec.localAddress.toString(),
                          QString::number(rec.localPort),
                          rec.remoteAddress.toString(),
                          QString::number(rec.remotePort),
                          rfcName(rec.state),
                          boolText(!r.alive()),
                          pollTime(r.stateSince),
                          secondsText(now - r.stateSince, 3),
                          pollTime(r.firstSeen),
                          secondsText(now - r.firstSeen, 3),
                          QString::number(rec.recvQ),
                          QString::number(rec.sendQ),
                          timer ? QLatin1String(timerKindName(rec.timer)) : QString(),
                          timer ? QString::number(rec.timerExpiresMs) : QString(),
                          QString::number(rec.retrans),
                          QString::number(rec.uid),
                          QString::number(rec.inode),
                          k.processes,
                          k.processNote,
                          k.packetStates ? rfcName(k.packetStates->first) : QString(),
                          k.packetStates ? rfcName(k.packetStates->second) : QString()});
    }
    return t;
}

QByteArray toCsv(const DataTable &table)
{
    QString out;
    const auto line = [&](const QStringList &cells) {
        for (qsizetype i = 0; i < cells.size(); ++i) {
            if (i)
                out += u',';
            out += csvField(cells[i]);
        }
        out += QStringLiteral("\r\n");
    };
    line(table.keys);
    for (const QStringList &r : table.rows)
        line(r);
    return out.toUtf8();
}

QByteArray toJson(const DataTable &table)
{
    QJsonArray rows;
    for (const QStringList &r : table.rows) {
        QJsonObject o;
        for (qsizetype i = 0; i < table.keys.size() && i < r.size(); ++i) {
            bool ok = false;
            const DataTable::Kind kind = table.kinds.value(i, DataTable::Text);
            const double v = kind == DataTable::Number ? r[i].toDouble(&ok) : 0;
            if (r[i].isEmpty())
                o.insert(table.keys[i], QJsonValue::Null);
            else if (ok)
                o.insert(table.keys[i], v);
            else if (kind == DataTable::Boolean && (r[i] == u"true" || r[i] == u"false"))
                o.insert(table.keys[i], r[i] == u"true");
            else
                o.insert(table.keys[i], r[i]);
        }
        rows.append(o);
    }
    return QJsonDocument(rows).toJson(QJsonDocument::Indented);
}

} // namespace tcpscope
