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
{
    reserveIndexes();
}

// Room for as many sockets as the record can name (~2.5 MB at the default bound; a span's
// entries are allocated as they fill): a growing index rehashed every entry in one event-loop
// turn of a burst.
void KernelTimelineStore::reserveIndexes()
{
    m_newest.reserve(qsizetype(m_maxTransitions));
    m_byTuple.reserve(qsizetype(m_maxTransitions));
}

void KernelTimelineStore::record(const KernelPollBatch &batch)
{
    m_samples.emplace_back(batch.stats.time, batch.counts);
    if (m_samples.size() > m_maxSamples)
        m_samples.pop_front();
    queue(batch.transitions);
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
    queue(transitions);
}

void KernelTimelineStore::queue(const std::vector<Transition> &transitions)
{
    m_queued.insert(m_queued.end(), transitions.begin(), transitions.end());
    // Bounded: a window that does not file keeps at most a record's worth queued.
    if (m_queued.size() - m_queuedFrom > m_maxTransitions)
        fileQueued(m_queued.size());
}

bool KernelTimelineStore::fileQueued(std::size_t n)
{
    const std::size_t end = m_queuedFrom + std::min(n, m_queued.size() - m_queuedFrom);
    for (; m_queuedFrom < end; ++m_queuedFrom)
        add(m_queued[m_queuedFrom]);
    if (m_queuedFrom < m_queued.size())
        return true;
    m_queued.clear();
    m_queuedFrom = 0;
    if (m_queued.capacity() > m_maxTransitions / 4)
        m_queued.shrink_to_fit(); // a burst's room, not kept for good
    return false;
}

// Filing moves what is recorded into the record's indexes without changing what it holds: a
// read that files first is a const read in all but name (a store is never defined const).
void KernelTimelineStore::settle() const
{
    if (hasQueued())
        const_cast<KernelTimelineStore *>(this)->fileQueued(m_queued.size());
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
    reserveIndexes();
    m_firstSequence = 0;
    m_dropped = 0;
    m_queued.clear();
    m_queuedFrom = 0;
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
    settle();
    KernelTimeline t;
    t.host = host;
    t.samples.assign(m_samples.begin(), m_samples.end());
    t.transitions = allTransitions();
    t.latest = m_latest;
    return t;
}

std::vector<Transition> KernelTimelineStore::history(quint64 key) const
{
    // Filing the queue would drop the record's oldest past the bound: those are not kept.
    const std::size_t queued = m_queued.size() - m_queuedFrom;
    const std::size_t total = m_transitions.size() + queued;
    const std::size_t over = total > m_maxTransitions ? total - m_maxTransitions : 0;
    const std::uint64_t keptFrom = m_firstSequence + over;
    std::vector<Transition> out;
    const auto it = m_newest.constFind(key);
    for (std::uint64_t seq = it == m_newest.constEnd() ? kNone : *it;
         seq != kNone && seq >= keptFrom; seq = m_previous[std::size_t(seq - m_firstSequence)])
        out.push_back(m_transitions[std::size_t(seq - m_firstSequence)]);
    std::reverse(out.begin(), out.end());
    const std::size_t from =
        m_queuedFrom + (queued > m_maxTransitions ? queued - m_maxTransitions : 0);
    for (std::size_t i = from; i < m_queued.size(); ++i) {
        if (m_queued[i].connection == key)
            out.push_back(m_queued[i]);
    }
    return out;
}

std::optional<quint64> KernelTimelineStore::socketWithTuple(const IpAddress &local,
                                                            std::uint16_t localPort,
                                                            const IpAddress &remote,
                                                            std::uint16_t remotePort) const
{
    settle();
    const auto it = m_byTuple.constFind(tupleOf(local, localPort, remote, remotePort));
    if (it == m_byTuple.constEnd())
        return std::nullopt;
    return *it;
}

std::vector<Transition> KernelTimelineStore::allTransitions() const
{
    settle();
    return {m_transitions.begin(), m_transitions.end()};
}

} // namespace tcpscope
