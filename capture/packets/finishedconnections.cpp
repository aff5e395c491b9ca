#include "packets/finishedconnections.h"

#include "nanoseconds.h"
#include "packets/retiredids.h"

#include <algorithm>

namespace tcpscope {

void FinishedConnections::update(const Connection &c, std::uint32_t id)
{
    if (id >= m_finished.size())
        m_finished.resize(std::size_t(id) + 1, 0);
    // Nothing left (or, parking, nothing but TIME_WAIT's timer).
    const auto done = [this](TcpState s) {
        return s == TcpState::Closed || (m_park && s == TcpState::TimeWait);
    };
    const bool now = done(c.ep[0].state) && done(c.ep[1].state);
    m_count += std::size_t(now) - std::size_t(m_finished[id] != 0);
    m_finished[id] = now;
}

bool FinishedConnections::overBound() const
{
    return m_count > m_keep + std::max<std::size_t>(m_keep / 4, 16);
}

std::vector<std::uint32_t> FinishedConnections::retire(TcpTracker &tracker,
                                                       std::uint32_t candidates, std::int64_t nowNs,
                                                       std::vector<std::uint32_t> &touched,
                                                       std::vector<Connection> *values)
{
    std::vector<std::uint32_t> retired;
    if (!overBound())
        return retired;
    const auto &conns = tracker.connections();
    // Saturating: a capture's clock may sit anywhere (a hostile if_tsoffset).
    const std::int64_t before = saturatingSub(nowNs, m_graceNs);
    const std::uint32_t end =
        std::min({candidates, std::uint32_t(conns.size()), std::uint32_t(m_finished.size())});
    std::size_t excess = m_count - m_keep;
    for (std::uint32_t id = 0; id < end && excess > 0; ++id) {
        if (!m_finished[id] || conns[id].lastSeenNs > before
            || std::binary_search(touched.begin(), touched.end(), id))
            continue;
        retired.push_back(id);
        --excess;
    }
    if (retired.empty())
        return retired;
    if (values) {
        for (std::uint32_t id : retired)
            values->push_back(conns[id]);
    }
    if (m_park)
        tracker.park(retired);
    tracker.retire(retired, false);
    // Renumber the caller's ids as the tracker did.
    for (std::uint32_t &id : touched)
        id -= std::uint32_t(std::lower_bound(retired.begin(), retired.end(), id) - retired.begin());
    eraseIds(m_finished, retired);
    m_count -= retired.size();
    return retired;
}

} // namespace tcpscope
