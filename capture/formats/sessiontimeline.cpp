// The kernel timeline of a saved session as JSON (moved out of sessionfile.cpp, which writes
// and reads the pcapng around it).
#include "formats/sessiontimeline.h"

#include "formats/findingdata.h"

#include "nanoseconds.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstring>

namespace tcpscope {

namespace {

QJsonArray countsJson(const StateCounts &c)
{
    QJsonArray a;
    for (int n : c)
        a.append(n);
    return a;
}

StateCounts countsFrom(const QJsonArray &a)
{
    StateCounts c{};
    for (int i = 0; i < kTcpStateCount && i < a.size(); ++i)
        c[std::size_t(i)] = a[i].toInt();
    return c;
}

QJsonObject transitionJson(const Transition &t)
{
    QJsonObject o{{u"time"_qs, t.time},
                  {u"earliest"_qs, t.earliest},
                  {u"local"_qs, t.localAddress.toString()},
                  {u"local_port"_qs, t.localPort},
                  {u"remote"_qs, t.remoteAddress.toString()},
                  {u"remote_port"_qs, t.remotePort},
                  {u"from"_qs, rfcName(t.from)},
                  {u"to"_qs, rfcName(t.to)},
                  {u"first_seen"_qs, t.firstSeen},
                  {u"socket"_qs, QString::number(t.connection)}};
    if (t.observedBy == ObservedBy::Tracing) { // the kernel's own: ns time, the process
        o.insert(u"exact"_qs, true);
        o.insert(u"time_ns"_qs, QString::number(t.timeNs));
        o.insert(u"pid"_qs, qint64(t.pid));
        o.insert(u"comm"_qs, QString::fromLocal8Bit(t.comm.data()));
    }
    return o;
}

// Numbers read back from a session are checked: the file may come from anyone, and a
// uid of 1e20 or a time of 1e300 must not reach an integer cast. Each returns false with the
// reason for a value out of range; a missing value reads as 0, as before.
bool readTime(const QJsonObject &o, QStringView key, double *out, QString *why)
{
    const double t = o.value(key).toDouble();
    if (!nsFromSeconds(t)) {
        *why = QStringLiteral("%1 %2 is not a time").arg(key).arg(t);
        return false;
    }
    *out = t;
    return true;
}

bool readU32(const QJsonObject &o, QStringView key, std::uint32_t *out, QString *why)
{
    const double v = o.value(key).toDouble();
    if (!(v >= 0 && v <= 4294967295.0)) { // NaN fails too
        *why = QStringLiteral("%1 %2 is out of range").arg(key).arg(v);
        return false;
    }
    *out = std::uint32_t(v);
    return true;
}

bool readPort(const QJsonObject &o, QStringView key, std::uint16_t *out, QString *why)
{
    const int v = o.value(key).toInt(-1);
    if (v < 0 || v > 65535) {
        *why = QStringLiteral("%1 %2 is not a port").arg(key, o.value(key).toVariant().toString());
        return false;
    }
    *out = std::uint16_t(v);
    return true;
}

std::optional<Transition> transitionFrom(const QJsonObject &o, QString *why)
{
    Transition t;
    if (!readTime(o, u"time", &t.time, why) || !readTime(o, u"earliest", &t.earliest, why)
        || !readPort(o, u"local_port", &t.localPort, why)
        || !readPort(o, u"remote_port", &t.remotePort, why))
        return std::nullopt;
    t.localAddress = IpAddress::parse(o.value(u"local").toString());
    t.remoteAddress = IpAddress::parse(o.value(u"remote").toString());
    t.from = parseTcpState(o.value(u"from").toString()).value_or(TcpState::Closed);
    t.to = parseTcpState(o.value(u"to").toString()).value_or(TcpState::Closed);
    t.firstSeen = o.value(u"first_seen").toBool();
    t.connection = o.value(u"socket").toString().toULongLong();
    if (o.value(u"exact").toBool()) {
        if (!readU32(o, u"pid", &t.pid, why))
            return std::nullopt;
        t.observedBy = ObservedBy::Tracing;
        t.timeNs = o.value(u"time_ns").toString().toLongLong();
        const QByteArray comm = o.value(u"comm").toString().toLocal8Bit().left(15);
        std::memcpy(t.comm.data(), comm.constData(), std::size_t(comm.size()));
    }
    return t;
}

QJsonObject rowJson(const KernelPollBatch::Row &r)
{
    const SocketRecord &s = r.row.record;
    QJsonArray processes;
    for (const ProcessInfo &p : r.processes)
        processes.append(
            QJsonObject{{u"pid"_qs, p.pid}, {u"name"_qs, p.name}, {u"cmdline"_qs, p.cmdline}});
    return QJsonObject{{u"local"_qs, s.localAddress.toString()},
                       {u"local_port"_qs, s.localPort},
                       {u"remote"_qs, s.remoteAddress.toString()},
                       {u"remote_port"_qs, s.remotePort},
                       {u"state"_qs, rfcName(s.state)},
                       {u"timer"_qs, int(s.timer)},
                       {u"retrans"_qs, s.retrans},
                       {u"timer_ms"_qs, double(s.timerExpiresMs)},
                       {u"recv_q"_qs, double(s.recvQ)},
                       {u"send_q"_qs, double(s.sendQ)},
                       {u"uid"_qs, double(s.uid)},
                       {u"netns"_qs, double(s.netns)},
                       {u"inode"_qs, QString::number(s.inode)},
                       {u"cookie"_qs, QString::number(s.cookie)},
                       {u"key"_qs, QString::number(r.row.key)},
                       {u"first_seen"_qs, r.row.firstSeen},
                       {u"state_since"_qs, r.row.stateSince},
                       {u"gone_at"_qs, r.row.goneAt},
                       {u"ownership"_qs, int(r.ownership)},
                       {u"processes"_qs, processes}};
}

bool readRecordNumbers(const QJsonObject &o, SocketRecord &s, QString *why)
{
    return readPort(o, u"local_port", &s.localPort, why)
           && readPort(o, u"remote_port", &s.remotePort, why)
           && readU32(o, u"timer_ms", &s.timerExpiresMs, why)
           && readU32(o, u"recv_q", &s.recvQ, why) && readU32(o, u"send_q", &s.sendQ, why)
           && readU32(o, u"uid", &s.uid, why) && readU32(o, u"netns", &s.netns, why);
}

// The namespaces the table's rows name (for their labels): inode, name, pid, label, own.
QJsonArray namespacesJson(const std::vector<NetNamespace> &namespaces)
{
    QJsonArray out;
    for (const NetNamespace &ns : namespaces)
        out.append(QJsonObject{{u"inode"_qs, double(ns.inode)},
                               {u"name"_qs, ns.name},
                               {u"pid"_qs, ns.pid},
                               {u"label"_qs, ns.label},
                               {u"own"_qs, ns.own}});
    return out;
}

std::optional<KernelPollBatch::Row> rowFrom(const QJsonObject &o, QString *why)
{
    KernelPollBatch::Row r;
    SocketRecord &s = r.row.record;
    if (!readRecordNumbers(o, s, why) || !readTime(o, u"first_seen", &r.row.firstSeen, why)
        || !readTime(o, u"state_since", &r.row.stateSince, why)
        || !readTime(o, u"gone_at", &r.row.goneAt, why))
        return std::nullopt;
    s.localAddress = IpAddress::parse(o.value(u"local").toString());
    s.remoteAddress = IpAddress::parse(o.value(u"remote").toString());
    s.state = parseTcpState(o.value(u"state").toString()).value_or(TcpState::Closed);
    s.timer = TimerKind(std::clamp(o.value(u"timer").toInt(), 0, 4));
    s.retrans = std::uint8_t(std::clamp(o.value(u"retrans").toInt(), 0, 255));
    s.inode = o.value(u"inode").toString().toULongLong();
    s.cookie = o.value(u"cookie").toString().toULongLong();
    r.row.key = o.value(u"key").toString().toULongLong();
    r.ownership = Ownership(std::clamp(o.value(u"ownership").toInt(), 0, 4));
    for (const QJsonValue &p : o.value(u"processes").toArray()) {
        const QJsonObject po = p.toObject();
        r.processes.push_back({po.value(u"pid").toInt(), po.value(u"name").toString(),
                               po.value(u"cmdline").toString()});
    }
    return r;
}

// The records of a session that were out of range: rejected, counted, the first one named.
struct Damage
{
    int rejected = 0;
    QString first;

