// The TIME_WAITs a live tracker no longer keeps as connections. A finished connection whose
// last endpoint only waits out 2·MSL is retired like one fully CLOSED (FinishedConnections),
// but that endpoint is still in TIME_WAIT: it is parked here as its 4-tuple's hash and the
// time its timer ends, ~90 bytes instead of a whole connection with its history. A TIME_WAIT
// storm of a million sockets then costs the window tens of MB, not GBs. The tracker keeps
// counting a parked endpoint in TIME_WAIT until its timer ends (expire) or a new incarnation
// takes its 4-tuple (take), as the kernel ends a TIME_WAIT socket that a SYN reuses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <queue>
#include <unordered_map>
#include <vector>

namespace tcpscope {

class ParkedTimeWaits
{
public:
    // `endpoints` (1 or 2) of the 4-tuple `hash` wait until endNs. Returns the endpoints of
    // an earlier parking of the same hash, which this one replaces (they end now).
    int park(std::uint64_t hash, std::int64_t endNs, int endpoints);
    // The endpoints whose timer ended at or before nowNs, removed.
    int expire(std::int64_t nowNs);
    // The endpoints parked under `hash` (0: none), removed: a new incarnation took the tuple.
    int take(std::uint64_t hash);

    bool empty() const { return m_byTuple.empty(); }
    std::size_t size() const { return m_byTuple.size(); }
    int endpoints() const { return m_endpoints; }

private:
    struct Parking
    {
        std::int64_t endNs;
        int endpoints;
    };
    struct Due
    {
        std::int64_t endNs;
        std::uint64_t hash;
        bool operator>(const Due &o) const { return endNs > o.endNs; }
    };
    std::unordered_map<std::uint64_t, Parking> m_byTuple;
    // By end time, soonest first; an entry whose tuple was taken or parked again is skipped.
    std::priority_queue<Due, std::vector<Due>, std::greater<>> m_due;
    int m_endpoints = 0;
};

} // namespace tcpscope
