#include "formats/findingdata.h"

#include "diagnose/findingformat.h"
#include "nanoseconds.h"

#include <QJsonObject>

#include <cmath>
#include <optional>

namespace tcpscope {

namespace {

QString pollTimeText(double t) { return isoTime(nsFromSeconds(t).value_or(0), 6); }

std::optional<FindingKind> kindFromId(QStringView id)
{
    for (int i = 0; i < kFindingKindCount; ++i) {
        if (id == QLatin1String(findingKindId(FindingKind(i))))
            return FindingKind(i);
    }
    return std::nullopt;
}

std::optional<FindingLevel> levelFromName(QStringView name)
{
    for (FindingLevel l : {FindingLevel::Info, FindingLevel::Warning, FindingLevel::Critical}) {
        if (name == QLatin1String(findingLevelName(l)))
            return l;
    }
    return std::nullopt;
}

// A poll time or a number of a session: finite and within what a double of seconds since
// the epoch (or a count) sensibly holds.
bool plausible(double v) { return std::isfinite(v) && std::abs(v) < 1e15; }

std::optional<Finding> findingFrom(const QJsonObject &o)
{
    Finding f;
    const auto kind = kindFromId(o.value(u"kind").toString());
    const auto level = levelFromName(o.value(u"level").toString());
    const double since = o.value(u"since").toDouble();
    if (!kind || !level || !nsFromSeconds(since))
        return std::nullopt;
    f.kind = *kind;
    f.level = *level;
    f.key = o.value(u"key").toString();
    f.subject = o.value(u"subject").toString();
    f.pid = o.value(u"pid").toInt();
    f.state = parseTcpState(o.value(u"state").toString()).value_or(TcpState::Closed);
    f.since = since;
    // [name, value] pairs: the order of a kind's numbers is part of it (a JSON object's is not).
    for (const QJsonValue &p : o.value(u"numbers").toArray()) {
        const QJsonArray nv = p.toArray();
        const double v = nv.at(1).isNull() ? -1 : nv.at(1).toDouble();
        if (nv.size() != 2 || !nv.at(0).isString() || !plausible(v))
            return std::nullopt;
        f.numbers.emplace_back(nv.at(0).toString(), v);
    }
    for (const QJsonValue &p : o.value(u"facts").toArray()) {
        const QJsonArray nv = p.toArray();
        if (nv.size() != 2 || !nv.at(0).isString())
            return std::nullopt;
        f.facts.emplace_back(nv.at(0).toString(), nv.at(1).toString());
    }
    for (const QJsonValue &k : o.value(u"sockets").toArray())
        f.sockets.push_back(k.toString().toULongLong());
    for (const QJsonValue &p : o.value(u"history").toArray()) {
        const QJsonArray tv = p.toArray();
        const double t = tv.at(0).toDouble(), v = tv.at(1).toDouble();
        if (tv.size() != 2 || !plausible(t) || !plausible(v))
            return std::nullopt;
        f.history.emplace_back(t, v);
    }
    return f;
}

} // namespace

DataTable findingsTable(const std::vector<Finding> &findings)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"key", K::Text},
                                  {"kind", K::Text},
                                  {"level", K::Text},
                                  {"subject", K::Text},
                                  {"pid", K::Number},
                                  {"state", K::Text},
                                  {"since", K::Text},
                                  {"socket_count", K::Number},
                                  {"socket_keys", K::Text},
                                  {"line", K::Text}})
        t.addColumn(QLatin1String(k), kind);
    const qsizetype fixed = t.keys.size();
    // The union of the numbers' and the facts' names, in order of first appearance.
    for (const Finding &f : findings) {
        for (const auto &[name, v] : f.numbers) {
            if (!t.keys.contains(name))
                t.addColumn(name, K::Number);
        }
    }
    for (const Finding &f : findings) {
        for (const auto &[name, v] : f.facts) {
            if (!t.keys.contains(name))
                t.addColumn(name, K::Text);
        }
    }
    for (const Finding &f : findings) {
        QStringList keys;
        for (std::uint64_t k : f.sockets)
            keys << QString::number(k);
        QStringList row{f.key,
                        QLatin1String(findingKindId(f.kind)),
                        QLatin1String(findingLevelName(f.level)),
                        f.subject,
                        f.pid > 0 ? QString::number(f.pid) : QString(),
                        rfcName(f.state),
                        pollTimeText(f.since),
                        QString::number(f.sockets.size()),
                        keys.join(u' '),
                        findingLine(f, u"en")};
        for (qsizetype c = fixed; c < t.keys.size(); ++c) {
            const double v = f.number(t.keys[c]);
            row << (t.kinds[c] == K::Number ? (v == -1 ? QString() : QString::number(v, 'g', 15))
                                            : f.fact(t.keys[c]));
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

QJsonArray findingsJson(const std::vector<Finding> &findings)
{
    QJsonArray out;
    for (const Finding &f : findings) {
        QJsonArray numbers, facts;
        for (const auto &[name, v] : f.numbers)
            numbers.append(
                QJsonArray{name, v == -1 ? QJsonValue(QJsonValue::Null) : QJsonValue(v)});
        for (const auto &[name, v] : f.facts)
            facts.append(QJsonArray{name, v});
        QJsonArray sockets, history;
        for (std::uint64_t k : f.sockets)
            sockets.append(QString::number(k)); // 64 bits: text, as the rows' keys
        for (const auto &[time, v] : f.history)
            history.append(QJsonArray{time, v});
        out.append(QJsonObject{{u"key"_qs, f.key},
                               {u"kind"_qs, QLatin1String(findingKindId(f.kind))},
                               {u"level"_qs, QLatin1String(findingLevelName(f.level))},
                               {u"subject"_qs, f.subject},
                               {u"pid"_qs, f.pid},
                               {u"state"_qs, rfcName(f.state)},
                               {u"since"_qs, f.since},
                               {u"numbers"_qs, numbers},
                               {u"facts"_qs, facts},
                               {u"sockets"_qs, sockets},
                               {u"history"_qs, history}});
    }
    return out;
}

std::vector<Finding> findingsFromJson(const QJsonArray &array, int *rejected)
{
    std::vector<Finding> out;
    int bad = 0;
    for (const QJsonValue &v : array) {
        if (auto f = findingFrom(v.toObject()))
            out.push_back(std::move(*f));
        else
            ++bad;
    }
    if (rejected)
        *rejected = bad;
    return out;
}

} // namespace tcpscope
