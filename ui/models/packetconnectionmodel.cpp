#include "models/packetconnectionmodel.h"

#include "models/kernelsocketmodel.h"
#include "packets/capturereader.h"
#include "statepalette.h"
#include "uilanguage.h"

#include <QDateTime>

namespace tcpscope {

CaptureResult readCapture(const QString &path)
{
    CaptureResult r;
    r.path = path;
    CaptureReader reader;
    auto tracker = std::make_shared<TcpTracker>();
    QString error;
    if (!reader.open(path, &error)) {
        r.error = error;
        return r;
    }
    if (!reader.read(*tracker, &error))
        r.error = error;
    tracker->finish(reader.stats().lastTimeNs);
    r.packets = reader.stats().packets;
    r.tcpPackets = reader.stats().tcpPackets;
    r.digits = reader.stats().precisionDigits;
    r.lastTimeNs = reader.stats().lastTimeNs;
    r.tracker = std::move(tracker);
    return r;
}

PacketConnectionModel::PacketConnectionModel(CaptureResult result, QObject *parent)
    : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
    update(std::move(result));
}

void PacketConnectionModel::update(CaptureResult newer)
{
    const int before = rowCount();
    const int after = newer.tracker ? int(newer.tracker->connections().size()) : 0;
    if (after < before) { // not the same capture growing: cannot happen from our sources
        beginResetModel();
        m_result = std::move(newer);
        endResetModel();
    } else {
        if (after > before)
            beginInsertRows({}, before, after - 1);
        m_result = std::move(newer);
        if (after > before)
            endInsertRows();
        if (before > 0)
            Q_EMIT dataChanged(index(0, 0), index(before - 1, ColumnCount - 1));
    }
    m_changesByConnection.assign(std::size_t(after), {});
    if (m_result.tracker) {
        const auto &changes = m_result.tracker->changes();
        for (std::uint32_t i = 0; i < changes.size(); ++i)
            m_changesByConnection[changes[i].connection].push_back(i);
    }
}

int PacketConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_result.tracker ? 0 : int(m_result.tracker->connections().size());
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
    const Connection &c = m_result.tracker->connections()[std::size_t(idx.row())];
    const auto ci = std::size_t(clientIndex(c)), si = 1 - ci;
    const std::optional<TcpState> clientState = stateAt(c, idx.row(), int(ci));
    const std::optional<TcpState> serverState = stateAt(c, idx.row(), int(si));
    const auto seconds = [](std::int64_t ns) {
        return double(ns) / 1e9;
    };
    if (role == ConnectionRole)
        return idx.row();
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