    void reject(const QString &what, const QString &why)
    {
        if (rejected++ == 0)
            first = what + QStringLiteral(": ") + why;
    }
    QString text() const
    {
        return QStringLiteral("the session's kernel timeline is damaged: %1 record(s) with "
                              "values out of range were left out (the first, %2)")
            .arg(rejected)
            .arg(first);
    }
};

std::shared_ptr<const std::vector<NetNamespace>> namespacesFrom(const QJsonArray &array,
                                                                Damage &damage)
{
    if (array.isEmpty())
        return nullptr; // a session saved before namespaces were told
    auto out = std::make_shared<std::vector<NetNamespace>>();
    QString why;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        NetNamespace ns;
        if (!readU32(o, u"inode", &ns.inode, &why)) {
            damage.reject(QStringLiteral("a namespace"), why);
            continue;
        }
        ns.name = o.value(u"name").toString();
        ns.pid = std::max(0, o.value(u"pid").toInt());
        ns.label = o.value(u"label").toString();
        ns.own = o.value(u"own").toBool();
        out->push_back(std::move(ns));
    }
    return out;
}

void readSamples(const QJsonArray &samples, KernelTimeline &t, Damage &damage)
{
    for (const QJsonValue &s : samples) {
        const QJsonArray a = s.toArray();
        const double time = a.at(0).toDouble();
        if (nsFromSeconds(time))
            t.samples.emplace_back(time, countsFrom(a.at(1).toArray()));
        else
            damage.reject(QStringLiteral("a sample"), QStringLiteral("time %1").arg(time));
    }
}

void readTransitions(const QJsonArray &transitions, KernelTimeline &t, Damage &damage)
{
    QString why;
    for (const QJsonValue &v : transitions) {
        if (std::optional<Transition> tr = transitionFrom(v.toObject(), &why))
            t.transitions.push_back(*tr);
        else
            damage.reject(QStringLiteral("a transition"), why);
    }
}

void readLatest(const QJsonObject &latest, KernelTimeline &t, Damage &damage)
{
    t.latest.stats.time = latest.value(u"time").toDouble();
    if (!nsFromSeconds(t.latest.stats.time)) {
        damage.reject(QStringLiteral("the last table"),
                      QStringLiteral("time %1").arg(t.latest.stats.time));
        t.latest.stats.time = 0;
    }
    t.latest.stats.sockets = latest.value(u"sockets").toInt();
    t.latest.source = TableSource(latest.value(u"source").toInt());
    t.latest.notice = latest.value(u"notice").toString();
    t.latest.counts = countsFrom(latest.value(u"counts").toArray());
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    QString why;
    for (const QJsonValue &v : latest.value(u"rows").toArray()) {
        if (std::optional<KernelPollBatch::Row> r = rowFrom(v.toObject(), &why))
            rows->push_back(std::move(*r));
        else
            damage.reject(QStringLiteral("a socket"), why);
    }
    t.latest.rows = std::move(rows);
    t.latest.namespaces = namespacesFrom(latest.value(u"namespaces").toArray(), damage);
    int rejected = 0;
    auto findings = std::make_shared<std::vector<Finding>>(
        findingsFromJson(latest.value(u"findings").toArray(), &rejected));
    for (int i = 0; i < rejected; ++i)
        damage.reject(QStringLiteral("a finding"), QStringLiteral("not a finding"));
    t.latest.findings = std::move(findings);
}

} // namespace

