// The reader's half of the watch stream (see watchstream.h for the line types).
#include "formats/watchstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tcpscope {

namespace {

Ownership ownershipOf(const QString &code)
{
    if (code == u"owned")
        return Ownership::Owned;
    if (code == u"nodesc")
        return Ownership::NoDescriptor;
    if (code == u"orphan")
        return Ownership::Orphaned;
    if (code == u"denied")
        return Ownership::NotPermitted;
    return Ownership::NotFound;
}

std::uint64_t u64(const QJsonObject &o, QLatin1StringView k)
{
    const QJsonValue v = o.value(k);
    return v.isDouble() ? std::uint64_t(v.toDouble()) : 0;
}

// A socket line ("+" or "~"); false when it is not one.
bool readSocket(const QJsonObject &o, double now, StreamSocket &s)
{
    SocketRecord &r = s.record;
    r.localAddress = IpAddress::parse(o.value(QLatin1StringView("la")).toString());
    r.remoteAddress = IpAddress::parse(o.value(QLatin1StringView("ra")).toString());
    const auto state = parseTcpState(o.value(QLatin1StringView("s")).toString());
    if (!state || r.localAddress.family == 0 || r.remoteAddress.family == 0)
        return false;
    r.state = *state;
    r.localPort = std::uint16_t(u64(o, QLatin1StringView("lp")));
    r.remotePort = std::uint16_t(u64(o, QLatin1StringView("rp")));
    r.timer = TimerKind(std::min<std::uint64_t>(u64(o, QLatin1StringView("tm")), 4));
    r.timerExpiresMs = std::uint32_t(u64(o, QLatin1StringView("x")));
    r.retrans = std::uint8_t(u64(o, QLatin1StringView("r")));
    r.recvQ = std::uint32_t(u64(o, QLatin1StringView("rq")));
    r.sendQ = std::uint32_t(u64(o, QLatin1StringView("sq")));
    r.uid = std::uint32_t(u64(o, QLatin1StringView("u")));
    r.inode = u64(o, QLatin1StringView("i"));
    r.cookie = o.contains(QLatin1StringView("k")) ? u64(o, QLatin1StringView("k"))
                                                  : u64(o, QLatin1StringView("c"));
    s.ownership = ownershipOf(o.value(QLatin1StringView("o")).toString());
    for (const QJsonValue &p : o.value(QLatin1StringView("p")).toArray()) {
        const QJsonArray pair = p.toArray();
        s.processes.push_back({pair.at(0).toInt(), pair.at(1).toString(), {}});
    }
    s.at = now;
    return true;
}

void readFacts(const QJsonObject &o, HostFacts &f)
{
    const QJsonArray ports = o.value(QLatin1StringView("ports")).toArray();
    if (ports.size() == 2) {
        f.portLow = ports.at(0).toInt();
        f.portHigh = ports.at(1).toInt();
    }
    f.reservedInRange = o.value(QLatin1StringView("reserved")).toInt();
    f.twReuse = o.value(QLatin1StringView("tw_reuse")).toInt(2);
    f.timestamps = o.value(QLatin1StringView("timestamps")).toInt(1);
    f.syncookies = o.value(QLatin1StringView("syncookies")).toInt(1);
    f.maxOrphans = long(o.value(QLatin1StringView("max_orphans")).toDouble(-1));
    f.orphans = long(o.value(QLatin1StringView("orphans")).toDouble(-1));
    f.counters.clear();
    const QJsonObject counters = o.value(QLatin1StringView("counters")).toObject();
    for (auto it = counters.begin(); it != counters.end(); ++it)
        f.counters.insert(it.key(), qint64(it.value().toDouble()));
}

} // namespace

WatchStreamParser::Line WatchStreamParser::fail(const QString &why)
{
    m_error = why;
    return Line::Error;
}

void WatchStreamParser::restart()
{
    m_hasHeader = false;
    m_inSnapshot = false;
    m_error.clear();
}

