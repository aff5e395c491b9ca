// KernelSocketModel: what a row shows and how it sorts and filters — its texts (those that
// change rarely made once and kept in the row), tool tips, sort keys and the filter's test.
#include "models/kernelsocketmodel.h"

#include "uilanguage.h"

#include <algorithm>

namespace tcpscope {

QString KernelSocketModel::text(const Slot &s, int column) const
{
    const SocketRow &r = s.row.row;
    const SocketRecord &rec = r.record;
    switch (column) {
    case Family:
        return rec.localAddress.isV6() ? QStringLiteral("IPv6") : QStringLiteral("IPv4");
    case Local:
        return s.local;
    case Remote:
        return s.remote;
    case State:
        return r.alive() ? rfcName(rec.state) : tr("closed (was %1)").arg(rfcName(rec.state));
    case Process:
        return s.process;
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
        if (rec.timer == TimerKind::None || !r.alive()) // a gone socket's timers are over
            return QString();
        if (finTimeoutOfOrphan(s)) // what ss calls timewait is tcp_fin_timeout's timer here
            return QStringLiteral("fin_timeout %1 s").arg(rec.timerExpiresMs / 1000.0, 0, 'f', 1);
        return QStringLiteral("%1 %2 s")
            .arg(QLatin1String(timerKindName(rec.timer)))
            .arg(rec.timerExpiresMs / 1000.0, 0, 'f', 1);
    case Source:
        if (const auto p = packetState(rec))
            return tr("kernel + packets: %1 (peer %2)").arg(rfcName(p->first), rfcName(p->second));
        return tr("kernel");
    case Namespace:
        return rec.netns
                   ? m_namespaceText.value(rec.netns, QStringLiteral("net:[%1]").arg(rec.netns))
                   : QString();
    }
    return QString();
}

// "name (pid), …", or what the kernel says of a socket no process holds, as shown and in lower
// case. A process's texts are made once and shared by every row it holds (16k sockets of one
// server: one string).
void KernelSocketModel::makeProcessTexts(Slot &s)
{
    if (s.row.processes.empty()) {
        s.process = m_ownershipNote[std::size_t(s.row.ownership)];
        s.processLower = m_ownershipNoteLower[std::size_t(s.row.ownership)];
        return;
    }
    if (m_ownerText.size() > 20000) // pids come and go over a long session
        m_ownerText.clear();
    QStringList names;
    for (const ProcessInfo &p : s.row.processes) {
        OwnerText &known = m_ownerText[p.pid];
        if (known.text.isEmpty() || known.name != p.name) {
            known.name = p.name;
            known.text = QStringLiteral("%1 (%2)").arg(p.name).arg(p.pid);
            known.lower = known.text.toLower();
        }
        if (s.row.processes.size() == 1) {
            s.process = known.text;
            s.processLower = known.lower;
            return;
        }
        names << known.text;
    }
    s.process = names.join(QStringLiteral(", "));
    s.processLower = s.process.toLower();
}

void KernelSocketModel::makeTexts(Slot &s, bool endpoints)
{
    if (endpoints) {
        const SocketRecord &rec = s.row.row.record;
        s.local = endpointText(rec.localAddress, rec.localPort);
        s.remote = endpointText(rec.remoteAddress, rec.remotePort);
    }
    makeProcessTexts(s);
}

// The texts that follow the language: the states as searched ("closed (was …)"), the owner
// notes, and so every row's Process text.
void KernelSocketModel::retranslateTexts()
{
    for (int i = 0; i < kTcpStateCount; ++i) {
        m_stateSearch[1][i] = rfcName(stateAt(i)).toLower();
        m_stateSearch[0][i] = tr("closed (was %1)").arg(rfcName(stateAt(i))).toLower();
    }
    m_ownershipNote[std::size_t(Ownership::NoDescriptor)] = tr("— no descriptor in this state");
    m_ownershipNote[std::size_t(Ownership::Orphaned)] = tr("— closed by its application");
    m_ownershipNote[std::size_t(Ownership::NotPermitted)] =
        tr("another user's (run as root to see)");
    for (std::size_t i = 0; i < std::size(m_ownershipNote); ++i)
        m_ownershipNoteLower[i] = m_ownershipNote[i].toLower();
    m_ownerText.clear();
    for (int slot : m_order)
        makeTexts(m_pool[std::size_t(slot)], false);
}

QStringList KernelSocketModel::columnTexts(int column) const
{
    QStringList texts;
    switch (column) {
    case Family:
        return {QStringLiteral("IPv4"), QStringLiteral("IPv6")};
    case State:
        for (int i = 0; i < kTcpStateCount; ++i)
            texts << rfcName(stateAt(i)) << tr("closed (was %1)").arg(rfcName(stateAt(i)));
        return texts;
    case Process:
        for (const QString &note : m_ownershipNote)
            texts << note;
        return texts;
    case InState:
    case Age: // the longest of each unit's texts, as a lower bound
        for (double s : {59.0, 3599.0, 86399.0, 99 * 86400.0 + 23 * 3600})
            texts << tr("≥ %1").arg(durationText(s));
        return texts;
    case RecvQ:
    case SendQ:
        return {QStringLiteral("9999999")};
    case Timer:
        return {QStringLiteral("keepalive 7199.9 s")};
    case Source:
        return {tr("kernel")};
    case Namespace:
        return {QStringLiteral("host (net:[4026531840])")};
    }
    return texts;
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

// The order of every column on raw values. Times are kept as instants, so that a key made at
// an earlier poll still compares right with one made now: longer in the state or older sorts
// higher; a timer by when it expires (none first).
SocketSortKey KernelSocketModel::sortKey(int slot, int column) const
{
    const Slot &s = m_pool[std::size_t(slot)];
    const SocketRow &r = s.row.row;
    const SocketRecord &rec = r.record;
    SocketSortKey k;
    k.socket = r.key;
    k.slot = slot;
    switch (column) {
    case Family:
        k.value[0] = rec.localAddress.family;
        break;
    case Local:
        setEndpointKey(&k, rec.localAddress, rec.localPort);
        break;
    case Remote:
        setEndpointKey(&k, rec.remoteAddress, rec.remotePort);
        break;
    case State:
        k.value[0] = std::uint64_t(tcpscope::index(rec.state));
        break;
    case Process:
        k.text = s.process;
        break;
    case InState:
        k.value[0] = orderedBits(-r.stateSince);
        break;
    case Age:
        k.value[0] = orderedBits(-r.firstSeen);
        break;
    case RecvQ:
        k.value[0] = rec.recvQ;
        break;
    case SendQ:
        k.value[0] = rec.sendQ;
        break;
    case Timer:
        k.value[0] = orderedBits(
            rec.timer == TimerKind::None ? -1.0 : m_now * 1000 + double(rec.timerExpiresMs));
        break;
    case Source: // the kernel's alone first, then by the capture's states
        if (const auto p = packetState(rec))
            k.value = {1, std::uint64_t(tcpscope::index(p->first)),
                       std::uint64_t(tcpscope::index(p->second)), 0};
        break;
    case Namespace:
        k.text = m_namespaceText.value(rec.netns);
        break;
    }
    return k;
}

bool KernelSocketModel::matches(int slot, const SocketFilter &f) const
{
    const Slot &s = m_pool[std::size_t(slot)];
    const SocketRow &r = s.row.row;
    if (f.byKeys && !f.keys.contains(r.key))
        return false;
    if (!f.states.isEmpty() && (!r.alive() || !f.states.contains(r.record.state)))
        return false; // a vanished socket, still fading out, is in no state now
    for (qint64 pid : f.pids) {
        if (std::none_of(s.row.processes.begin(), s.row.processes.end(),
                         [pid](const ProcessInfo &p) { return p.pid == pid; }))
            return false;
    }
    const QString &state = m_stateSearch[r.alive() ? 1 : 0][tcpscope::index(r.record.state)];
    const QString &netns = m_namespaceLower.find(r.record.netns) != m_namespaceLower.end()
                               ? *m_namespaceLower.find(r.record.netns)
                               : m_noNamespace;
    return std::all_of(f.words.begin(), f.words.end(), [&](const QString &w) {
        return s.local.contains(w) || s.remote.contains(w) || s.processLower.contains(w)
               || state.contains(w) || netns.contains(w);
    });
}

std::optional<SocketSituation> KernelSocketModel::situation(quint64 key) const
{
    const auto it = m_slotOf.find(key);
    if (it == m_slotOf.end())
        return std::nullopt;
    const Slot &slot = m_pool[std::size_t(*it)];
    const SocketRow &r = slot.row.row;
    SocketSituation s;
    s.state = r.record.state;
    const double until = r.alive() ? m_now : r.goneAt; // a gone socket's time stopped there
    const std::optional<double> exact = secondsInTimeWait(r.record);
    s.secondsInState = exact.value_or(until - r.stateSince);
    s.atLeast = !exact && r.stateSince <= m_firstPoll; // as the In state column says "≥"
    s.local = slot.local;
    s.remote = slot.remote;
    s.process = slot.process;
    s.recvQ = r.record.recvQ;
    s.sendQ = r.record.sendQ;
    s.timer = text(slot, Timer);
    s.source = text(slot, Source);
    return r.alive() ? s : goneSituation(s, r.goneAt, 0);
}

QVariant KernelSocketModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[ColumnCount] = {
        QT_TR_NOOP("Family"), QT_TR_NOOP("Local"),   QT_TR_NOOP("Remote"),
        QT_TR_NOOP("State"),  QT_TR_NOOP("Process"), QT_TR_NOOP("In state"),
        QT_TR_NOOP("Age"),    QT_TR_NOOP("Recv-Q"),  QT_TR_NOOP("Send-Q"),
        QT_TR_NOOP("Timer"),  QT_TR_NOOP("Source"),  QT_TR_NOOP("Namespace")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace tcpscope