QByteArray timelineJson(const KernelTimeline &t)
{
    QJsonArray samples, transitions, rows;
    for (const auto &[time, counts] : t.samples)
        samples.append(QJsonArray{time, countsJson(counts)});
    for (const Transition &tr : t.transitions)
        transitions.append(transitionJson(tr));
    if (t.latest.rows) {
        for (const KernelPollBatch::Row &r : *t.latest.rows)
            rows.append(rowJson(r));
    }
    const QJsonObject latest{
        {u"time"_qs, t.latest.stats.time},
        {u"source"_qs, int(t.latest.source)},
        {u"notice"_qs, t.latest.notice},
        {u"counts"_qs, countsJson(t.latest.counts)},
        {u"sockets"_qs, t.latest.stats.sockets},
        {u"rows"_qs, rows},
        {u"namespaces"_qs,
         namespacesJson(t.latest.namespaces ? *t.latest.namespaces : std::vector<NetNamespace>{})},
        {u"findings"_qs,
         findingsJson(t.latest.findings ? *t.latest.findings : std::vector<Finding>{})}};
    const QJsonObject root{{u"format"_qs, u"tcpscope-session"_qs},
                           {u"version"_qs, 1},
                           {u"host"_qs, t.host},
                           {u"samples"_qs, samples},
                           {u"transitions"_qs, transitions},
                           {u"latest"_qs, latest}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

std::optional<KernelTimeline> parseTimelineJson(const QByteArray &json, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    const QJsonObject root = doc.object();
    if (doc.isNull() || root.value(u"format").toString() != u"tcpscope-session") {
        *error = QStringLiteral("the session's kernel timeline is damaged (%1)")
                     .arg(doc.isNull() ? pe.errorString() : QStringLiteral("not a session"));
        return std::nullopt;
    }
    if (root.value(u"version").toInt() != 1) {
        *error = QStringLiteral("the session was saved by a newer tcpscope (format version %1)")
                     .arg(root.value(u"version").toInt());
        return std::nullopt;
    }
    KernelTimeline t;
    t.host = root.value(u"host").toString();
    Damage damage;
    readSamples(root.value(u"samples").toArray(), t, damage);
    readTransitions(root.value(u"transitions").toArray(), t, damage);
    readLatest(root.value(u"latest").toObject(), t, damage);
    if (damage.rejected) {
        // What is intact is kept, and both the caller and the timeline's notice say so.
        *error = damage.text();
        t.latest.notice =
            t.latest.notice.isEmpty() ? *error : t.latest.notice + QStringLiteral(" · ") + *error;
    }
    return t;
}

} // namespace tcpscope
