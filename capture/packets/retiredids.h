// Per-connection vectors of a live view after TcpTracker::retire(ids, …): the retired
// connections' entries dropped and the rest renumbered, in one pass each, without
// reallocating what stays (a view retires thousands of connections several times a second).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace tcpscope {

// Keeps the entries whose index is not in `ids` (ascending), in order.
template<typename T>
void eraseIds(std::vector<T> &v, const std::vector<std::uint32_t> &ids)
{
    std::size_t next = 0, r = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        while (r < ids.size() && ids[r] < i)
            ++r;
        if (r < ids.size() && ids[r] == i)
            continue;
        if (next != i)
            v[next] = std::move(v[i]);
        ++next;
    }
    v.resize(next);
}

// Lists of indices into the tracker's changes, per connection: those of `ids` go, and every
// index left is renumbered through `changeMap` (old index → new, UINT32_MAX: gone), as
// TcpTracker::retire reports it.
inline void retireChangeLists(std::vector<std::vector<std::uint32_t>> &lists,
                              const std::vector<std::uint32_t> &ids,
                              const std::vector<std::uint32_t> &changeMap)
{
    eraseIds(lists, ids);
    for (std::vector<std::uint32_t> &list : lists) {
        std::size_t kept = 0;
        for (std::uint32_t i : list) {
            const std::uint32_t now = i < changeMap.size() ? changeMap[i] : UINT32_MAX;
            if (now != UINT32_MAX)
                list[kept++] = now;
        }
        list.resize(kept);
    }
}

} // namespace tcpscope
