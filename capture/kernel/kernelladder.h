// A kernel connection as the ladder figure reads it, without segments (the trace sees states,
// not packets): two timelines, each the state band of one end, changing at the kernel's own
// transitions (eBPF, exact to the ns and in order). The selected socket is one end; when the
// other is a socket of this host too (loopback: the reversed 4-tuple is in the record), its band
// comes from the kernel as well, else that end is not observed. Only traced transitions draw
// a band — polled ones are guesses between polls —, and after a socket's first traced one the
// poller's reports of what the trace cannot see (a TIME_WAIT minisocket's end), marked polled.
#pragma once

#include "kernel/kerneltimeline.h"

#include <array>
#include <vector>

namespace tcpscope {

struct KernelLadder
{
    struct End
    {
        bool observed = false; // its states are in this host's record
        quint64 key = 0;
        IpAddress address;
        std::uint16_t port = 0;
        TcpState initial = TcpState::Closed; // before its first change shown
        TcpState final = TcpState::Closed;   // after its last
    };
    struct Change
    {
        Transition transition;
        std::int64_t timeNs = 0; // a polled one: its poll's time
        int end = 0;
    };
    std::array<End, 2> ends;     // 0: the selected socket, 1: the other end
    int left = 0;                // the end drawn on the left: the client (connect()) when known
    std::vector<Change> changes; // both ends', in time order
    std::vector<std::array<TcpState, 2>> after; // per change: both ends' states after it

    bool empty() const { return changes.empty(); }
};

// The ladder of socket `key` (empty changes: the record has no traced transition of it).
KernelLadder buildKernelLadder(const KernelTimelineStore &store, quint64 key);

} // namespace tcpscope
