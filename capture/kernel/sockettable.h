// The kernel's socket table across polls: each poll is diffed against the previous one by
// socket identity, and what appeared, changed state or vanished becomes a Transition. A
// vanished socket stays (marked gone) for a few seconds so that a view can fade it out.
#pragma once

#include "socketrecord.h"
#include "transition.h"

#include <array>
#include <unordered_map>
#include <vector>

namespace tcpscope {

struct SocketRow
{
    SocketRecord record;
    std::uint64_t key = 0; // identity: the socket cookie, or a hash of the 4-tuple
    double firstSeen = 0;  // poll time it was first seen
    double stateSince = 0; // poll time its current state was first seen
    double goneAt = 0;     // 0 while alive; else the poll time it was seen gone
    std::uint32_t generation = 0;

    bool alive() const { return goneAt == 0; }
};

using StateCounts = std::array<int, kTcpStateCount>;

class SocketTable
{
public:
    explicit SocketTable(double lingerSeconds = 3.0)
        : m_linger(lingerSeconds)
    {}

    // Applies one poll taken at time `now` (seconds since the epoch). Returns the transitions
    // it implies. The first poll reports no transitions: it only says what exists.
    std::vector<Transition> apply(const std::vector<SocketRecord> &records, double now);

    const std::vector<SocketRow> &rows() const { return m_rows; } // alive and fading
    StateCounts counts() const { return m_counts; }               // alive sockets per state
    int aliveCount() const { return m_alive; }
    double lastPoll() const { return m_lastPoll; }

    // Identity of a record: its cookie when the kernel gave one (sock_diag), else a hash of
    // family, addresses and ports (/proc/net/tcp).
    static std::uint64_t identity(const SocketRecord &r);

private:
    // One poll being applied: its time, the lower bound of its transitions, its generation.
    struct Poll
    {
        double now = 0;
        double earliest = 0;
        std::uint32_t generation = 0;
        std::vector<Transition> out;
    };
    using RequestIndex = std::unordered_map<std::uint64_t, std::size_t>;

    void removeRow(std::size_t i);
    void merge(const SocketRecord &r, Poll &poll, std::vector<std::size_t> &appeared);
    void addRow(const SocketRecord &r, std::uint64_t key, Poll &poll,
                std::vector<std::size_t> &appeared);
    RequestIndex vanishedRequests(std::uint32_t generation) const;
    bool continueRequest(SocketRow &row, RequestIndex &requests, Poll &poll,
                         std::vector<bool> &continued);
    std::vector<bool> announceAppeared(const std::vector<std::size_t> &appeared, Poll &poll);
    void retireVanished(const std::vector<bool> &continued, Poll &poll);
    void recount();

    double m_linger;
    std::vector<SocketRow> m_rows;
    std::unordered_map<std::uint64_t, std::uint32_t> m_index; // key → row, alive rows only
    StateCounts m_counts{};
    int m_alive = 0;
    double m_lastPoll = 0;
    std::uint32_t m_generation = 0;
    bool m_first = true;
};

} // namespace tcpscope
