// The rules of the listener, the stuck closes, the failing connects and the dead peers.
#include "diagnose/diagnosispass.h"

#include <algorithm>
#include <cmath>

namespace tcpscope {

Finding &DiagnosisPass::make(FindingKind kind, FindingLevel level, const QString &subject,
                             TcpState state, const Bucket &evidence, double mainValue)
{
    Finding f;
    f.kind = kind;
    f.level = level;
    f.subject = subject;
    f.state = state;
    f.key = QString::fromLatin1(findingKindId(kind)) + u'/' + subject;
    f.sockets = evidence.sockets;
    const DiagnosisEngine::Track &tr = engine.track(f.key, time, mainValue);
    f.history.assign(tr.values.begin(), tr.values.end());
    const auto since = engine.m_since.try_emplace(f.key, time).first;
    f.since = since->second;
    out.push_back(std::move(f));
    return out.back();
}

qint64 DiagnosisPass::counterDelta(const QString &name) const
{
    if (engine.m_counters.size() < 2)
        return 0;
    const qint64 first = engine.m_counters.front().second.value(name, -1);
    const qint64 last = engine.m_counters.back().second.value(name, -1);
    return first < 0 || last < 0 ? 0 : std::max<qint64>(0, last - first);
}

void DiagnosisPass::listenerRule()
{
    const DiagnosisThresholds &t = engine.m_thresholds;
    const qint64 overflows = counterDelta(QStringLiteral("ListenOverflows"));
    const qint64 drops = counterDelta(QStringLiteral("ListenDrops"));
    // Each cookie sent for a full SYN queue counts in both: the larger, not the sum.
    const qint64 cookies = std::max(counterDelta(QStringLiteral("SyncookiesSent")),
                                    counterDelta(QStringLiteral("TCPReqQFullDoCookies")));
    const qint64 reqDrops = counterDelta(QStringLiteral("TCPReqQFullDrop"));
    for (auto &[at, l] : listeners) {
        if (!l.isListener)
            continue;
        const auto *req = listeners.find({IpAddress{}, at.port});
        const Bucket noRequests;
        const Bucket &syn = req ? req->second.synRecv : noRequests;
        const QString subject = endpointText(at.address, at.port);
        Bucket self;
        self.sockets = {l.key};
        // The accept queue holds backlog + 1: full is Recv-Q > Send-Q.
        if (l.limit > 0 && l.queue > l.limit) {
            const FindingLevel level =
                overflows > 0 || drops > 0 ? FindingLevel::Critical : FindingLevel::Warning;
            Bucket ev = self;
            ev.sockets.insert(ev.sockets.end(), syn.sockets.begin(), syn.sockets.end());
            Finding &f =
                make(FindingKind::AcceptQueueFull, level, subject, TcpState::Listen, ev, l.queue);
            f.numbers = {{QStringLiteral("accept_queue"), double(l.queue)},
                         {QStringLiteral("limit"), double(l.limit)},
                         {QStringLiteral("syn_recv"), syn.count},
                         {QStringLiteral("listen_overflows"), double(overflows)},
                         {QStringLiteral("listen_drops"), double(drops)}};
        }
        if (syn.count >= t.synRecvCount) {
            Finding &f = make(FindingKind::SynFlood,
                              reqDrops > 0 ? FindingLevel::Critical : FindingLevel::Warning,
                              subject, TcpState::SynReceived, syn, syn.count);
            f.numbers = {{QStringLiteral("syn_recv"), syn.count},
                         {QStringLiteral("oldest_s"), std::round(age(syn.oldestSince))},
                         {QStringLiteral("accept_queue"), double(l.queue)},
                         {QStringLiteral("limit"), double(l.limit)},
                         {QStringLiteral("cookies"), double(cookies)},
                         {QStringLiteral("reqq_full_drops"), double(reqDrops)},
                         {QStringLiteral("syncookies"), facts.syncookies}};
        }
    }
}

void DiagnosisPass::closeRules()
{
    const DiagnosisThresholds &t = engine.m_thresholds;
    for (auto &[peer, b] : finWait2) {
        if (b.count < t.finWait2Count)
            continue;
        Finding &f = make(FindingKind::FinWait2Pileup, FindingLevel::Warning,
                          endpointText(peer.address, peer.port), TcpState::FinWait2, b, b.count);
        f.numbers = {{QStringLiteral("count"), b.count},
                     {QStringLiteral("oldest_s"), std::round(age(b.oldestSince))}};
    }
    const qint64 timeouts = counterDelta(QStringLiteral("TCPAbortOnTimeout"));
    for (auto &[peer, b] : closeRetrans) {
        if (b.count < t.closeRetransCount)
            continue;
        Finding &f = make(FindingKind::CloseRetransmits, FindingLevel::Warning,
                          peer.address.toString(), TcpState::FinWait1, b, b.count);
        f.numbers = {{QStringLiteral("count"), b.count},
                     {QStringLiteral("oldest_s"), std::round(age(b.oldestSince))},
                     {QStringLiteral("abort_on_timeout"), double(timeouts)}};
    }
    if (facts.maxOrphans > 0 && facts.orphans >= t.orphanShare * double(facts.maxOrphans)) {
        Bucket none;
        Finding &f = make(
            FindingKind::OrphansNearLimit,
            facts.orphans >= facts.maxOrphans ? FindingLevel::Critical : FindingLevel::Warning,
            QStringLiteral("tcp_max_orphans"), TcpState::FinWait2, none, double(facts.orphans));
        f.numbers = {{QStringLiteral("orphans"), double(facts.orphans)},
                     {QStringLiteral("max_orphans"), double(facts.maxOrphans)},
                     {QStringLiteral("abort_on_memory"),
                      double(counterDelta(QStringLiteral("TCPAbortOnMemory")))}};
    }
}

void DiagnosisPass::synSentRule()
{
    const DiagnosisThresholds &t = engine.m_thresholds;
    for (auto &[dest, b] : synSent) {
        const double oldest = age(b.oldestSince);
        if (b.count < t.synSentCount || oldest < t.synSentAgeS)
            continue;
        const QString id = endpointText(dest.remote, dest.remotePort);
        Finding &f = make(FindingKind::SynSentPileup, FindingLevel::Warning,
                          QStringLiteral("\u2192 ") + id, TcpState::SynSent, b, b.count);
        double failed = -1; // unknown without a trace or packet source
        if (const auto ex = engine.m_exact.find(id); ex != engine.m_exact.end())
            failed = double(ex->second.failed.size()) / 60.0;
        f.numbers = {{QStringLiteral("count"), b.count},
                     {QStringLiteral("oldest_s"), std::round(oldest)},
                     {QStringLiteral("failed_per_s"), failed}};
    }
}

// Refusals end SYN_SENT at once and leave no socket for a poll to see: only the trace's and
// the packets' events show them, counted over the last minute.
void DiagnosisPass::refusedRule()
{
    for (const auto &[dest, ev] : engine.m_exact) {
        const auto refused = double(ev.refused.size());
        if (refused < engine.m_thresholds.refusedCount)
            continue;
        Bucket evidence; // the traced ones, while the table still shows them fading
        for (const DiagnosisEngine::ExactEvents::Refusal &r : ev.refused) {
            if (r.socket)
                evidence.sockets.push_back(r.socket);
        }
        Finding &f = make(FindingKind::ConnectsRefused, FindingLevel::Warning,
                          QStringLiteral("\u2192 ") + dest, TcpState::SynSent, evidence, refused);
        // The trace sees every connect(); the packets only the refused ones.
        const double attempts = ev.refusalTraced ? double(ev.opened.size()) : -1;
        QStringList seenBy;
        if (ev.refusalTraced)
            seenBy << QStringLiteral("eBPF");
        if (ev.refusalCaptured)
            seenBy << QStringLiteral("packets");
        f.numbers = {{QStringLiteral("refused"), refused},
                     {QStringLiteral("refused_per_s"), std::round(refused / 6.0) / 10},
                     {QStringLiteral("attempts"), attempts}};
        f.facts = {{QStringLiteral("seen_by"), seenBy.join(u'+')},
                   {QStringLiteral("connect_error"), QStringLiteral("ECONNREFUSED")}};
    }
}

void DiagnosisPass::deadPeerRule()
{
    for (auto &[peer, b] : deadPeers) {
        const std::uint32_t maxSendQ = b.maxSendQ, maxRetrans = b.maxRetrans;
        Finding &f =
            make(FindingKind::DeadPeer, FindingLevel::Warning,
                 endpointText(peer.address, peer.port), TcpState::Established, b, maxSendQ);
        f.numbers = {{QStringLiteral("count"), b.count},
                     {QStringLiteral("send_q"), double(maxSendQ)},
                     {QStringLiteral("retransmits"), double(maxRetrans)}};
    }
}

} // namespace tcpscope
