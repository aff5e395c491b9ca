#include "diagnose/diagnosispass.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tcpscope {

namespace {

constexpr double kTimeWaitSeconds = 60; // TCP_TIMEWAIT_LEN: fixed on Linux
constexpr double kRateWindowS = 10;     // new connections per second over the last 10 s

std::size_t hashAddress(const IpAddress &a, std::size_t h)
{
    for (int i = 0; i < (a.isV6() ? 16 : 4); ++i)
        h = h * 1099511628211ull ^ a.bytes[std::size_t(i)];
    return h ^ a.family;
}

QString topPeers(const FlatMap<EndpointKey, int, EndpointHash> &byAddress)
{
    std::vector<std::pair<QString, int>> v;
    v.reserve(byAddress.size());
    for (const auto &[peer, n] : byAddress)
        v.emplace_back(peer.address.toString(), n);
    std::sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    QStringList out;
    for (std::size_t i = 0; i < v.size() && i < 3; ++i)
        out << v[i].first + QStringLiteral(" \u00d7") + QString::number(v[i].second);
    return out.join(QStringLiteral(", "));
}

QString destinationText(const DestinationKey &k)
{
    return k.local.toString() + QStringLiteral(" \u2192 ") + endpointText(k.remote, k.remotePort);
}

} // namespace

bool isLoopback(const IpAddress &a)
{
    if (!a.isV6())
        return a.family == 2 && a.bytes[0] == 127;
    static const std::uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::equal(a.bytes.begin(), a.bytes.end(), one))
        return true;
    const bool mapped =
        std::all_of(a.bytes.begin(), a.bytes.begin() + 10, [](auto b) { return b == 0; })
        && a.bytes[10] == 0xff && a.bytes[11] == 0xff;
    return mapped && a.bytes[12] == 127;
}

std::size_t EndpointHash::operator()(const EndpointKey &k) const
{
    return hashAddress(k.address, 14695981039346656037ull) * 31 + k.port;
}

std::size_t EndpointHash::operator()(const DestinationKey &k) const
{
    return hashAddress(k.remote, hashAddress(k.local, 14695981039346656037ull)) * 31 + k.remotePort;
}

void Bucket::add(const SocketRow &row)
{
    ++count;
    if (oldestSince == 0 || row.stateSince < oldestSince)
        oldestSince = row.stateSince;
    sockets.push_back(row.key);
}

void DiagnosisPass::run()
{
    bucket();
    closeWaitRule();
    portRule();
    listenerRule();
    closeRules();
    synSentRule();
    refusedRule();
    deadPeerRule();
}

void DiagnosisPass::bucket()
{
    // Client sockets per destination, two ways with the same result. Most hosts have many
    // destinations with few sockets each: the sockets are first only counted per hash slot (a
    // small array, in cache), and only the destinations that can reach portMinSockets are
    // counted exactly, in a second pass skipped when none can. A host whose client sockets
    // mostly go to a few large destinations (the last poll said so) counts them exactly at
    // once, in the one pass.
    direct = engine.m_directClients;
    if (!direct)
        approx.assign(kApproxSlots, 0);
    bool listenerInRange = false;
    for (const KernelPollBatch::Row &r : rows) {
        if (!r.row.alive())
            continue;
        if (r.row.record.state == TcpState::Listen) {
            listeningPorts.set(r.row.record.localPort);
            listenerInRange = listenerInRange || facts.inEphemeralRange(r.row.record.localPort);
        }
        bucketRow(r);
    }
    if (direct && listenerInRange)
        takeBackListenerPorts();
    else if (!direct && anyDestinationLarge)
        countLargeDestinations();
    const int min = engine.m_thresholds.portMinSockets;
    int inLarge = 0;
    for (const auto &[dest, d] : clients)
        inLarge += d.count >= min ? d.count : 0;
    engine.m_directClients = clientRows > 0 && 2 * inLarge > clientRows;
}

