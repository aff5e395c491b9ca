// LabRun with the exact trace: the states a step's sockets only pass through.
#include "lab/labscenario.h"

#include <map>
#include <set>

namespace tcpscope {

bool LabRun::enableTrace(const QString &helper)
{
    m_traceHelper = helper;
    return ensureTrace();
}

// The trace runs in the namespace the scenario is in now (the helper, started from this
// thread, traces the namespace it was born in); restarted when the scenario enters its own.
bool LabRun::ensureTrace()
{
    if (m_traceHelper.isEmpty())
        return false;
    if (m_trace && m_traceNamespace == m_context.namespaceName())
        return true;
    m_trace.reset();
    auto trace = std::make_unique<TraceStream>();
    QString error;
    if (!trace->start(&error, 20000, m_traceHelper)) {
        m_traceError = error.trimmed();
        m_traceHelper.clear(); // said once; the steps are polled from now on
        return false;
    }
    m_trace = std::move(trace);
    m_traceNamespace = m_context.namespaceName();
    return true;
}

void LabRun::readTrace(int timeoutMs)
{
    if (m_trace)
        m_trace->read(m_traced, timeoutMs);
}

// Reads until the helper has been quiet for 50 ms (at most a second): the events of changes
// the poller has already seen are then all here.
void LabRun::settleTrace()
{
    for (int i = 0; m_trace && i < 20; ++i) {
        const std::size_t before = m_traced.size();
        m_trace->read(m_traced, 50);
        if (m_traced.size() == before)
            break;
    }
}

bool LabRun::metTraced(const LabExpect &e) const
{
    // A socket's ports, from any of its events (SYN_SENT's comes before its port is known).
    std::map<std::uint64_t, std::pair<quint16, quint16>> ports;
    for (const TracedEvent &t : m_traced) {
        if (t.raw.sport && !ports.count(t.raw.cookie))
            ports[t.raw.cookie] = {t.raw.sport, t.raw.dport};
    }
    std::set<std::uint64_t> sockets;
    for (const TracedEvent &t : m_traced) {
        const std::optional<TcpState> to = fromLinuxState(t.raw.newstate);
        const auto p = ports.find(t.raw.cookie);
        if (!changesState(t) || !to || to != e.state || p == ports.end())
            continue;
        SocketRecord r;
        r.localPort = p->second.first;
        r.remotePort = p->second.second;
        r.state = *to;
        if (m_context.owns(e.who, r))
            sockets.insert(t.raw.cookie);
    }
    return int(sockets.size()) >= e.atLeast;
}

// This step's traced transitions of the scenario's sockets (a connecting socket's first
// change has no local port yet: its cookie says whose it is).
std::vector<Transition> LabRun::tracedTransitions() const
{
    const QList<quint16> ports = m_context.ports();
    std::set<std::uint64_t> ours;
    for (const TracedEvent &t : m_traced) {
        if (t.raw.sport && ports.contains(t.raw.sport)
            && (t.raw.dport == 0 || ports.contains(t.raw.dport)))
            ours.insert(t.raw.cookie);
    }
    std::vector<Transition> out;
    for (const TracedEvent &t : m_traced) {
        if (changesState(t) && ours.count(t.raw.cookie))
            out.push_back(toTransition(t));
    }
    return out;
}

} // namespace tcpscope
