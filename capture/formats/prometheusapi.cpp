#include "formats/prometheusapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace tcpscope {

namespace {

std::pair<double, double> point(const QJsonValue &v)
{
    const QJsonArray a = v.toArray();
    return {a.at(0).toDouble(), a.at(1).toString().toDouble()};
}

int asInt(double v) { return v > 2e9 ? 2000000000 : int(v); }

} // namespace

PromResponse parsePrometheusResponse(const QByteArray &json)
{
    PromResponse r;
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (!doc.isObject() || !doc.object().contains(u"status")) {
        r.error = QStringLiteral("not an answer of the Prometheus API");
        return r;
    }
    const QJsonObject top = doc.object();
    if (top.value(u"status").toString() != u"success") {
        r.error = top.value(u"errorType").toString() + QStringLiteral(": ")
                  + top.value(u"error").toString();
        return r;
    }
    const QJsonObject data = top.value(u"data").toObject();
    const QString type = data.value(u"resultType").toString();
    if (type != u"vector" && type != u"matrix") {
        r.error = QStringLiteral("unexpected result type '%1'").arg(type);
        return r;
    }
    for (const QJsonValue &item : data.value(u"result").toArray()) {
        const QJsonObject o = item.toObject();
        PromSeries s;
        const QJsonObject metric = o.value(u"metric").toObject();
        for (auto it = metric.begin(); it != metric.end(); ++it)
            s.labels.insert(it.key(), it.value().toString());
        if (type == u"vector") {
            s.values.push_back(point(o.value(u"value")));
        } else {
            for (const QJsonValue &v : o.value(u"values").toArray())
                s.values.push_back(point(v));
        }
        r.series.push_back(std::move(s));
    }
    r.ok = true;
    return r;
}

int FleetInstance::total() const
{
    int n = 0;
    for (int c : counts)
        n += c;
    return n;
}

std::vector<FleetInstance> fleetInstances(const PromResponse &sockets, const PromResponse &findings,
                                          const PromResponse &closeWait, const PromResponse &up)
{
    std::map<QString, FleetInstance> byInstance;
    auto row = [&](const PromSeries &s) -> FleetInstance & {
        const QString instance = s.labels.value(QStringLiteral("instance"));
        FleetInstance &f = byInstance[instance];
        f.instance = instance;
        f.job = s.labels.value(QStringLiteral("job"));
        return f;
    };
    auto value = [](const PromSeries &s) {
        return s.values.empty() ? 0.0 : s.values.back().second;
    };
    for (const PromSeries &s : sockets.series) {
        FleetInstance &f = row(s);
        f.hasCounts = true;
        if (const auto state = parseTcpState(s.labels.value(QStringLiteral("state"))))
            f.counts[std::size_t(index(*state))] += asInt(value(s));
    }
    QList<QString> jobs;
    for (const auto &[instance, f] : byInstance)
        jobs << f.job;
    for (const PromSeries &s : findings.series) {
        const QString level = s.labels.value(QStringLiteral("level"));
        const int i = level == u"info"       ? 0
                      : level == u"warning"  ? 1
                      : level == u"critical" ? 2
                                             : -1;
        if (i >= 0)
            row(s).findings[std::size_t(i)] = asInt(value(s));
    }
    for (const PromSeries &s : closeWait.series) {
        row(s).closeWait.push_back({s.labels.value(QStringLiteral("process")),
                                    s.labels.value(QStringLiteral("pid")).toInt(),
                                    asInt(value(s))});
    }
    for (const PromSeries &s : up.series) {
        const QString instance = s.labels.value(QStringLiteral("instance"));
        const QString job = s.labels.value(QStringLiteral("job"));
        if (!byInstance.count(instance) && !jobs.contains(job) && !job.contains(u"tcpscope"))
            continue; // another exporter's target
        row(s).up = value(s) > 0;
    }
    std::vector<FleetInstance> out;
    for (auto &[instance, f] : byInstance) {
        std::sort(f.closeWait.begin(), f.closeWait.end(),
                  [](const auto &a, const auto &b) { return a.count > b.count; });
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<std::pair<double, StateCounts>> stateHistory(const PromResponse &range)
{
    std::map<double, StateCounts> byTime;
    for (const PromSeries &s : range.series) {
        const auto state = parseTcpState(s.labels.value(QStringLiteral("state")));
        if (!state)
            continue;
        for (const auto &[t, v] : s.values)
            byTime[t][std::size_t(index(*state))] = asInt(v);
    }
    return {byTime.begin(), byTime.end()};
}

QString instanceHost(const QString &instance)
{
    if (instance.startsWith(u'[')) {
        const qsizetype end = instance.indexOf(u']');
        return end > 0 ? instance.mid(1, end - 1) : instance;
    }
    const qsizetype colon = instance.lastIndexOf(u':');
    return colon > 0 && instance.count(u':') == 1 ? instance.left(colon) : instance;
}

QString promqlString(const QString &value)
{
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\"));
    v.replace(u'"', QStringLiteral("\\\""));
    return u'"' + v + u'"';
}

} // namespace tcpscope