void DiagnosisPass::countLargeDestinations()
{
    const int min = std::max(1, engine.m_thresholds.portMinSockets);
    for (const KernelPollBatch::Row &r : rows) {
        const SocketRecord &s = r.row.record;
        if (!r.row.alive() || !clientCandidate(r.row) || listeningPorts.test(s.localPort))
            continue;
        const DestinationKey key{s.localAddress, s.remoteAddress, s.remotePort};
        if (approx[approxSlot(key)] >= min)
            countClient(key, r.row, 1);
    }
}

void DiagnosisPass::takeBackListenerPorts()
{
    // Counted in the one pass before the listener was known: a listener's port is no client's.
    for (const KernelPollBatch::Row &r : rows) {
        const SocketRecord &s = r.row.record;
        if (r.row.alive() && listeningPorts.test(s.localPort) && clientCandidate(r.row))
            countClient({s.localAddress, s.remoteAddress, s.remotePort}, r.row, -1);
    }
}

void DiagnosisPass::countClient(const DestinationKey &key, const SocketRow &row, int sign)
{
    DestinationBucket &d = clients[key];
    d.count += sign;
    d.timeWait += sign * (row.record.state == TcpState::TimeWait);
    d.opened += sign * opened(row);
}

std::size_t DiagnosisPass::approxSlot(const DestinationKey &key)
{
    const std::uint64_t h = EndpointHash{}(key);
    return (h ^ (h >> 32) ^ (h >> 17)) & (kApproxSlots - 1);
}

bool DiagnosisPass::clientCandidate(const SocketRow &row) const
{
    // A client socket: its local port is ephemeral (and, checked by the caller, no listener
    // here owns it); not a listener, nor a listener's request socket.
    const SocketRecord &s = row.record;
    if (s.state == TcpState::Listen
        || (s.state == TcpState::SynReceived && s.hasNoProcessByDesign()))
        return false;
    return s.remotePort != 0 && facts.inEphemeralRange(s.localPort);
}

bool DiagnosisPass::opened(const SocketRow &row) const
{
    return row.firstSeen > engine.m_firstPoll && row.firstSeen >= time - kRateWindowS;
}

void DiagnosisPass::bucketRow(const KernelPollBatch::Row &r)
{
    const SocketRow &row = r.row;
    const SocketRecord &s = row.record;
    const EndpointKey peer{s.remoteAddress, s.remotePort};
    const DiagnosisThresholds &t = engine.m_thresholds;
    switch (s.state) {
    case TcpState::Listen: {
        ListenerBucket &l = listeners[{s.localAddress, s.localPort}];
        l.queue = s.recvQ;
        l.limit = s.sendQ;
        l.key = row.key;
        l.isListener = true;
        return;
    }
    case TcpState::SynReceived:
        if (!s.hasNoProcessByDesign())
            break; // a simultaneous open's own socket, not a listener's request
        // Attributed below, once listeners are known: keep by local port.
        listeners[{IpAddress{}, s.localPort}].synRecv.add(row);
        return;
    case TcpState::CloseWait: {
        static const std::vector<ProcessInfo> none{ProcessInfo{}};
        for (const ProcessInfo &p : r.processes.empty() ? none : r.processes) {
            ProcessBucket &b = closeWait[p.pid];
            if (b.count == 0)
                b.name = p.name;
            b.add(row);
            (s.recvQ > 1 ? b.unreadData : s.recvQ == 1 ? b.eofUnread : b.eofRead) += 1;
            ++b.peers[{s.remoteAddress, 0}];
        }
        break;
    }
    case TcpState::FinWait2:
        finWait2[peer].add(row);
        break;
    case TcpState::FinWait1:
    case TcpState::LastAck:
    case TcpState::Closing:
        if (s.timer == TimerKind::Retransmit || s.timer == TimerKind::Probe)
            closeRetrans[{s.remoteAddress, 0}].add(row);
        break;
    case TcpState::SynSent:
        synSent[{s.localAddress, s.remoteAddress, s.remotePort}].add(row);
        break;
    case TcpState::Established: {
        const bool retransmitting =
            s.timer == TimerKind::Retransmit && s.retrans >= t.deadPeerRetrans;
        // Only a large Send-Q is looked up (most sockets have none): "growing" compares it
        // with the last poll's, kept from half the threshold up.
        const bool large = s.sendQ >= t.sendQBytes;
        if (retransmitting || large) {
            const auto last = large ? engine.m_lastSendQ.find(row.key) : engine.m_lastSendQ.end();
            const bool growing = last != engine.m_lastSendQ.end() && s.sendQ > last->second;
            // A Send-Q that stopped growing because the peer's window is zero is still a peer
            // that does not read: the persist timer probes it.
            const bool zeroWindow = s.timer == TimerKind::Probe;
            if (retransmitting || growing || zeroWindow) {
                Bucket &b = deadPeers[peer];
                b.add(row);
                b.maxSendQ = std::max(b.maxSendQ, s.sendQ);
                b.maxRetrans = std::max<std::uint32_t>(b.maxRetrans, s.retrans);
            }
        }
        if (s.sendQ > 0 && s.sendQ >= t.sendQBytes / 2)
            engine.m_lastSendQ[row.key] = s.sendQ;
        break;
    }
    default:
        break;
    }
    if (clientCandidate(row)) { // (a listener's port among them is left out afterwards)
        const DestinationKey key{s.localAddress, s.remoteAddress, s.remotePort};
        ++clientRows;
        if (direct) {
            countClient(key, row, 1);
        } else {
            std::uint16_t &n = approx[approxSlot(key)];
            n += n < 0xffff;
            anyDestinationLarge = anyDestinationLarge || n >= t.portMinSockets;
        }
    }
}

