// What `tcpscope-cli serve` exposes on /metrics, rendered from the last poll of the kernel's
// socket table (a KernelPollBatch with its findings) and the /proc/net/netstat counters:
// sockets per state, per state and listening port, CLOSE_WAIT per process (the top N and
// "other"), the findings, the counters and the poll's cost. Cardinality is bounded by the
// options, whatever the table holds.
#pragma once

#include "kernel/kernelpoller.h"
#include "kernel/systemsettings.h"

#include <string>

namespace tcpscope {

struct MetricsOptions
{
    int topProcesses = 10; // CLOSE_WAIT per process: this many processes, the rest "other"
    int maxPorts = 100;    // listening ports with a series of their own, the rest "other"
    int maxFindings = 50;  // findings with a series of their own (most severe first)
};

struct MetricsSource
{
    const KernelPollBatch *last = nullptr; // null before the first poll
    std::uint64_t polls = 0;               // polls made so far
    double pollSecondsTotal = 0;           // what they cost, dump to diagnosis
    double intervalS = 0;
    std::vector<SettingValue> counters; // "TcpExt.ListenOverflows" = "12"
};

// Appends the whole exposition to out.
void writeMetrics(std::string &out, const MetricsSource &source, const MetricsOptions &options);

// "TcpExt.ListenOverflows" → "tcpscope_netstat_tcpext_listenoverflows_total": node_exporter's
// node_netstat_TcpExt_ListenOverflows with our prefix, lower case (promtool rejects camelCase)
// and _total (a counter).
std::string netstatMetricName(const QString &counter);

// The process a CLOSE_WAIT socket is counted for: its first owner (lowest pid), or none.
const ProcessInfo *countedOwner(const KernelPollBatch::Row &row);

} // namespace tcpscope
