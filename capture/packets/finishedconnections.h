// Which connections of a live tracker are finished (both endpoints CLOSED), and the retirement
// of the oldest of them beyond a bound: shared by the live worker (the window's capture tab)
// and `tcpscope-cli capture`, so that neither keeps every connection of a long capture.
//
// With TimeWaits::Parked (the window), a connection whose endpoints are CLOSED or waiting out
// TIME_WAIT (nothing but a timer left) is finished too: an endpoint retired in TIME_WAIT stays
// counted there (TcpTracker::park), so a TIME_WAIT storm's last 60 s of connections are
// counts, not connections with their histories. Its TIME_WAIT → CLOSED is then not recorded
// as a change: `tcpscope-cli capture`, which prints every change, keeps them (TimeWaits::Kept).
//
// The owner says which connections may have changed (update()); retire() then removes from
// the tracker (TcpTracker::retire, without history) the oldest finished ones beyond
// keepFinished that have been idle for the grace period — only once they exceed the bound by
// a quarter (at least 16), so that its O(kept) pass is amortised.
#pragma once

#include "packets/livedelta.h" // RetiredSummary, for TcpTracker::retire

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcpscope {

class FinishedConnections
{
public:
    enum class TimeWaits : std::uint8_t { Kept, Parked };
    FinishedConnections(std::size_t keepFinished, std::int64_t graceNs,
                        TimeWaits timeWaits = TimeWaits::Kept)
        : m_keep(keepFinished)
        , m_graceNs(graceNs)
        , m_park(timeWaits == TimeWaits::Parked)
    {}

    // Connection id's flag from its current state.
    void update(const Connection &c, std::uint32_t id);
    std::size_t count() const { return m_count; }
    // Whether retire() would look for connections to retire now.
    bool overBound() const;
    // Retires the oldest finished connections among ids [0, candidates) beyond the bound,
    // last seen at or before nowNs − grace and not in `touched` (ascending; renumbered as
    // the tracker renumbers). Their last values go to *values when given. The ids retired
    // (ascending, in the numbering before).
    std::vector<std::uint32_t> retire(TcpTracker &tracker, std::uint32_t candidates,
                                      std::int64_t nowNs, std::vector<std::uint32_t> &touched,
                                      std::vector<Connection> *values = nullptr);

private:
    std::size_t m_keep;
    std::int64_t m_graceNs;
    bool m_park;
    std::vector<std::uint8_t> m_finished; // per connection id
    std::size_t m_count = 0;
};

} // namespace tcpscope
