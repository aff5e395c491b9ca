// The trace and the poller together: with tracing on, the trace reports every transition of
// a full socket exactly, and the poller only what the trace did not see — on a kernel
// without the minisocket hooks (traceprotocol::kTimeWaitSubstate, kTimeWaitKill), a TIME_WAIT
// minisocket's inside. TraceMerge says which of the poller's transitions still carry news:
//   FIN_WAIT_2 -> TIME_WAIT  of an orphan's FIN_WAIT_2 minisocket (the peer's FIN arrived)
//                            that the trace did not report (TCPTRACE_TW_SUBSTATE)
//   TIME_WAIT/FIN_WAIT_2 -> CLOSED  of a minisocket whose end the trace did not report
//                            (TCPTRACE_TW_EXIT on expiry, TCPTRACE_TW_KILL before it)
// Everything else the poller reports, the trace has reported already, exactly.
#pragma once

#include "kernel/tracestream.h"

#include <unordered_set>

namespace tcpscope {

class TraceMerge
{
public:
    // Every traced event, in order.
    void traced(const TracedEvent &e);
    // One of the poller's transitions: true when it should be recorded (as polled).
    bool keepPolled(const Transition &t);

private:
    std::unordered_set<std::uint64_t> m_finWait2Minisockets; // by cookie
    std::unordered_set<std::uint64_t> m_expired;             // traced expiries not yet polled
};

} // namespace tcpscope
