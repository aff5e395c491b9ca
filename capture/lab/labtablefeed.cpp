#include "lab/labtablefeed.h"

namespace tcpscope {

LabTableFeed::LabTableFeed(const DiagnosisThresholds &thresholds)
    : m_diagnosis(thresholds)
{}

KernelPollBatch LabTableFeed::apply(const LabTableEvent &event)
{
    if (!m_started) { // a new namespace holds nothing: what the first table has appeared
        m_table.apply({}, event.time);
        m_started = true;
    }
    m_netns = event.netns;
    m_pid = event.pid;
    m_facts = event.facts;
    KernelPollBatch batch;
    batch.transitions = m_table.apply(event.sockets, event.time);
    batch.source = TableSource::SockDiag;
    batch.stats.time = event.time;
    batch.stats.sockets = int(event.sockets.size());
    batch.counts = m_table.counts();
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    for (const SocketRow &r : m_table.rows()) {
        KernelPollBatch::Row out{r, Ownership::Owned, {}};
        if (r.record.inode == 0) // as ProcessMap::ownership() says it
            out.ownership =
                r.record.state == TcpState::TimeWait || r.record.state == TcpState::SynReceived
                    ? Ownership::NoDescriptor
                    : Ownership::Orphaned;
        else // the namespace's descriptors are all the worker's
            out.processes.push_back({m_pid, QStringLiteral("tcpscope-cli"),
                                     QStringLiteral("tcpscope-cli lab run (%1)").arg(m_netns)});
        rows->push_back(std::move(out));
    }
    batch.findings = std::make_shared<const std::vector<Finding>>(
        m_diagnosis.addPoll(event.time, *rows, m_facts));
    batch.rows = std::move(rows);
    return batch;
}

KernelPollBatch LabTableFeed::end(double time)
{
    return apply(LabTableEvent{time, m_netns, m_pid, {}, m_facts});
}

} // namespace tcpscope
