#include "kernel/kernelladder.h"

#include <algorithm>
#include <cmath>

namespace tcpscope {

namespace {

std::int64_t timeNsOf(const Transition &t)
{
    return t.observedBy == ObservedBy::Tracing ? t.timeNs : std::llround(t.time * 1e9);
}

// The end's changes from its first traced one on; false when it has none.
bool addEnd(KernelLadder &l, int end, const std::vector<Transition> &history)
{
    const auto first = std::find_if(history.begin(), history.end(), [](const Transition &t) {
        return t.observedBy == ObservedBy::Tracing;
    });
    if (first == history.end())
        return false;
    KernelLadder::End &e = l.ends[std::size_t(end)];
    e.observed = true;
    e.initial = first->from;
    e.final = history.back().to;
    for (auto it = first; it != history.end(); ++it)
        l.changes.push_back({*it, timeNsOf(*it), end});
    return true;
}

bool opensActively(const std::vector<KernelLadder::Change> &changes, int end)
{
    return std::any_of(changes.begin(), changes.end(), [end](const KernelLadder::Change &c) {
        return c.end == end && c.transition.to == TcpState::SynSent;
    });
}

} // namespace

KernelLadder buildKernelLadder(const KernelTimelineStore &store, quint64 key)
{
    KernelLadder l;
    const std::vector<Transition> mine = store.history(key);
    if (mine.empty() || !addEnd(l, 0, mine))
        return l;
    const Transition &t = mine.back();
    l.ends[0].key = key;
    l.ends[0].address = t.localAddress;
    l.ends[0].port = t.localPort;
    l.ends[1].address = t.remoteAddress;
    l.ends[1].port = t.remotePort;
    const std::optional<quint64> peer =
        store.socketWithTuple(t.remoteAddress, t.remotePort, t.localAddress, t.localPort);
    if (peer && *peer != key && addEnd(l, 1, store.history(*peer)))
        l.ends[1].key = *peer;
    std::stable_sort(l.changes.begin(), l.changes.end(),
                     [](const auto &a, const auto &b) { return a.timeNs < b.timeNs; });
    std::array<TcpState, 2> now{l.ends[0].initial, l.ends[1].initial};
    for (const KernelLadder::Change &c : l.changes) {
        now[std::size_t(c.end)] = c.transition.to;
        l.after.push_back(now);
    }
    l.left = opensActively(l.changes, 1) && !opensActively(l.changes, 0) ? 1 : 0;
    return l;
}

} // namespace tcpscope
