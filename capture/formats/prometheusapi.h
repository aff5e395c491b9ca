// What a Prometheus server's HTTP API answers (/api/v1/query, /api/v1/query_range), read into
// plain values, and the Fleet tab's picture of it: one row per tcpscope instance with its
// counts per state, findings and CLOSE_WAIT holders, and an instance's history of counts.
// No network here: ui/fleet fetches, this parses (tests feed it recorded answers).
#pragma once

#include "kernel/sockettable.h"

#include <QHash>
#include <QString>

#include <array>
#include <vector>

namespace tcpscope {

struct PromSeries
{
    QHash<QString, QString> labels;
    std::vector<std::pair<double, double>> values; // (time, value); one for an instant query
};

struct PromResponse
{
    bool ok = false;
    QString error; // why not: not JSON, not Prometheus's answer, or its errorType: error
    std::vector<PromSeries> series;
};

// An instant vector or a range matrix (a scalar or a string is an error: not what we ask).
PromResponse parsePrometheusResponse(const QByteArray &json);

struct FleetInstance
{
    QString instance, job;
    bool up = true;         // false: Prometheus's last scrape of it failed
    bool hasCounts = false; // tcpscope_sockets seen for it
    StateCounts counts{};
    std::array<int, 3> findings{}; // info, warning, critical
    struct Holder
    {
        QString process;
        int pid = 0;
        int count = 0;
    };
    std::vector<Holder> closeWait; // most first

    int total() const;
};

// The rows of the Fleet table from the instant queries `tcpscope_sockets`,
// `tcpscope_findings`, `tcpscope_close_wait_sockets` and `up`: every instance with tcpscope
// metrics, and those of the same jobs (or of a job named *tcpscope*) that are down. Sorted by
// instance.
std::vector<FleetInstance> fleetInstances(const PromResponse &sockets, const PromResponse &findings,
                                          const PromResponse &closeWait, const PromResponse &up);

// A query_range answer of `sum by (state) (tcpscope_sockets{...})` as chart samples.
std::vector<std::pair<double, StateCounts>> stateHistory(const PromResponse &range);

// "db1:9464" → "db1", "[::1]:9464" → "::1": the host to reach over SSH.
QString instanceHost(const QString &instance);
// A PromQL string literal: "..." with backslash and quote escaped.
QString promqlString(const QString &value);

} // namespace tcpscope
