#include "kernel/kerneltimeline.h"

#include <algorithm>

namespace tcpscope {

KernelTimelineStore::Tuple KernelTimelineStore::tupleOf(const IpAddress &local,
                                                        std::uint16_t localPort,
                                                        const IpAddress &remote,
                                                        std::uint16_t remotePort)
{
    static_assert(sizeof(Tuple) == 38, "Tuple is hashed as its bytes: no padding");
    Tuple t;
    t.local = local.bytes;
    t.remote = remote.bytes;
    t.localPort = localPort;
    t.remotePort = remotePort;
    t.family = quint8(local.family);
    return t;
}

KernelTimelineStore::KernelTimelineStore(std::size_t maxTransitions, std::size_t maxSamples)
    : m_maxTransitions(std::max<std::size_t>(1, maxTransitions))
    , m_maxSamples(std::max<std::size_t>(1, maxSamples))
{}

void KernelTimelineStore::record(const KernelPollBatch &batch)
{
    m_samples.emplace_back(batch.stats.time, batch.counts);
    if (m_samples.size() > m_maxSamples)
        m_samples.pop_front();
    for (const Transition &t : batch.transitions)
        add(t);
    // The table as last shown; its transitions are in the record already (a burst's 50,000
    // would be copied for nothing).
    m_latest.stats = batch.stats;
    m_latest.source = batch.source;
    m_latest.notice = batch.notice;
    m_latest.counts = batch.counts;
    m_latest.transitions.clear();
    m_latest.rows = batch.rows;
    m_latest.findings = batch.findings;
    m_latest.diagnoseMs = batch.diagnoseMs;
    m_latest.netns = batch.netns;
    if (batch.namespaces) // told when they change: the last list names the rows
        m_latest.namespaces = batch.namespaces;
}

void KernelTimelineStore::recordTransitions(const std::vector<Transition> &transitions)
{
    for (const Transition &t : transitions)
        add(t);
}

void KernelTimelineStore::add(const Transition &t)
{
    if (m_transitions.size() == m_maxTransitions)
        dropOldest();
    const std::uint64_t seq = m_firstSequence + m_transitions.size();
    const auto it = m_newest.find(t.connection);
    if (it == m_newest.end()) { // a socket new to the record: its tuple is its own now
        m_previous.push_back(kNone);
        m_newest.insert(t.connection, seq);
        m_byTuple.insert(tupleOf(t.localAddress, t.localPort, t.remoteAddress, t.remotePort),
                         t.connection);
    } else {
        m_previous.push_back(*it);
        *it = seq;
    }
    m_transitions.push_back(t);
}

void KernelTimelineStore::dropOldest()
{
    // The oldest is its socket's oldest kept: the socket's chain ends there; if it was also the
    // socket's newest, the socket leaves the index (and its 4-tuple, if still its own).
    const Transition &oldest = m_transitions.front();
    const auto it = m_newest.find(oldest.connection);
    if (it != m_newest.end() && *it == m_firstSequence) {
        m_newest.erase(it);
        const auto tuple = m_byTuple.constFind(tupleOf(oldest.localAddress, oldest.localPort,
                                                       oldest.remoteAddress, oldest.remotePort));
        if (tuple != m_byTuple.constEnd() && *tuple == oldest.connection)
            m_byTuple.erase(tuple);
    }
    m_transitions.pop_front();
    m_previous.pop_front();
    ++m_firstSequence;
    ++m_dropped;
}

void KernelTimelineStore::clear()
{
    m_samples.clear();
    m_transitions.clear();
    m_previous.clear();
    m_newest.clear();
    m_byTuple.clear();
    m_firstSequence = 0;
    m_dropped = 0;
}

void KernelTimelineStore::load(const KernelTimeline &timeline)
{
    clear();
    for (const auto &sample : timeline.samples) {
        m_samples.push_back(sample);
        if (m_samples.size() > m_maxSamples)
            m_samples.pop_front();
    }
    for (const Transition &t : timeline.transitions)
        add(t);
    m_latest = timeline.latest;
}

KernelTimeline KernelTimelineStore::toTimeline(const QString &host) const
{
    KernelTimeline t;
    t.host = host;
    t.samples.assign(m_samples.begin(), m_samples.end());
    t.transitions = allTransitions();
    t.latest = m_latest;
    return t;
}

std::vector<Transition> KernelTimelineStore::history(quint64 key) const
{
    std::vector<Transition> out;
    const auto it = m_newest.constFind(key);
    if (it == m_newest.constEnd())
        return out;
    for (std::uint64_t seq = *it; seq != kNone && seq >= m_firstSequence;
         seq = m_previous[std::size_t(seq - m_firstSequence)])
        out.push_back(m_transitions[std::size_t(seq - m_firstSequence)]);
    std::reverse(out.begin(), out.end());
    return out;
}

std::optional<quint64> KernelTimelineStore::socketWithTuple(const IpAddress &local,
                                                            std::uint16_t localPort,
                                                            const IpAddress &remote,
                                                            std::uint16_t remotePort) const
{
    const auto it = m_byTuple.constFind(tupleOf(local, localPort, remote, remotePort));
    if (it == m_byTuple.constEnd())
        return std::nullopt;
    return *it;
}

std::vector<Transition> KernelTimelineStore::allTransitions() const
{
    return {m_transitions.begin(), m_transitions.end()};
}

} // namespace tcpscope