void DiagnosisPass::closeWaitRule()
{
    const DiagnosisThresholds &t = engine.m_thresholds;
    for (auto &[pid, b] : closeWait) {
        const QString key = QStringLiteral("close-wait/pid:%1").arg(pid);
        DiagnosisEngine::Track &tr = engine.track(key, time, b.count);
        if (b.count < t.closeWaitCount)
            continue;
        const double oldest = age(b.oldestSince);
        const double spanMin = (time - tr.values.front().first) / 60.0;
        const double growth = spanMin > 0 ? (b.count - tr.values.front().second) / spanMin : 0.0;
        // Sockets already there at the first poll are at least as old as the watch: when they
        // outlast a short watch without shrinking, they are no burst being handled.
        const bool predates = b.oldestSince <= engine.m_firstPoll;
        const bool shrinking = b.count < tr.values.front().second;
        const bool leak =
            oldest >= t.closeWaitAgeS || (predates && time - engine.m_firstPoll >= 2 && !shrinking);
        DescriptorUsage fds;
        if (pid > 0)
            fds = readDescriptorUsage(pid, engine.m_procRoot);
        const bool fdsNearLimit =
            fds.limit > 0 && fds.open >= 0 && double(fds.open) >= t.fdCriticalShare * fds.limit;
        FindingLevel level = FindingLevel::Info;
        if (leak)
            level = b.count >= t.closeWaitCritical || fdsNearLimit ? FindingLevel::Critical
                                                                   : FindingLevel::Warning;
        const QString subject =
            pid > 0 ? QStringLiteral("%1 (%2)").arg(b.name).arg(pid) : QStringLiteral("?");
        Finding &f = make(leak ? FindingKind::CloseWaitLeak : FindingKind::CloseWaitBurst, level,
                          subject, TcpState::CloseWait, b, b.count);
        f.pid = pid;
        f.history.assign(tr.values.begin(), tr.values.end()); // from before it was a finding
        f.numbers = {{QStringLiteral("count"), b.count},
                     {QStringLiteral("oldest_s"), std::round(oldest)},
                     {QStringLiteral("oldest_is_lower_bound"), predates ? 1 : 0},
                     {QStringLiteral("growth_per_min"), std::round(growth * 10) / 10},
                     {QStringLiteral("unread_data"), b.unreadData},
                     {QStringLiteral("eof_unread"), b.eofUnread},
                     {QStringLiteral("eof_read"), b.eofRead},
                     {QStringLiteral("fds_open"), double(fds.open)},
                     {QStringLiteral("fds_limit"), double(fds.limit)}};
        f.facts = {{QStringLiteral("peers"), topPeers(b.peers)}};
    }
}

