#include "formats/metricsexposition.h"

#include "formats/prometheustext.h"
#include "versions.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace tcpscope {

namespace {

using PortCounts = std::map<int, StateCounts>; // local listening port → sockets per state

void writeInfo(PrometheusText &m, const MetricsSource &s)
{
    m.family("tcpscope_build_info", "gauge", "tcpscope's version (always 1)");
    m.sample("tcpscope_build_info", {{"version", tcpscopeVersion()}}, 1);
    if (!s.last)
        return;
    m.family("tcpscope_table_info", "gauge",
             "Where the socket table is read from (always 1); notice: why not netlink");
    m.sample("tcpscope_table_info",
             {{"source", QString::fromLatin1(tableSourceName(s.last->source))},
              {"notice", s.last->notice}},
             1);
}

void writeStates(PrometheusText &m, const KernelPollBatch &b)
{
    m.family("tcpscope_sockets", "gauge", "TCP sockets in each state at the last poll");
    for (int i = 0; i < kTcpStateCount; ++i)
        m.sample("tcpscope_sockets", {{"state", rfcName(stateAt(i))}}, b.counts[std::size_t(i)]);
}

// Sockets whose local port is a listening port, per port and state (LISTEN included), and each
// port's accept queue. Ports beyond maxPorts (the least busy) are summed as "other".
void writeListenerPorts(PrometheusText &m, const KernelPollBatch &b, const MetricsOptions &o)
{
    std::unordered_map<int, StateCounts> byPort;
    std::unordered_map<int, std::pair<double, double>> queues; // waiting, limit
    for (const KernelPollBatch::Row &r : *b.rows) {
        if (r.row.alive() && r.row.record.state == TcpState::Listen) {
            byPort.try_emplace(r.row.record.localPort, StateCounts{});
            auto &q = queues[r.row.record.localPort];
            q.first += r.row.record.recvQ;
            q.second += r.row.record.sendQ;
        }
    }
    for (const KernelPollBatch::Row &r : *b.rows) {
        if (!r.row.alive())
            continue;
        if (const auto it = byPort.find(r.row.record.localPort); it != byPort.end())
            ++it->second[std::size_t(index(r.row.record.state))];
    }
    std::vector<std::pair<int, int>> busiest; // (sockets, port)
    for (const auto &[port, counts] : byPort) {
        int total = 0;
        for (int c : counts)
            total += c;
        busiest.emplace_back(total, port);
    }
    std::sort(busiest.begin(), busiest.end(), [](auto x, auto y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    PortCounts kept;
    StateCounts other{};
    bool hasOther = false;
    for (std::size_t i = 0; i < busiest.size(); ++i) {
        const StateCounts &c = byPort[busiest[i].second];
        if (int(i) < o.maxPorts) {
            kept.emplace(busiest[i].second, c);
            continue;
        }
        hasOther = true;
        for (int s = 0; s < kTcpStateCount; ++s)
            other[std::size_t(s)] += c[std::size_t(s)];
    }
    m.family("tcpscope_listener_sockets", "gauge",
             "Sockets on a listening port (the listener, its connections and handshakes), per "
             "port and state");
    auto writePort = [&](const QString &port, const StateCounts &c) {
        for (int s = 0; s < kTcpStateCount; ++s) {
            if (c[std::size_t(s)] > 0)
                m.sample("tcpscope_listener_sockets",
                         {{"port", port}, {"state", rfcName(stateAt(s))}}, c[std::size_t(s)]);
        }
    };
    for (const auto &[port, c] : kept)
        writePort(QString::number(port), c);
    if (hasOther)
        writePort(QStringLiteral("other"), other);
    m.family("tcpscope_listener_accept_queue", "gauge",
             "Connections waiting for accept() on a listening port");
    for (const auto &[port, c] : kept)
        m.sample("tcpscope_listener_accept_queue", {{"port", QString::number(port)}},
                 queues[port].first);
    m.family("tcpscope_listener_accept_queue_limit", "gauge",
             "The accept queue's limit (the listen backlog) of a listening port");
    for (const auto &[port, c] : kept)
        m.sample("tcpscope_listener_accept_queue_limit", {{"port", QString::number(port)}},
                 queues[port].second);
}

void writeCloseWaitProcesses(PrometheusText &m, const KernelPollBatch &b, const MetricsOptions &o)
{
    struct Holder
    {
        const ProcessInfo *process = nullptr;
        int count = 0;
    };
    std::unordered_map<int, Holder> byPid;
    int unknown = 0;
    for (const KernelPollBatch::Row &r : *b.rows) {
        if (!r.row.alive() || r.row.record.state != TcpState::CloseWait)
            continue;
        if (const ProcessInfo *p = countedOwner(r)) {
            Holder &h = byPid[p->pid];
            h.process = p;
            ++h.count;
        } else {
            ++unknown;
        }
    }
    std::vector<Holder> top;
    top.reserve(byPid.size());
    for (const auto &[pid, h] : byPid)
        top.push_back(h);
    std::sort(top.begin(), top.end(), [](const Holder &x, const Holder &y) {
        return x.count != y.count ? x.count > y.count : x.process->pid < y.process->pid;
    });
    m.family("tcpscope_close_wait_sockets", "gauge",
             "CLOSE_WAIT sockets per process (the peer closed, the process has not): the top "
             "processes, the rest as process=\"other\", those of unreadable owners as "
             "process=\"unknown\"");
    int rest = 0;
    for (std::size_t i = 0; i < top.size(); ++i) {
        if (int(i) >= o.topProcesses) {
            rest += top[i].count;
            continue;
        }
        m.sample("tcpscope_close_wait_sockets",
                 {{"process", top[i].process->name}, {"pid", QString::number(top[i].process->pid)}},
                 top[i].count);
    }
    if (rest > 0)
        m.sample("tcpscope_close_wait_sockets", {{"process", QStringLiteral("other")}}, rest);
    if (unknown > 0)
        m.sample("tcpscope_close_wait_sockets", {{"process", QStringLiteral("unknown")}}, unknown);
}

void writeFindings(PrometheusText &m, const KernelPollBatch &b, const MetricsOptions &o)
{
    static const std::vector<Finding> none;
    const std::vector<Finding> &findings = b.findings ? *b.findings : none;
    m.family("tcpscope_findings", "gauge", "Diagnosis findings now, per level");
    for (FindingLevel l : {FindingLevel::Info, FindingLevel::Warning, FindingLevel::Critical}) {
        const auto n = std::count_if(findings.begin(), findings.end(),
                                     [l](const Finding &f) { return f.level == l; });
        m.sample("tcpscope_findings", {{"level", QLatin1String(findingLevelName(l))}}, double(n));
    }
    m.family("tcpscope_finding", "gauge",
             "One diagnosis finding (most severe first, bounded): its main number (a count of "
             "sockets, a share of ports...)");
    for (std::size_t i = 0; i < findings.size() && int(i) < o.maxFindings; ++i) {
        const Finding &f = findings[i];
        m.sample("tcpscope_finding",
                 {{"kind", QLatin1String(findingKindId(f.kind))},
                  {"level", QLatin1String(findingLevelName(f.level))},
                  {"subject", f.subject}},
                 f.numbers.empty() ? 1.0 : f.numbers.front().second);
    }
}

void writeCounters(PrometheusText &m, const std::vector<SettingValue> &counters)
{
    for (const SettingValue &c : counters) {
        bool ok = false;
        const double v = c.value ? c.value->toDouble(&ok) : 0;
        if (!ok)
            continue; // missing on this kernel: no series rather than a false zero
        const std::string name = netstatMetricName(c.name);
        QString group = c.name.section(u'.', 0, 0), counter = c.name.section(u'.', 1);
        const std::string help = (c.name
                                  + QStringLiteral(" of /proc/net/netstat (node_exporter: "
                                                   "node_netstat_%1_%2)")
                                        .arg(group, counter))
                                     .toStdString();
        m.family(name, "counter", help);
        m.sample(name, v);
    }
}

void writePoll(PrometheusText &m, const MetricsSource &s)
{
    m.family("tcpscope_polls_total", "counter", "Polls of the socket table made");
    m.sample("tcpscope_polls_total", double(s.polls));
    m.family("tcpscope_poll_seconds_total", "counter",
             "Time spent polling (dump, owners, diff, diagnosis), in seconds");
    m.sample("tcpscope_poll_seconds_total", s.pollSecondsTotal);
    m.family("tcpscope_poll_interval_seconds", "gauge", "Time between polls");
    m.sample("tcpscope_poll_interval_seconds", s.intervalS);
    if (!s.last)
        return;
    const PollStats &p = s.last->stats;
    m.family("tcpscope_poll_duration_seconds", "gauge", "What the last poll cost, per phase");
    const std::pair<const char *, double> phases[] = {{"dump", p.readMs},
                                                      {"owners", p.processMs},
                                                      {"diff", p.diffMs},
                                                      {"diagnosis", s.last->diagnoseMs}};
    for (const auto &[phase, ms] : phases)
        m.sample("tcpscope_poll_duration_seconds", {{"phase", QLatin1String(phase)}}, ms / 1000);
    m.family("tcpscope_last_poll_timestamp_seconds", "gauge", "When the last poll was made");
    m.sample("tcpscope_last_poll_timestamp_seconds", p.time);
}

} // namespace

const ProcessInfo *countedOwner(const KernelPollBatch::Row &row)
{
    const ProcessInfo *first = nullptr;
    for (const ProcessInfo &p : row.processes) {
        if (!first || p.pid < first->pid)
            first = &p;
    }
    return first;
}

std::string netstatMetricName(const QString &counter)
{
    QString name = counter;
    name.replace(u'.', u'_');
    return "tcpscope_netstat_" + name.toLower().toStdString() + "_total";
}

void writeMetrics(std::string &out, const MetricsSource &source, const MetricsOptions &options)
{
    PrometheusText m(out);
    writeInfo(m, source);
    if (source.last && source.last->rows) {
        writeStates(m, *source.last);
        writeListenerPorts(m, *source.last, options);
        writeCloseWaitProcesses(m, *source.last, options);
        writeFindings(m, *source.last, options);
    }
    writeCounters(m, source.counters);
    writePoll(m, source);
}

} // namespace tcpscope
