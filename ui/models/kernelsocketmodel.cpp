#include "models/kernelsocketmodel.h"

#include "statepalette.h"
#include "uilanguage.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>
#include <QTimer>

#include <algorithm>
#include <tuple>

namespace tcpscope {

namespace {

constexpr double kNewSeconds = 3.0;

} // namespace

KernelSocketModel::KernelSocketModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

int KernelSocketModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

int KernelSocketModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KernelSocketModel::text(const Slot &s, int column) const
{
    const SocketRow &r = s.row.row;
    const SocketRecord &rec = r.record;
    switch (column) {
    case Family:
        return rec.localAddress.isV6() ? QStringLiteral("IPv6") : QStringLiteral("IPv4");
    case Local:
        return endpointText(rec.localAddress, rec.localPort);
    case Remote:
        return endpointText(rec.remoteAddress, rec.remotePort);
    case State:
        return r.alive() ? rfcName(rec.state) : tr("closed (was %1)").arg(rfcName(rec.state));
    case Process: {
        if (!s.row.processes.empty()) {
            QStringList names;
            for (const ProcessInfo &p : s.row.processes)
                names << QStringLiteral("%1 (%2)").arg(p.name).arg(p.pid);
            return names.join(QStringLiteral(", "));
        }
        switch (s.row.ownership) {
        case Ownership::NoDescriptor:
            return tr("— no descriptor in this state");
        case Ownership::Orphaned:
            return tr("— closed by its application");
        case Ownership::NotPermitted:
            return tr("another user's (run as root to see)");
        default:
            return QString();
        }
    }
    case InState:
        return durationText(m_now - r.stateSince);
    case Age:
        return durationText(m_now - r.firstSeen);
    case RecvQ:
        return QString::number(rec.recvQ);
    case SendQ:
        return QString::number(rec.sendQ);
    case Timer:
        if (rec.timer == TimerKind::None)
            return QString();
        return QStringLiteral("%1 %2 s")
            .arg(QLatin1String(timerKindName(rec.timer)))
            .arg(rec.timerExpiresMs / 1000.0, 0, 'f', 1);
    case Source:
        if (const auto p = packetState(rec))
            return tr("kernel + packets: %1 (peer %2)").arg(rfcName(p->first), rfcName(p->second));
        return tr("kernel");
    }
    return QString();
}

QVariant KernelSocketModel::sortValue(const Slot &s, int column) const
{
    const SocketRow &r = s.row.row;
    const SocketRecord &rec = r.record;
    switch (column) {
    case Local:
        return QString::fromLatin1(
                   QByteArray(reinterpret_cast<const char *>(rec.localAddress.bytes.data()), 16)
                       .toHex())
               + QStringLiteral("%1").arg(rec.localPort, 5, 10, QLatin1Char('0'));
    case Remote:
        return QString::fromLatin1(
                   QByteArray(reinterpret_cast<const char *>(rec.remoteAddress.bytes.data()), 16)
                       .toHex())
               + QStringLiteral("%1").arg(rec.remotePort, 5, 10, QLatin1Char('0'));
    case State:
        return tcpscope::index(rec.state);
    case InState:
        return m_now - r.stateSince;
    case Age:
        return m_now - r.firstSeen;
    case RecvQ:
        return rec.recvQ;
    case SendQ:
        return rec.sendQ;
    case Timer:
        return rec.timer == TimerKind::None ? -1.0 : double(rec.timerExpiresMs);
    default:
        return text(s, column);
    }
}

std::optional<SocketSituation> KernelSocketModel::situation(quint64 key) const
{
    const auto it = m_slotOf.find(key);
    if (it == m_slotOf.end())
        return std::nullopt;
    const Slot &slot = m_pool[std::size_t(*it)];
    const SocketRow &r = slot.row.row;
    SocketSituation s;
    s.state = r.alive() ? r.record.state : TcpState::Closed;
    s.secondsInState = m_now - r.stateSince;
    s.local = text(slot, Local);
    s.remote = text(slot, Remote);
    s.process = text(slot, Process);
    s.recvQ = r.record.recvQ;
    s.sendQ = r.record.sendQ;
    s.timer = text(slot, Timer);
    s.source = text(slot, Source);
    return s;
}

bool KernelSocketModel::lessThan(int rowA, int rowB, int column) const
{
    // The raw values compared directly, without QVariant or text: sorting 100k rows calls
    // this a couple of million times.
    const Slot &a = m_pool[std::size_t(m_order[std::size_t(rowA)])];
    const Slot &b = m_pool[std::size_t(m_order[std::size_t(rowB)])];
    const SocketRecord &x = a.row.row.record, &y = b.row.row.record;
    const auto endpoint = [](const IpAddress &addr, std::uint16_t port) {
        return std::tuple(addr.family, addr.bytes, port);
    };
    switch (column) {
    case Family:
        return x.localAddress.family < y.localAddress.family;
    case Local:
        return endpoint(x.localAddress, x.localPort) < endpoint(y.localAddress, y.localPort);
    case Remote:
        return endpoint(x.remoteAddress, x.remotePort) < endpoint(y.remoteAddress, y.remotePort);
    case State:
        return tcpscope::index(x.state) < tcpscope::index(y.state);
    case InState: // longer in the state sorts higher: earlier stateSince
        return a.row.row.stateSince > b.row.row.stateSince;
    case Age:
        return a.row.row.firstSeen > b.row.row.firstSeen;
    case RecvQ:
        return x.recvQ < y.recvQ;
    case SendQ:
        return x.sendQ < y.sendQ;
    case Timer: {
        const double tx = x.timer == TimerKind::None ? -1.0 : double(x.timerExpiresMs);
        const double ty = y.timer == TimerKind::None ? -1.0 : double(y.timerExpiresMs);
        return tx < ty;
    }
    default:
        return text(a, column) < text(b, column);
    }
}

QVariant KernelSocketModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid() || idx.row() >= int(m_order.size()))
        return {};
    const Slot &s = m_pool[std::size_t(m_order[std::size_t(idx.row())])];
    const SocketRow &r = s.row.row;
    switch (role) {
    case Qt::DisplayRole:
        return text(s, idx.column());
    case SortRole:
        return sortValue(s, idx.column());
    case StateRole:
        return tcpscope::index(r.record.state);
    case KeyRole:
        return quint64(r.key);
    case GoneRole:
        return !r.alive();
    case Qt::TextAlignmentRole:
        if (idx.column() == RecvQ || idx.column() == SendQ)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DecorationRole:
        if (idx.column() == State)
            return stateColor(r.record.state);
        return {};
    case Qt::ForegroundRole:
        if (!r.alive()) // fading out: muted text, in either theme
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::BackgroundRole: {
        // TCPView's green for new and red for closing, as translucent tints that keep text
        // readable on light and dark palettes.
        if (!r.alive()) {
            const double age = m_now - r.goneAt;
            QColor c(213, 94, 0);
            c.setAlphaF(float(std::max(0.0, 0.35 * (1.0 - age / 3.0))));
            return QBrush(c);
        }
        if (m_now - s.seenAt < kNewSeconds && s.seenAt > 0) {
            QColor c(0, 158, 115);
            c.setAlphaF(float(0.35 * (1.0 - (m_now - s.seenAt) / kNewSeconds)));
            return QBrush(c);
        }
        return {};
    }
    case Qt::ToolTipRole:
        if (idx.column() == Process && !s.row.processes.empty())
            return s.row.processes.front().cmdline;
        return {};
    default:
        return {};
    }
}

