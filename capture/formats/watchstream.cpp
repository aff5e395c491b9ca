#include "formats/watchstream.h"

#include "formats/jsonwriter.h"
#include "versions.h"

#include <QSysInfo>

#include <algorithm>
#include <cmath>

namespace tcpscope {

namespace {

// A timer estimate off by more than this sends the socket again.
constexpr double kTimerSlackMs = 1000;

const char *ownershipCode(Ownership o)
{
    switch (o) {
    case Ownership::Owned:
        return "owned";
    case Ownership::NoDescriptor:
        return "nodesc";
    case Ownership::Orphaned:
        return "orphan";
    case Ownership::NotPermitted:
        return "denied";
    case Ownership::NotFound:
        break;
    }
    return "notfound";
}

StreamSocket streamSocket(const KernelPollBatch::Row &row, double now)
{
    StreamSocket s;
    s.record = row.row.record;
    s.record.info.reset(); // not carried: the stream has no tcp_info
    s.ownership = row.ownership;
    for (const ProcessInfo &p : row.processes)
        s.processes.push_back({p.pid, p.name, {}});
    s.at = now;
    return s;
}

bool sameProcesses(const StreamSocket &a, const StreamSocket &b)
{
    if (a.ownership != b.ownership || a.processes.size() != b.processes.size())
        return false;
    for (std::size_t i = 0; i < a.processes.size(); ++i) {
        if (a.processes[i].pid != b.processes[i].pid || a.processes[i].name != b.processes[i].name)
            return false;
    }
    return true;
}

// Whether `now` must be sent again, given what the reader holds (`sent`, aged to now.at).
bool changed(const StreamSocket &sent, const StreamSocket &now)
{
    SocketRecord a = sent.record;
    SocketRecord b = now.record;
    const double aged = agedTimerMs(sent, now.at);
    if (std::fabs(aged - double(b.timerExpiresMs)) > kTimerSlackMs)
        return true;
    a.timerExpiresMs = b.timerExpiresMs = 0;
    return !(a == b) || !sameProcesses(sent, now);
}

void writeSocket(std::string &out, const char *type, std::uint64_t key, const StreamSocket &s)
{
    const SocketRecord &r = s.record;
    JsonWriter w(out);
    char addr[64];
    w.beginObject();
    w.plainField("t", type);
    w.field("c", key);
    w.plainField("la", std::string_view(addr, std::size_t(r.localAddress.format(addr))));
    w.field("lp", unsigned(r.localPort));
    w.plainField("ra", std::string_view(addr, std::size_t(r.remoteAddress.format(addr))));
    w.field("rp", unsigned(r.remotePort));
    w.plainField("s", names(r.state).rfc);
    auto optional = [&](const char *k, std::uint64_t v) {
        if (v != 0)
            w.field(k, v);
    };
    optional("tm", std::uint64_t(r.timer));
    optional("x", r.timerExpiresMs);
    optional("r", r.retrans);
    optional("rq", r.recvQ);
    optional("sq", r.sendQ);
    optional("u", r.uid);
    optional("i", r.inode);
    if (r.cookie == 0)
        w.field("k", 0); // from /proc: c is a hash of the 4-tuple, not a cookie
    w.plainField("o", ownershipCode(s.ownership));
    if (!s.processes.empty()) {
        w.key("p");
        w.beginArray();
        for (const ProcessInfo &p : s.processes) {
            w.beginArray();
            w.value(p.pid);
            w.value(p.name);
            w.endArray();
        }
        w.endArray();
    }
    w.endObject();
    out += '\n';
}

} // namespace

std::uint32_t agedTimerMs(const StreamSocket &s, double now)
{
    const double left = double(s.record.timerExpiresMs) - (now - s.at) * 1000.0;
    return left <= 0 ? 0 : std::uint32_t(left);
}

WatchStreamHeader localStreamHeader(int intervalMs, const QString &source, bool processes)
{
    WatchStreamHeader h;
    h.host = QSysInfo::machineHostName();
    h.kernel = QSysInfo::kernelVersion();
    h.intervalMs = intervalMs;
    h.source = source;
    h.tcpscope = tcpscopeVersion();
    h.processes = processes;
    h.time = nowSeconds();
    return h;
}

void WatchStreamWriter::writeHeader(std::string &out, const WatchStreamHeader &h) const
{
    JsonWriter w(out);
    w.beginObject();
    w.plainField("t", "header");
    w.field("format", h.format);
    w.field("version", h.version);
    w.field("host", h.host);
    w.field("kernel", h.kernel);
    w.field("interval_ms", h.intervalMs);
    w.field("source", h.source);
    w.field("tcpscope", h.tcpscope);
    w.field("processes", h.processes);
    w.key("time");
    w.value(h.time, 3);
    w.endObject();
    out += '\n';
}

void WatchStreamWriter::writePoll(std::string &out, const KernelPollBatch &batch)
{
    const double now = batch.stats.time;
    m_counts = {};
    const bool snapshot = !m_snapshotSent;
    if (snapshot) {
        m_sent.clear();
        JsonWriter w(out);
        w.beginObject();
        w.plainField("t", "snapshot");
        w.key("time");
        w.value(now, 3);
        w.endObject();
        out += '\n';
        m_snapshotSent = true;
    }
    std::unordered_map<std::uint64_t, StreamSocket> seen;
    seen.reserve(m_sent.size() + 16);
    static const std::vector<KernelPollBatch::Row> kNoRows;
    for (const KernelPollBatch::Row &row : batch.rows ? *batch.rows : kNoRows) {
        if (!row.row.alive())
            continue;
        StreamSocket s = streamSocket(row, now);
        const auto it = m_sent.find(row.row.key);
        if (it == m_sent.end()) {
            writeSocket(out, "+", row.row.key, s);
            ++m_counts.appeared;
        } else if (changed(it->second, s)) {
            writeSocket(out, "~", row.row.key, s);
            ++m_counts.changed;
        } else {
            s = std::move(it->second); // the reader's copy stays as it was sent
        }
        seen.emplace(row.row.key, std::move(s));
    }
    for (const auto &[key, s] : m_sent) {
        if (seen.count(key) == 0) {
            JsonWriter w(out);
            w.beginObject();
            w.plainField("t", "-");
            w.field("c", key);
            w.endObject();
            out += '\n';
            ++m_counts.vanished;
        }
    }
    m_sent = std::move(seen);
    JsonWriter w(out);
    w.beginObject();
    w.plainField("t", "poll");
    w.key("time");
    w.value(now, 3);
    w.field("n", std::uint64_t(m_sent.size()));
    w.field("src", std::string_view(tableSourceName(batch.source)));
    w.key("read_ms");
    w.value(batch.stats.readMs, 2);
    w.key("proc_ms");
    w.value(batch.stats.processMs, 2);
    w.key("diff_ms");
    w.value(batch.stats.diffMs, 2);
    if (!batch.notice.isEmpty())
        w.field("notice", batch.notice);
    w.endObject();
    out += '\n';
}

void WatchStreamWriter::writeSettings(std::string &out, const std::vector<SettingValue> &sysctls)
{
    const bool same = m_settingsSent && sysctls.size() == m_settings.size()
                      && std::equal(sysctls.begin(), sysctls.end(), m_settings.begin(),
                                    [](const SettingValue &a, const SettingValue &b) {
                                        return a.name == b.name && a.value == b.value;
                                    });
    if (same)
        return;
    m_settings = sysctls;
    m_settingsSent = true;
    JsonWriter w(out);
    w.beginObject();
    w.plainField("t", "settings");
    w.key("sysctls");
    w.beginObject();
    for (const SettingValue &v : sysctls) {
        const QByteArray name = v.name.toUtf8();
        w.key(std::string_view(name.constData(), std::size_t(name.size())));
        if (v.value)
            w.value(*v.value);
        else
            w.null();
    }
    w.endObject();
    w.endObject();
    out += '\n';
}

void WatchStreamWriter::writeFacts(std::string &out, const HostFacts &f)
{
    std::string line;
    JsonWriter w(line);
    w.beginObject();
    w.plainField("t", "facts");
    w.key("ports");
    w.beginArray();
    w.value(f.portLow);
    w.value(f.portHigh);
    w.endArray();
    w.field("reserved", f.reservedInRange);
    w.field("tw_reuse", f.twReuse);
    w.field("timestamps", f.timestamps);
    w.field("syncookies", f.syncookies);
    w.field("max_orphans", std::int64_t(f.maxOrphans));
    w.field("orphans", std::int64_t(f.orphans));
    w.key("counters");
    w.beginObject();
    QStringList names = f.counters.keys();
    names.sort();
    for (const QString &n : names) {
        const QByteArray name = n.toUtf8();
        w.key(std::string_view(name.constData(), std::size_t(name.size())));
        w.value(std::int64_t(f.counters.value(n)));
    }
    w.endObject();
    w.endObject();
    line += '\n';
    if (line == m_facts)
        return;
    m_facts = line;
    out += line;
}

} // namespace tcpscope
