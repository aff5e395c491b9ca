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
    // The texts searched follow the language (a state's "closed (was …)", an owner's note).
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, [this] {
        for (const Slot &s : m_pool)
            s.search.clear();
    });
    retranslateOnLanguageChange(this);
}

const QString &KernelSocketModel::searchText(int row) const
{
    const Slot &s = m_pool[std::size_t(m_order[std::size_t(row)])];
    if (s.search.isEmpty())
        s.search = (text(s, Local) + u' ' + text(s, Remote) + u' ' + text(s, Process) + u' '
                    + text(s, State))
                       .toLower();
    return s.search;
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
        if (const std::optional<double> exact = secondsInTimeWait(rec))
            return durationText(*exact);
        return sinceText(r.stateSince);
    case Age:
        return sinceText(r.firstSeen);
    case RecvQ:
        return QString::number(rec.recvQ);
    case SendQ:
        return QString::number(rec.sendQ);
    case Timer:
        if (rec.timer == TimerKind::None)
            return QString();
        if (finTimeoutOfOrphan(s)) // what ss calls timewait is tcp_fin_timeout's timer here
            return tr("timewait %1 s (tcp_fin_timeout)")
                .arg(rec.timerExpiresMs / 1000.0, 0, 'f', 1);
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

// TIME_WAIT lasts 60 s on Linux, and its timer says how much is left: the time in the state is
// known exactly, however long tcpscope has been watching.
std::optional<double> KernelSocketModel::secondsInTimeWait(const SocketRecord &rec)
{
    if (rec.state != TcpState::TimeWait || rec.timer != TimerKind::TimeWait)
        return std::nullopt;
    return std::max(0.0, kTimeWaitSeconds - rec.timerExpiresMs / 1000.0);
}

bool KernelSocketModel::finTimeoutOfOrphan(const Slot &s)
{
    return s.row.row.record.state == TcpState::FinWait2 && s.row.ownership == Ownership::Orphaned
           && s.row.row.record.timer == TimerKind::TimeWait;
}

// A time since tcpscope first saw something: a lower bound when it was already there at the
// first poll ("≥ 13 s"), since the kernel does not say when a socket was made.
QString KernelSocketModel::sinceText(double since) const
{
    const QString d = durationText(m_now - since);
    return since <= m_firstPoll ? tr("≥ %1").arg(d) : d;
}

QVariant KernelSocketModel::toolTip(const Slot &s, int column) const
{
    const SocketRow &r = s.row.row;
    if (column == Process && !s.row.processes.empty())
        return s.row.processes.front().cmdline;
    if (column == InState && secondsInTimeWait(r.record))
        return tr("Exact: TIME_WAIT lasts 60 s on Linux and its timer has %1 s left")
            .arg(r.record.timerExpiresMs / 1000.0, 0, 'f', 1);
    const double since = column == InState ? r.stateSince : r.firstSeen;
    if ((column == InState || column == Age) && since <= m_firstPoll)
        return tr("At least this long: the socket was already there when tcpscope started "
                  "watching (%1 ago), and the kernel does not say when it was made")
            .arg(durationText(m_now - m_firstPoll));
    if (column == Timer && finTimeoutOfOrphan(s))
        return tr("An orphaned FIN_WAIT_2 socket (its application closed it): the kernel ends it "
                  "after tcp_fin_timeout; ss names this timer timewait");
    return {};
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
    s.secondsInState = secondsInTimeWait(r.record).value_or(m_now - r.stateSince);
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
        return toolTip(s, idx.column());
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

namespace {

// What a poll can change of a row beyond its times: a row with one of these changed is
// re-sorted and re-filtered; the others only move on in time.
bool sameShown(const KernelPollBatch::Row &a, const KernelPollBatch::Row &b)
{
    const SocketRecord &x = a.row.record, &y = b.row.record;
    return x.state == y.state && x.recvQ == y.recvQ && x.sendQ == y.sendQ && x.timer == y.timer
           && a.row.alive() == b.row.alive() && a.ownership == b.ownership;
}

bool sameOwners(const std::vector<ProcessInfo> &a, const std::vector<ProcessInfo> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const ProcessInfo &x, const ProcessInfo &y) {
                          return x.pid == y.pid && x.name == y.name;
                      });
}

} // namespace

void KernelSocketModel::apply(const KernelPollBatch &batch)
{
    const bool first = m_now == 0;
    m_now = batch.stats.time;
    if (first && m_firstPoll == 0)
        m_firstPoll = m_now;
    const std::uint32_t gen = ++m_generation;
    std::vector<const KernelPollBatch::Row *> fresh;
    std::vector<int> changed; // slots whose row changed beyond its times
    updateRows(batch, gen, &fresh, &changed);
    std::size_t stale = 0;
    for (int slot : m_order)
        stale += m_pool[std::size_t(slot)].generation != gen;

    m_fresh.clear();
    m_fresh.reserve(fresh.size());
    for (const KernelPollBatch::Row *r : fresh)
        m_fresh.push_back(*r);
    m_freshSeenAt = first ? 0.0 : m_now;
    // A burst (thousands of sockets closing, appearing or changing in one poll) is applied as
    // one reset: row by row, each change would cost the sorted view a pass over every row.
    // (Into an empty table, as at the first poll, rows go a chunk per event-loop turn instead.)
    if (!m_order.empty() && stale + fresh.size() + changed.size() > kBurstRows) {
        beginResetModel();
        removeStale(gen, false);
        while (!m_fresh.empty())
            insertFreshChunk(m_fresh.size());
        endResetModel();
        return;
    }
    removeStale(gen, true);
    announceChanges(changed);
    insertFresh();
}

