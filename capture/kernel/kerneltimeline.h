// The record of a kernel-table session: the counts per state after each poll (what the chart
// draws), every transition seen — of sockets still in the table and of sockets long gone —,
// and the last table. The chart, the table model, the history view, the exports and the
// session file read it; none of them owns the record. Bounded: past kMaxTransitions the
// oldest transitions are dropped (and counted), past kMaxSamples the oldest samples.
#pragma once

#include "kernel/kernelpoller.h"

#include <QHash>

#include <array>
#include <deque>
#include <optional>
#include <vector>

namespace tcpscope {

// What a saved session holds of the kernel table (formats/sessionfile reads and writes it).
struct KernelTimeline
{
    QString host;
    std::vector<std::pair<double, StateCounts>> samples; // the chart: time, counts
    std::vector<Transition> transitions;                 // every transition seen, oldest first
    KernelPollBatch latest;                              // the table as last shown
};

class KernelTimelineStore
{
public:
    // ~90 MB of transitions at most (~300 bytes each with its chain and its socket's index
    // entries): ~6 minutes of a TIME_WAIT churn of 400 connections a second (each appears and
    // goes: 800 transitions a second), days of an ordinary workstation.
    static constexpr std::size_t kMaxTransitions = 300'000;
    // 12 days of samples at one a second (~60 MB).
    static constexpr std::size_t kMaxSamples = 1'000'000;

    explicit KernelTimelineStore(std::size_t maxTransitions = kMaxTransitions,
                                 std::size_t maxSamples = kMaxSamples);

    // One poll: its counts as a sample, its transitions (queued, see fileQueued()), and its
    // table as the latest.
    void record(const KernelPollBatch &batch);
    // Transitions that came without a poll: the exact ones of the kernel trace (queued too).
    void recordTransitions(const std::vector<Transition> &transitions);
    // Recording only queues transitions; this files up to `n` of them into the record (its
    // chains and indexes, ~0.7 µs each) and is true while some remain, so that a window files
    // a burst's 50,000 over several event-loop turns, not in the one that brought them. Every
    // read files the whole queue first, except history(), which reads the queue where it is:
    // no read sees a partial record.
    bool fileQueued(std::size_t n);
    bool hasQueued() const { return m_queuedFrom < m_queued.size(); }
    // Forgets the samples and transitions (the latest table stays: it is what the kernel has).
    void clear();
    // Replaces the whole record with a saved session's.
    void load(const KernelTimeline &timeline);
    KernelTimeline toTimeline(const QString &host) const;

    const std::deque<std::pair<double, StateCounts>> &samples() const { return m_samples; }
    // The last poll's table (its transitions are in the record, not here).
    const KernelPollBatch &latest() const { return m_latest; }
    // The transitions of one socket (by key), oldest first.
    std::vector<Transition> history(quint64 key) const;
    // The socket that last appeared with this 4-tuple (local first), if the record has one: the
    // other end of a connection between two sockets of this host has the reversed tuple.
    std::optional<quint64> socketWithTuple(const IpAddress &local, std::uint16_t localPort,
                                           const IpAddress &remote, std::uint16_t remotePort) const;
    // Every transition kept, oldest first.
    std::vector<Transition> allTransitions() const;
    std::size_t transitionCount() const
    {
        settle();
        return m_transitions.size();
    }
    // How many of the oldest transitions were dropped to stay within the bound.
    std::uint64_t droppedTransitions() const
    {
        settle();
        return m_dropped;
    }
    std::size_t maxTransitions() const { return m_maxTransitions; }

private:
    void add(const Transition &t);
    void dropOldest();
    void reserveIndexes();
    void queue(const std::vector<Transition> &transitions);
    void settle() const;

    std::size_t m_maxTransitions, m_maxSamples;
    std::deque<std::pair<double, StateCounts>> m_samples;
    std::deque<Transition> m_transitions;
    // By transition: the sequence number of the same socket's previous one (kNone: none). A
    // socket's history is a chain through the record, walked back from its newest: no
    // allocation per socket (a deque each cost two, ~600 bytes, at 10,000 new sockets a second).
    static constexpr std::uint64_t kNone = ~std::uint64_t(0);
    std::deque<std::uint64_t> m_previous;
    std::uint64_t m_firstSequence = 0; // sequence number of m_transitions.front()
    // socket key → the sequence number of its newest transition
    QHash<quint64, std::uint64_t> m_newest;
    // A 4-tuple, as a hash key of fixed size (no allocation: one was made per transition).
    struct Tuple
    {
        std::array<quint8, 16> local{}, remote{};
        quint16 localPort = 0, remotePort = 0;
        quint8 family = 0, unused = 0; // no padding: the key is hashed as its bytes
        bool operator==(const Tuple &) const = default;
        friend size_t qHash(const Tuple &t, size_t seed) { return qHashBits(&t, sizeof t, seed); }
    };
    static Tuple tupleOf(const IpAddress &local, std::uint16_t localPort, const IpAddress &remote,
                         std::uint16_t remotePort);
    QHash<Tuple, quint64> m_byTuple; // 4-tuple → the socket that last appeared with it
    std::uint64_t m_dropped = 0;
    std::vector<Transition> m_queued; // recorded, not yet filed: from m_queuedFrom on
    std::size_t m_queuedFrom = 0;
    KernelPollBatch m_latest;
};

} // namespace tcpscope