WatchStreamParser::Line WatchStreamParser::feed(QByteArrayView line)
{
    if (line.trimmed().isEmpty())
        return Line::Other;
    QJsonParseError err;
    const QJsonObject o = QJsonDocument::fromJson(line.toByteArray(), &err).object();
    if (err.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not a line of the watch stream: %1").arg(err.errorString()));
    const QString type = o.value(QLatin1StringView("t")).toString();
    if (!m_hasHeader && type != u"header")
        return fail(QStringLiteral("the stream does not begin with its header line"));
    const double time = o.value(QLatin1StringView("time")).toDouble(m_poll.stats.time);
    if (type == u"header") {
        m_header.format = o.value(QLatin1StringView("format")).toString();
        m_header.version = o.value(QLatin1StringView("version")).toInt();
        if (m_header.format != QLatin1StringView(kWatchStreamFormat))
            return fail(
                QStringLiteral("not a tcpscope watch stream (format '%1')").arg(m_header.format));
        if (m_header.version < 1 || m_header.version > kWatchStreamVersion)
            return fail(QStringLiteral("the stream's version %1 is newer than this tcpscope "
                                       "reads (%2): update this tcpscope")
                            .arg(m_header.version)
                            .arg(kWatchStreamVersion));
        m_header.host = o.value(QLatin1StringView("host")).toString();
        m_header.kernel = o.value(QLatin1StringView("kernel")).toString();
        m_header.intervalMs = o.value(QLatin1StringView("interval_ms")).toInt();
        m_header.source = o.value(QLatin1StringView("source")).toString();
        m_header.tcpscope = o.value(QLatin1StringView("tcpscope")).toString();
        m_header.processes = o.value(QLatin1StringView("processes")).toBool(true);
        m_header.time = time;
        m_hasHeader = true;
        return Line::Header;
    }
    if (type == u"snapshot") {
        m_beforeSnapshot.merge(m_sockets); // those missing from it have vanished
        m_sockets.clear();
        m_unstamped.clear();
        m_inSnapshot = true;
        return Line::Other;
    }
    if (type == u"+" || type == u"~") {
        StreamSocket s;
        if (!readSocket(o, 0, s))
            return fail(QStringLiteral("a socket line without a state or addresses"));
        const std::uint64_t key = u64(o, QLatin1StringView("c"));
        m_sockets[key] = std::move(s);
        m_unstamped.push_back(key);
        return Line::Other;
    }
    if (type == u"-") {
        if (auto node = m_sockets.extract(u64(o, QLatin1StringView("c")))) {
            node.mapped().at = m_poll.stats.time; // gone() keeps it from about then
            m_gone.insert_or_assign(node.key(), std::move(node.mapped()));
        }
        return Line::Other;
    }
    if (type == u"poll") {
        m_poll.stats.time = time;
        m_poll.stats.sockets = int(m_sockets.size());
        m_poll.stats.readMs = o.value(QLatin1StringView("read_ms")).toDouble();
        m_poll.stats.processMs = o.value(QLatin1StringView("proc_ms")).toDouble();
        m_poll.stats.diffMs = o.value(QLatin1StringView("diff_ms")).toDouble();
        m_poll.source = o.value(QLatin1StringView("src")).toString();
        m_poll.notice = o.value(QLatin1StringView("notice")).toString();
        m_poll.snapshot = m_inSnapshot;
        m_inSnapshot = false;
        for (const std::uint64_t key : m_unstamped) {
            if (const auto it = m_sockets.find(key); it != m_sockets.end() && it->second.at == 0)
                it->second.at = time; // sent before this poll's time was known: as of now
        }
        m_unstamped.clear();
        for (auto &[key, s] : m_beforeSnapshot) {
            if (m_sockets.count(key) == 0) {
                s.at = time;
                m_gone.insert_or_assign(key, std::move(s));
            }
        }
        m_beforeSnapshot.clear();
        std::erase_if(m_gone, [time](const auto &g) { return g.second.at < time - kGoneSeconds; });
        if (u64(o, QLatin1StringView("n")) != m_sockets.size())
            return fail(QStringLiteral("the stream lost its place: %1 sockets announced, %2 held")
                            .arg(u64(o, QLatin1StringView("n")))
                            .arg(m_sockets.size()));
        return Line::Poll;
    }
    if (type == u"settings") {
        m_settings.clear();
        const QJsonObject s = o.value(QLatin1StringView("sysctls")).toObject();
        for (auto it = s.begin(); it != s.end(); ++it) {
            SettingValue v{it.key(), std::nullopt};
            if (it.value().isString())
                v.value = it.value().toString();
            m_settings.push_back(std::move(v));
        }
        return Line::Settings;
    }
    if (type == u"facts") {
        readFacts(o, m_facts);
        return Line::Facts;
    }
    return Line::Other; // a line type of a later version: ignored (the version rule)
}

} // namespace tcpscope