QVariant KernelSocketModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[ColumnCount] = {
        QT_TR_NOOP("Family"),  QT_TR_NOOP("Local"),    QT_TR_NOOP("Remote"), QT_TR_NOOP("State"),
        QT_TR_NOOP("Process"), QT_TR_NOOP("In state"), QT_TR_NOOP("Age"),    QT_TR_NOOP("Recv-Q"),
        QT_TR_NOOP("Send-Q"),  QT_TR_NOOP("Timer"),    QT_TR_NOOP("Source")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void KernelSocketModel::recordTransitions(const std::vector<Transition> &transitions)
{
    for (const Transition &t : transitions)
        m_history[t.connection].push_back(t);
}

void KernelSocketModel::apply(const KernelPollBatch &batch)
{
    const bool first = m_now == 0;
    m_now = batch.stats.time;

    // Update the rows this poll still has, and stamp them; new ones are inserted below.
    const std::uint32_t gen = ++m_generation;
    std::vector<const KernelPollBatch::Row *> fresh;
    for (const KernelPollBatch::Row &r : *batch.rows) {
        const auto it = m_slotOf.constFind(r.row.key);
        if (it == m_slotOf.constEnd()) {
            fresh.push_back(&r);
            continue;
        }
        Slot &slot = m_pool[std::size_t(*it)];
        slot.row.row = r.row;
        slot.row.ownership = r.ownership;
        // The owners rarely change: copy them (strings and all) only when they do.
        const auto sameOwners = [](const std::vector<ProcessInfo> &a,
                                   const std::vector<ProcessInfo> &b) {
            return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                              [](const ProcessInfo &x, const ProcessInfo &y) {
                                  return x.pid == y.pid && x.name == y.name;
                              });
        };
        if (!sameOwners(slot.row.processes, r.processes))
            slot.row.processes = r.processes;
        slot.generation = gen;
    }

    // Rows the poll no longer has have finished fading: remove them, in runs.
    auto stale = [&](int row) {
        return m_pool[std::size_t(m_order[std::size_t(row)])].generation != gen;
    };
    for (int row = int(m_order.size()) - 1; row >= 0;) {
        if (!stale(row)) {
            --row;
            continue;
        }
        int start = row;
        while (start > 0 && stale(start - 1))
            --start;
        beginRemoveRows({}, start, row);
        for (int r = start; r <= row; ++r) {
            const int slot = m_order[std::size_t(r)];
            m_slotOf.remove(m_pool[std::size_t(slot)].row.row.key);
            m_history.remove(m_pool[std::size_t(slot)].row.row.key);
            m_pool[std::size_t(slot)].row = {};
            m_free.push_back(slot);
        }
        m_order.erase(m_order.begin() + start, m_order.begin() + row + 1);
        endRemoveRows();
        row = start - 1;
    }
    // Every row's times move on with each poll: the whole range changes.
    if (!m_order.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_order.size()) - 1, ColumnCount - 1));

    // New rows are inserted a chunk at a time, one chunk per turn of the event loop, so that a
    // first poll of 100k sockets does not hold the GUI thread for its whole length.
    m_fresh.clear();
    m_fresh.reserve(fresh.size());
    for (const KernelPollBatch::Row *r : fresh)
        m_fresh.push_back(*r);
    m_freshSeenAt = first ? 0.0 : m_now;
    insertFresh();
}