void DiagnosisPass::gatherSockets(const DestinationKey &dest, Bucket &into) const
{
    for (const KernelPollBatch::Row &r : rows) {
        const SocketRecord &s = r.row.record;
        if (r.row.alive() && s.remotePort == dest.remotePort && s.remoteAddress == dest.remote
            && s.localAddress == dest.local && clientCandidate(r.row)
            && !listeningPorts.test(s.localPort))
            into.add(r.row);
    }
}

void DiagnosisPass::portRule()
{
    const DiagnosisThresholds &t = engine.m_thresholds;
    const int capacity = facts.ephemeralPorts();
    const double span = std::min(kRateWindowS, time - engine.m_firstPoll);
    for (auto &[dest, b] : clients) {
        if (b.count < t.portMinSockets || capacity <= 0)
            continue;
        const QString id = endpointText(dest.remote, dest.remotePort);
        double rate = span > 0 ? b.opened / span : 0.0;
        if (const auto ex = engine.m_exact.find(id);
            ex != engine.m_exact.end() && !ex->second.opened.empty())
            rate = double(ex->second.opened.size()) / 60.0; // exact, over a minute
        const bool loopback = isLoopback(dest.local) && isLoopback(dest.remote);
        const bool reuse =
            facts.timestamps != 0 && (facts.twReuse == 1 || (facts.twReuse == 2 && loopback));
        // With tcp_tw_reuse, connect() may take over a TIME_WAIT older than 1 s: only the
        // others and the youngest second of TIME_WAITs hold ports.
        const double holding =
            reuse ? b.count - b.timeWait + std::min(double(b.timeWait), rate) : double(b.count);
        const double steady = b.count - b.timeWait + rate * (reuse ? 1.0 : kTimeWaitSeconds);
        const double share = holding / capacity;
        const bool predicted = steady >= capacity;
        const double toExhaustion =
            predicted && rate > 0 ? std::max(0.0, (capacity - holding) / rate) : -1;
        FindingLevel level = FindingLevel::Info;
        if (share >= t.portCriticalShare || (predicted && toExhaustion < 10))
            level = FindingLevel::Critical;
        else if (share >= t.portWarnShare || predicted)
            level = FindingLevel::Warning;
        else if (share < t.portWarnShare / 2)
            continue; // far from it: no finding at all
        Bucket evidence;
        gatherSockets(dest, evidence);
        Finding &f = make(FindingKind::PortExhaustion, level, destinationText(dest),
                          TcpState::TimeWait, evidence, holding);
        f.numbers = {{QStringLiteral("sockets"), b.count},
                     {QStringLiteral("time_wait"), b.timeWait},
                     {QStringLiteral("ports"), capacity},
                     {QStringLiteral("busy_pct"), std::round(share * 1000) / 10},
                     {QStringLiteral("rate_per_s"), std::round(rate * 10) / 10},
                     {QStringLiteral("projected_busy"), std::round(steady)},
                     {QStringLiteral("seconds_to_exhaustion"), std::round(toExhaustion)},
                     {QStringLiteral("tw_reuse"), facts.twReuse},
                     {QStringLiteral("tw_reuse_applies"), reuse ? 1 : 0}};
        f.facts = {{QStringLiteral("port_range"),
                    QStringLiteral("%1 %2").arg(facts.portLow).arg(facts.portHigh)},
                   {QStringLiteral("connect_error"), QStringLiteral("EADDRNOTAVAIL")}};
    }
}

} // namespace tcpscope
