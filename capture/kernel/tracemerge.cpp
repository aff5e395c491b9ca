#include "kernel/tracemerge.h"

namespace tcpscope {

void TraceMerge::traced(const TracedEvent &e)
{
    if (e.raw.kind == TCPTRACE_TW_ENTER && e.raw.newstate == 5) // TCP_FIN_WAIT2
        m_finWait2Minisockets.insert(e.raw.cookie);
    if (e.raw.kind == TCPTRACE_TW_SUBSTATE) // traced: the poller's FIN_WAIT_2 -> TIME_WAIT is old
        m_finWait2Minisockets.erase(e.raw.cookie);
    if (e.raw.kind == TCPTRACE_TW_EXIT || e.raw.kind == TCPTRACE_TW_KILL) {
        m_expired.insert(e.raw.cookie);
        m_finWait2Minisockets.erase(e.raw.cookie);
    }
}

bool TraceMerge::keepPolled(const Transition &t)
{
    if (t.firstSeen)
        return false; // born while traced (or a request socket: the trace has its child)
    const std::uint64_t cookie = t.connection;
    if (t.from == TcpState::FinWait2 && t.to == TcpState::TimeWait)
        return m_finWait2Minisockets.erase(cookie) > 0;
    if (t.to != TcpState::Closed)
        return false;
    if (m_expired.erase(cookie) > 0)
        return false; // the trace saw its timer expire
    if (t.from == TcpState::TimeWait)
        return true;
    if (t.from == TcpState::FinWait2)
        return m_finWait2Minisockets.erase(cookie) > 0;
    return false;
}

} // namespace tcpscope