void KernelSocketModel::insertFresh()
{
    if (m_fresh.empty())
        return;
    const std::size_t n = std::min(m_fresh.size(), kInsertChunk);
    const int at = int(m_order.size());
    beginInsertRows({}, at, at + int(n) - 1);
    for (std::size_t k = 0; k < n; ++k) {
        int slot;
        if (!m_free.empty()) {
            slot = m_free.back();
            m_free.pop_back();
        } else {
            slot = int(m_pool.size());
            m_pool.emplace_back();
        }
        KernelPollBatch::Row &r = m_fresh[m_fresh.size() - 1 - k]; // from the back: cheap to drop
        m_slotOf.insert(r.row.key, slot);
        m_pool[std::size_t(slot)] = Slot{std::move(r), m_freshSeenAt, m_generation};
        m_order.push_back(slot);
    }
    m_fresh.resize(m_fresh.size() - n);
    endInsertRows();
    if (!m_fresh.empty())
        QTimer::singleShot(0, this, &KernelSocketModel::insertFresh);
}

namespace {
quint64 tupleKey(const IpAddress &local, std::uint16_t lport, const IpAddress &remote,
                 std::uint16_t rport)
{
    SocketRecord r;
    r.localAddress = local;
    r.localPort = lport;
    r.remoteAddress = remote;
    r.remotePort = rport;
    return SocketTable::identity(r); // no cookie: a hash of the 4-tuple
}
} // namespace

