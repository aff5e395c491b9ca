#include "remote/remotefeed.h"

#include <chrono>

namespace tcpscope {

TableSource tableSourceFromName(const QString &name)
{
    if (name == QLatin1StringView(tableSourceName(TableSource::SockDiag)))
        return TableSource::SockDiag;
    if (name == QLatin1StringView(tableSourceName(TableSource::ProcNetTcp)))
        return TableSource::ProcNetTcp;
    return TableSource::None;
}

// The engine's own /proc reads (a process's descriptors) would be this host's: it gets none.
RemoteFeed::RemoteFeed(DiagnosisThresholds thresholds)
    : m_diagnosis(thresholds, QStringLiteral("/nonexistent/remote-host"))
{}

KernelPollBatch RemoteFeed::apply(const WatchStreamParser &parser)
{
    const WatchStreamParser::Poll &poll = parser.poll();
    const double now = poll.stats.time;
    std::vector<SocketRecord> records;
    records.reserve(parser.sockets().size());
    for (const auto &[key, s] : parser.sockets()) {
        records.push_back(s.record);
        records.back().timerExpiresMs = agedTimerMs(s, now);
    }
    KernelPollBatch batch;
    batch.stats = poll.stats;
    batch.source = tableSourceFromName(poll.source);
    batch.notice = poll.notice;
    batch.transitions = m_table.apply(records, now);
    batch.counts = m_table.counts();
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    rows->reserve(m_table.rows().size());
    for (const SocketRow &r : m_table.rows()) {
        KernelPollBatch::Row out;
        out.row = r;
        const StreamSocket *s = nullptr;
        if (const auto it = parser.sockets().find(r.key); it != parser.sockets().end())
            s = &it->second;
        else if (const auto g = parser.gone().find(r.key); g != parser.gone().end())
            s = &g->second; // fading: as it was last seen
        if (s) {
            out.ownership = s->ownership;
            out.processes = s->processes;
        }
        rows->push_back(std::move(out));
    }
    batch.rows = std::move(rows);
    const auto t0 = std::chrono::steady_clock::now();
    batch.findings = std::make_shared<const std::vector<Finding>>(
        m_diagnosis.addPoll(now, *batch.rows, parser.facts()));
    batch.diagnoseMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++m_polls;
    return batch;
}

} // namespace tcpscope
