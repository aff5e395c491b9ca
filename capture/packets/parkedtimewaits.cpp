#include "packets/parkedtimewaits.h"

namespace tcpscope {

int ParkedTimeWaits::park(std::uint64_t hash, std::int64_t endNs, int endpoints)
{
    const int replaced = take(hash);
    m_byTuple.emplace(hash, Parking{endNs, endpoints});
    m_due.push(Due{endNs, hash});
    m_endpoints += endpoints;
    return replaced;
}

int ParkedTimeWaits::expire(std::int64_t nowNs)
{
    int ended = 0;
    while (!m_due.empty() && m_due.top().endNs <= nowNs) {
        const Due due = m_due.top();
        m_due.pop();
        const auto it = m_byTuple.find(due.hash);
        if (it == m_byTuple.end() || it->second.endNs != due.endNs)
            continue; // taken, or parked again with a later end
        ended += it->second.endpoints;
        m_byTuple.erase(it);
    }
    m_endpoints -= ended;
    if (m_byTuple.empty())
        m_due = {}; // the skipped entries of taken tuples go too
    return ended;
}

int ParkedTimeWaits::take(std::uint64_t hash)
{
    const auto it = m_byTuple.find(hash);
    if (it == m_byTuple.end())
        return 0;
    const int n = it->second.endpoints;
    m_byTuple.erase(it);
    m_endpoints -= n;
    return n;
}

} // namespace tcpscope