// Both directions of a connection, unless a later incarnation of its 4-tuple is there.
void KernelSocketModel::setPacketState(const Connection &c, std::vector<quint64> *touched)
{
    for (std::size_t e = 0; e < 2; ++e) {
        const quint64 key = tupleKey(c.address[e], c.port[e], c.address[1 - e], c.port[1 - e]);
        auto it = m_packetStates.find(key);
        if (it != m_packetStates.end() && it->firstSeenNs > c.firstSeenNs)
            continue;
        m_packetStates.insert(key, {{c.ep[e].state, c.ep[1 - e].state}, c.firstSeenNs});
        if (touched)
            touched->push_back(key);
    }
}

void KernelSocketModel::setPacketView(std::shared_ptr<const TcpTracker> tracker)
{
    m_packetStates.clear();
    if (tracker) {
        for (const Connection &c : tracker->connections())
            setPacketState(c, nullptr);
    }
    if (!m_order.empty())
        Q_EMIT dataChanged(index(0, State), index(int(m_order.size()) - 1, Source));
}

void KernelSocketModel::applyPacketDelta(const LiveDelta &d)
{
    if (d.first && !m_packetStates.isEmpty()) { // a new capture
        setPacketView(nullptr);
    }
    std::vector<quint64> touched;
    for (const Connection &c : d.retiredConnections) {
        for (std::size_t e = 0; e < 2; ++e) {
            const quint64 key = tupleKey(c.address[e], c.port[e], c.address[1 - e], c.port[1 - e]);
            const auto it = m_packetStates.constFind(key);
            if (it != m_packetStates.constEnd() && it->firstSeenNs == c.firstSeenNs) {
                m_packetStates.erase(it);
                touched.push_back(key);
            }
        }
    }
    for (const auto &[id, c] : d.changed)
        setPacketState(c, &touched);
    for (const Connection &c : d.added)
        setPacketState(c, &touched);
    signalPacketRows(std::move(touched));
}

// dataChanged for the kernel rows whose 4-tuple is one of `touched`, in runs.
void KernelSocketModel::signalPacketRows(std::vector<quint64> touched)
{
    if (touched.empty() || m_order.empty())
        return;
    std::sort(touched.begin(), touched.end());
    int first = -1;
    for (int row = 0; row <= int(m_order.size()); ++row) {
        bool hit = false;
        if (row < int(m_order.size())) {
            const SocketRecord &r = m_pool[std::size_t(m_order[std::size_t(row)])].row.row.record;
            const quint64 key =
                tupleKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort);
            hit = std::binary_search(touched.begin(), touched.end(), key);
        }
        if (hit && first < 0)
            first = row;
        if (!hit && first >= 0) {
            Q_EMIT dataChanged(index(first, State), index(row - 1, Source));
            first = -1;
        }
    }
}

std::optional<std::pair<TcpState, TcpState>>
KernelSocketModel::packetState(const SocketRecord &r) const
{
    if (m_packetStates.isEmpty())
        return std::nullopt;
    const auto it = m_packetStates.constFind(
        tupleKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort));
    return it == m_packetStates.constEnd() ? std::nullopt : std::optional(it->states);
}

std::vector<Transition> KernelSocketModel::history(quint64 key) const
{
    return m_history.value(key);
}

std::vector<Transition> KernelSocketModel::allHistory() const
{
    std::vector<Transition> all;
    for (const auto &h : m_history)
        all.insert(all.end(), h.begin(), h.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const Transition &a, const Transition &b) { return a.time < b.time; });
    return all;
}

} // namespace tcpscope
