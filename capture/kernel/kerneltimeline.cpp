#include "kernel/kerneltimeline.h"

namespace tcpscope {

namespace {

QByteArray tupleKey(const IpAddress &local, std::uint16_t localPort, const IpAddress &remote,
                    std::uint16_t remotePort)
{
    QByteArray k;
    k.reserve(37);
    k.append(char(local.family));
    k.append(reinterpret_cast<const char *>(local.bytes.data()), 16);
    k.append(reinterpret_cast<const char *>(remote.bytes.data()), 16);
    k.append(char(localPort >> 8)).append(char(localPort)).append(char(remotePort >> 8));
    return k.append(char(remotePort));
}

QByteArray tupleKey(const Transition &t)
{
    return tupleKey(t.localAddress, t.localPort, t.remoteAddress, t.remotePort);
}

} // namespace

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
    m_latest = batch;
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
    m_bySocket[t.connection].push_back(m_firstSequence + m_transitions.size());
    m_byTuple.insert(tupleKey(t), t.connection);
    m_transitions.push_back(t);
}

void KernelTimelineStore::dropOldest()
{
    const auto it = m_bySocket.find(m_transitions.front().connection);
    if (it != m_bySocket.end()) {
        it->pop_front(); // the socket's oldest is the store's oldest
        if (it->empty()) {
            const auto tuple = m_byTuple.constFind(tupleKey(m_transitions.front()));
            if (tuple != m_byTuple.constEnd() && *tuple == m_transitions.front().connection)
                m_byTuple.erase(tuple);
            m_bySocket.erase(it);
        }
    }
    m_transitions.pop_front();
    ++m_firstSequence;
    ++m_dropped;
}

void KernelTimelineStore::clear()
{
    m_samples.clear();
    m_transitions.clear();
    m_bySocket.clear();
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
    const auto it = m_bySocket.constFind(key);
    if (it == m_bySocket.constEnd())
        return out;
    out.reserve(it->size());
    for (std::uint64_t seq : *it)
        out.push_back(m_transitions[std::size_t(seq - m_firstSequence)]);
    return out;
}

std::optional<quint64> KernelTimelineStore::socketWithTuple(const IpAddress &local,
                                                            std::uint16_t localPort,
                                                            const IpAddress &remote,
                                                            std::uint16_t remotePort) const
{
    const auto it = m_byTuple.constFind(tupleKey(local, localPort, remote, remotePort));
    if (it == m_byTuple.constEnd())
        return std::nullopt;
    return *it;
}

std::vector<Transition> KernelTimelineStore::allTransitions() const
{
    return {m_transitions.begin(), m_transitions.end()};
}

} // namespace tcpscope
