#include "models/packetconnectionmodel.h"

#include "models/kernelsocketmodel.h"
#include "packets/retiredids.h"
#include "statepalette.h"
#include "uilanguage.h"

#include <QDateTime>

namespace tcpscope {

PacketConnectionModel::PacketConnectionModel(CaptureResult result, QObject *parent)
    : QAbstractTableModel(parent)
    , m_result(std::move(result))
{
    retranslateOnLanguageChange(this);
    indexChanges(0);
}

// Extends the per-connection index with the changes from `from` on.
void PacketConnectionModel::indexChanges(std::size_t from)
{
    if (!m_result.tracker) {
        m_changesByConnection.clear();
        return;
    }
    m_changesByConnection.resize(m_result.tracker->connections().size());
    const auto &changes = m_result.tracker->changes();
    for (std::size_t i = from; i < changes.size(); ++i)
        m_changesByConnection[changes[i].connection].push_back(std::uint32_t(i));
}

void PacketConnectionModel::applyDelta(const LiveDelta &d)
{
    if (d.first && m_live && !m_live->connections().empty()) { // a new capture
        beginResetModel();
        m_live.reset();
        m_liveSegments.reset();
        m_changesByConnection.clear();
        m_retired = {};
        endResetModel();
    }
    if (!m_live) {
        m_live = std::make_shared<TcpTracker>();
        m_result.tracker = m_live;
        m_liveSegments = std::make_shared<SegmentIndex>();
        m_result.segments = m_liveSegments;
    }
    removeRetired(d.retired);
    const int before = rowCount();
    const std::size_t knownChanges = m_live->changes().size();
    if (!d.added.empty())
        beginInsertRows({}, before, before + int(d.added.size()) - 1);
    m_live->apply(d);
    indexChanges(knownChanges);
    fileSegments(d, knownChanges);
    m_result.packets = d.packets;
    m_result.tcpPackets = d.tcpPackets;
    m_result.lastTimeNs = d.lastTimeNs;
    m_result.digits = d.digits;
    if (!d.added.empty())
        endInsertRows();
    emitChanged(d.changed);
}

// The rows of retired connections go, in runs from the highest so that each run's rows are
// still where the views have them; the tracker compacts once, after the signals.
void PacketConnectionModel::removeRetired(const std::vector<std::uint32_t> &ids)
{
    if (ids.empty())
        return;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
    for (std::uint32_t id : ids) {
        if (!runs.empty() && runs.back().first + runs.back().second == id)
            ++runs.back().second;
        else
            runs.emplace_back(id, 1);
    }
    for (auto run = runs.rbegin(); run != runs.rend(); ++run) {
        beginRemoveRows({}, int(run->first), int(run->first + run->second) - 1);
        m_removedRuns.insert(m_removedRuns.begin(), *run);
        m_removedCount += run->second;
        endRemoveRows();
    }
    std::vector<std::uint32_t> changeMap;
    m_retired.add(m_live->retire(ids, true, &changeMap));
    m_liveSegments->retire(ids, changeMap);
    retireChangeLists(m_changesByConnection, ids, changeMap);
    m_removedRuns.clear();
    m_removedCount = 0;
}

void PacketConnectionModel::fileSegments(const LiveDelta &d, std::size_t knownChanges)
{
    m_liveSegments->fileDelta(d, *m_live, knownChanges);
    m_liveSegments->bound(kMaxLiveSegments, m_keepSegmentsOf);
}

std::uint32_t PacketConnectionModel::connectionOf(int row) const
{
    auto c = std::uint32_t(row);
    for (const auto &[first, count] : m_removedRuns) {
        if (c >= first)
            c += count;
    }
    return c;
}

// dataChanged for the changed rows, in runs, for the columns that can change (not the
// addresses or the first-seen time, so that a table sorted on those need not re-sort).
void PacketConnectionModel::emitChanged(
    const std::vector<std::pair<std::uint32_t, Connection>> &changed)
{
    for (std::size_t i = 0; i < changed.size();) {
        std::size_t j = i + 1;
        while (j < changed.size() && changed[j].first == changed[j - 1].first + 1)
            ++j;
        const int first = int(changed[i].first), last = int(changed[j - 1].first);
        Q_EMIT dataChanged(index(first, ClientState), index(last, ServerState));
        Q_EMIT dataChanged(index(first, Duration), index(last, Notes));
        i = j;
    }
}

int PacketConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_result.tracker
               ? 0
               : int(m_result.tracker->connections().size() - m_removedCount);
}

int PacketConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void PacketConnectionModel::setMoment(std::optional<std::int64_t> timeNs)
{
    m_moment = timeNs;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

std::optional<TcpState> PacketConnectionModel::stateAt(const Connection &c, int row, int e) const
{
    if (!m_moment)
        return c.ep[std::size_t(e)].state;
    if (c.firstSeenNs > *m_moment)
        return std::nullopt;
    // The endpoint's state then: where its last change at or before the moment took it, or
    // where it started (CLOSED; the server side LISTEN).
    std::optional<TcpState> state;
    for (std::uint32_t i : m_changesByConnection[std::size_t(row)]) {
        const StateChange &ch = m_result.tracker->changes()[i];
        if (ch.endpoint != e)
            continue;
        if (ch.timeNs > *m_moment)
            return state ? state : ch.from;
        state = ch.to;
    }
    return state ? state : c.ep[std::size_t(e)].state;
}

std::vector<StateChange> PacketConnectionModel::history(std::uint32_t connection) const
{
    std::vector<StateChange> out;
    if (connection < m_changesByConnection.size()) {
        for (std::uint32_t i : m_changesByConnection[connection])
            out.push_back(m_result.tracker->changes()[i]);
    }
    return out;
}

QVariant PacketConnectionModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid() || !m_result.tracker)
        return {};
    const std::uint32_t row = connectionOf(idx.row());
    const Connection &c = m_result.tracker->connections()[row];
    const auto ci = std::size_t(clientIndex(c)), si = 1 - ci;
    const std::optional<TcpState> clientState = stateAt(c, int(row), int(ci));
    const std::optional<TcpState> serverState = stateAt(c, int(row), int(si));
    const auto seconds = [](std::int64_t ns) {
        return double(ns) / 1e9;
    };
    if (role == ConnectionRole)
        return int(row);
    if (role == Qt::DecorationRole) {
        if (idx.column() == ClientState && clientState)
            return stateColor(*clientState);
        if (idx.column() == ServerState && serverState)
            return stateColor(*serverState);
        return {};
    }
    if (role == SortRole) {
        switch (idx.column()) {
        case ClientState:
            return clientState ? tcpscope::index(*clientState) : -1;
        case ServerState:
            return serverState ? tcpscope::index(*serverState) : -1;
        case FirstSeen:
            return qlonglong(c.firstSeenNs);
        case Duration:
            return qlonglong(c.lastSeenNs - c.firstSeenNs);
        case Client:
            return c.port[ci];
        case Server:
            return c.port[si];
        default:
            return data(idx, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (idx.column()) {
    case Family:
        return c.address[0].isV6() ? QStringLiteral("IPv6") : QStringLiteral("IPv4");
    case Client:
        return endpointText(c.address[ci], c.port[ci]);
    case Server:
        return endpointText(c.address[si], c.port[si]);
    case ClientState:
        return clientState ? rfcName(*clientState) : tr("(not yet)");
    case ServerState:
        return serverState ? rfcName(*serverState) : tr("(not yet)");
    case FirstSeen:
        return QDateTime::fromMSecsSinceEpoch(c.firstSeenNs / 1'000'000)
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case Duration:
        return QStringLiteral("%1 s").arg(seconds(c.lastSeenNs - c.firstSeenNs), 0, 'f', 3);
    case Notes: {
        QStringList notes;
        if (c.midStream)
            notes << tr("joined mid-stream (first states inferred)");
        if (c.refused)
            notes << tr("refused");
        if (c.ep[0].role == Role::Unknown)
            notes << tr("roles unknown");
        return notes.join(QStringLiteral("; "));
    }
    }
    return {};
}

QVariant PacketConnectionModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[ColumnCount] = {
        QT_TR_NOOP("Family"),       QT_TR_NOOP("Client"),       QT_TR_NOOP("Server"),
        QT_TR_NOOP("Client state"), QT_TR_NOOP("Server state"), QT_TR_NOOP("First seen"),
        QT_TR_NOOP("Duration"),     QT_TR_NOOP("Notes")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace tcpscope