void KernelSocketModel::updateRows(const KernelPollBatch &batch, std::uint32_t gen,
                                   std::vector<const KernelPollBatch::Row *> *fresh,
                                   std::vector<int> *changed)
{
    for (const KernelPollBatch::Row &r : *batch.rows) {
        const auto it = m_slotOf.constFind(r.row.key);
        if (it == m_slotOf.constEnd()) {
            fresh->push_back(&r);
            continue;
        }
        Slot &slot = m_pool[std::size_t(*it)];
        // The owners rarely change: copy them (strings and all) only when they do.
        const bool owners = sameOwners(slot.row.processes, r.processes);
        if (!owners || !sameShown(slot.row, r)) {
            changed->push_back(*it);
            slot.search.clear();
        }
        slot.row.row = r.row;
        slot.row.ownership = r.ownership;
        if (!owners)
            slot.row.processes = r.processes;
        slot.generation = gen;
    }
}

// Rows the poll no longer has have finished fading: removed, in runs (announced unless a
// reset covers them).
void KernelSocketModel::removeStale(std::uint32_t gen, bool announce)
{
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
        if (announce)
            beginRemoveRows({}, start, row);
        for (int r = start; r <= row; ++r) {
            const int slot = m_order[std::size_t(r)];
            m_slotOf.remove(m_pool[std::size_t(slot)].row.row.key);
            m_pool[std::size_t(slot)].row = {};
            m_free.push_back(slot);
        }
        m_order.erase(m_order.begin() + start, m_order.begin() + row + 1);
        if (announce)
            endRemoveRows();
        row = start - 1;
    }
}

// Every row's times move on with each poll, which changes no row's place in any order: the
// time columns are announced for display only (the sorted, filtered view keeps its order).
// The tints of new and fading rows change with time too. Rows that changed otherwise are
// announced whole, so that the view re-sorts and re-filters them.
void KernelSocketModel::announceChanges(const std::vector<int> &changedSlots)
{
    if (m_order.empty())
        return;
    const int last = int(m_order.size()) - 1;
    Q_EMIT dataChanged(index(0, InState), index(last, Timer), {Qt::DisplayRole});
    std::vector<char> whole(m_pool.size(), 0);
    for (int slot : changedSlots)
        whole[std::size_t(slot)] = 1;
    for (int row = 0; row <= last; ++row) {
        const Slot &s = m_pool[std::size_t(m_order[std::size_t(row)])];
        const bool tinted =
            !s.row.row.alive() || (s.seenAt > 0 && m_now - s.seenAt < kNewSeconds + 1);
        if (whole[std::size_t(m_order[std::size_t(row)])])
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        else if (tinted)
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1),
                               {Qt::BackgroundRole, Qt::ForegroundRole});
    }
}

bool KernelSocketModel::ownedBy(int row, qint64 pid) const
{
    const Slot &s = m_pool[std::size_t(m_order[std::size_t(row)])];
    return std::any_of(s.row.processes.begin(), s.row.processes.end(),
                       [pid](const ProcessInfo &p) { return p.pid == pid; });
}

QList<qint64> KernelSocketModel::ownerPids(int row) const
{
    QList<qint64> pids;
    for (const ProcessInfo &p : m_pool[std::size_t(m_order[std::size_t(row)])].row.processes)
        pids << p.pid;
    return pids;
}

std::optional<int> KernelSocketModel::rowOf(quint64 key) const
{
    const auto it = m_slotOf.constFind(key);
    if (it == m_slotOf.constEnd())
        return std::nullopt;
    const auto at = std::find(m_order.begin(), m_order.end(), *it);
    return at == m_order.end() ? std::nullopt : std::optional(int(at - m_order.begin()));
}

void KernelSocketModel::insertFresh()
{
    if (m_fresh.empty())
        return;
    const std::size_t n = std::min(m_fresh.size(), kInsertChunk);
    const int at = int(m_order.size());
    beginInsertRows({}, at, at + int(n) - 1);
    insertFreshChunk(n);
    endInsertRows();
    if (!m_fresh.empty())
        QTimer::singleShot(0, this, &KernelSocketModel::insertFresh);
}

void KernelSocketModel::insertFreshChunk(std::size_t n)
{
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
        m_pool[std::size_t(slot)] = Slot{std::move(r), m_freshSeenAt, m_generation, QString()};
        m_order.push_back(slot);
    }
    m_fresh.resize(m_fresh.size() - n);
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

} // namespace tcpscope
