#include "formats/snapshotformat.h"

#include "formats/jsonwriter.h"

#include <QDateTime>

#include <charconv>
#include <cstdio>
#include <cstring>

namespace tcpscope {

namespace {

void writeProcesses(JsonWriter &w, const SocketRecord &r, const ProcessMap *processes)
{
    w.key("processes");
    if (!processes) {
        w.null();
        return;
    }
    w.beginArray();
    for (int pid : processes->owners(r.inode)) {
        w.beginObject();
        w.field("pid", pid);
        if (const ProcessInfo *p = processes->process(pid))
            w.field("name", std::string_view(p->name.toStdString()));
        w.endObject();
    }
    w.endArray();
    const Ownership o = processes->ownership(r);
    w.key("process_note");
    if (o == Ownership::Owned)
        w.null();
    else
        w.value(std::string_view(ownershipText(o)));
}

void writeNetns(JsonWriter &w, std::uint32_t netns, const NetnsLabels *labels)
{
    if (!netns)
        return;
    w.field("netns", std::uint64_t(netns));
    if (!labels)
        return;
    const auto it = labels->find(netns);
    w.key("netns_label");
    if (it == labels->end())
        w.null();
    else
        w.value(std::string_view(it->second));
}

} // namespace

StateCounts countStates(const std::vector<SocketRecord> &records)
{
    StateCounts c{};
    for (const SocketRecord &r : records)
        ++c[std::size_t(index(r.state))];
    return c;
}

std::string processText(const SocketRecord &r, const ProcessMap &processes)
{
    const Ownership o = processes.ownership(r);
    if (o != Ownership::Owned)
        return std::string("(") + ownershipText(o) + ")";
    std::string s;
    for (int pid : processes.owners(r.inode)) {
        const ProcessInfo *p = processes.process(pid);
        if (!s.empty())
            s += ',';
        s += (p ? p->name.toStdString() : std::string("?")) + "/" + std::to_string(pid);
    }
    return s;
}

// The per-socket part of a snapshot is written into reserved space with plain copies: at
// 100k sockets this loop is most of what the command does besides the kernel's dump.
void writeSocketJson(std::string &out, const SocketRecord &r, const ProcessMap *processes,
                     const NetnsLabels *labels)
{
    constexpr std::size_t kMaxFixedPart = 640; // everything up to "processes"
    const std::size_t start = out.size();
    out.resize(start + kMaxFixedPart);
    JsonCursor c(out.data() + start);
    c.lit("{\"local_address\":\"");
    c.with([&](char *p) { return r.localAddress.format(p); });
    c.lit("\",\"local_port\":");
    c.num(r.localPort);
    c.lit(",\"remote_address\":\"");
    c.with([&](char *p) { return r.remoteAddress.format(p); });
    c.lit("\",\"remote_port\":");
    c.num(r.remotePort);
    c.lit(",\"state\":\"");
    c.text(names(r.state).rfc);
    c.lit("\",\"recv_q\":");
    c.num(r.recvQ);
    c.lit(",\"send_q\":");
    c.num(r.sendQ);
    c.lit(",\"uid\":");
    c.num(r.uid);
    c.lit(",\"inode\":");
    c.num(r.inode);
    c.lit(",\"cookie\":");
    c.num(r.cookie);
    if (r.timer == TimerKind::None) {
        c.lit(",\"timer\":null");
    } else {
        c.lit(",\"timer\":{\"kind\":\"");
        c.text(timerKindName(r.timer));
        c.lit("\",\"expires_ms\":");
        c.num(r.timerExpiresMs);
        c.lit(",\"retrans\":");
        c.num(r.retrans);
        c.lit("}");
    }
    if (r.info) {
        c.lit(",\"tcp_info\":{\"rtt_us\":");
        c.num(r.info->rttUs);
        c.lit(",\"rttvar_us\":");
        c.num(r.info->rttVarUs);
        c.lit(",\"total_retrans\":");
        c.num(r.info->totalRetrans);
        c.lit("}");
    }
    if (!processes && !r.netns) {
        c.lit(",\"processes\":null}");
        out.resize(std::size_t(c.end() - out.data()));
        return;
    }
    out.resize(std::size_t(c.end() - out.data()));
    JsonWriter w(out, true);
    writeNetns(w, r.netns, labels);
    writeProcesses(w, r, processes);
    out += '}';
}

void writeSnapshotJson(std::string &out, const std::vector<SocketRecord> &records,
                       const ProcessMap *processes, const char *source, const QString &notice,
                       double time, const std::function<void(std::string &)> &flush,
                       const NetnsLabels *labels)
{
    constexpr std::size_t kChunk = 1 << 20;
    out.reserve(out.size() + (flush ? kChunk + 4096 : records.size() * 260 + 512));
    JsonWriter w(out);
    w.beginObject();
    w.plainField("source", std::string_view(source));
    w.key("notice");
    if (notice.isEmpty())
        w.null();
    else
        w.value(notice);
    w.key("time");
    w.value(time, 3);
    w.key("sockets");
    w.beginArray();
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i)
            out += ',';
        out += "\n  ";
        writeSocketJson(out, records[i], processes, labels);
        if (flush && out.size() >= kChunk)
            flush(out);
    }
    out += '\n';
    w.endArray();
    w.key("counts");
    w.beginObject();
    const StateCounts c = countStates(records);
    for (int i = 0; i < kTcpStateCount; ++i)
        w.field(names(stateAt(i)).rfc, c[std::size_t(i)]);
    w.endObject();
    w.field("total", int(records.size()));
    w.endObject();
    out += '\n';
}

void writeSnapshotText(std::string &out, const std::vector<SocketRecord> &records,
                       const ProcessMap *processes, const char *source, const QString &notice,
                       const NetnsLabels *labels, bool allNamespaces)
{
    auto label = [&](std::uint32_t netns) {
        const auto it = labels ? labels->find(netns) : NetnsLabels::const_iterator{};
        return std::string(labels && it != labels->end() ? it->second : std::string("?")) + " ("
               + std::to_string(netns) + ")";
    };
    char line[512];
    std::snprintf(line, sizeof line, "# source: %s\n", source);
    out += line;
    if (!notice.isEmpty())
        out += "# notice: " + notice.toStdString() + "\n";
    if (!records.empty() && !allNamespaces && records.front().netns)
        out += "# netns: " + label(records.front().netns) + "\n";
    if (allNamespaces)
        out += "Namespace                      ";
    std::snprintf(line, sizeof line, "%-12s %7s %7s %-30s %-30s %-22s %s\n", "State", "Recv-Q",
                  "Send-Q", "Local Address:Port", "Peer Address:Port", "Timer", "Process");
    out += line;
    for (const SocketRecord &r : records) {
        char timer[48] = "";
        if (r.timer != TimerKind::None)
            std::snprintf(timer, sizeof timer, "%s,%.3fs,%u", timerKindName(r.timer),
                          r.timerExpiresMs / 1000.0, unsigned(r.retrans));
        const std::string proc = processes ? processText(r, *processes) : std::string();
        if (allNamespaces) {
            std::snprintf(line, sizeof line, "%-30s ", label(r.netns).c_str());
            out += line;
        }
        std::snprintf(line, sizeof line, "%-12s %7u %7u %-30s %-30s %-22s %s\n",
                      names(r.state).ssColumn, r.recvQ, r.sendQ,
                      endpointChars(r.localAddress, r.localPort).c_str(),
                      endpointChars(r.remoteAddress, r.remotePort).c_str(), timer, proc.c_str());
        out += line;
    }
    out += "# counts:";
    const StateCounts c = countStates(records);
    for (int i = 0; i < kTcpStateCount; ++i) {
        if (c[std::size_t(i)]) {
            std::snprintf(line, sizeof line, " %s=%d", names(stateAt(i)).rfc, c[std::size_t(i)]);
            out += line;
        }
    }
    std::snprintf(line, sizeof line, " total=%zu\n", records.size());
    out += line;
}

namespace {
// A traced transition's cause: "by curl(4121)", or "by softirq" (a packet or a timer).
std::string tracedCause(const Transition &t)
{
    if (t.pid == 0)
        return "by softirq";
    return "by " + std::string(t.comm.data()) + '(' + std::to_string(t.pid) + ')';
}
} // namespace

void writeTransitionText(std::string &out, const Transition &t, const ProcessMap *processes,
                         const SocketRecord *record)
{
    const bool traced = t.observedBy == ObservedBy::Tracing;
    QString when = QDateTime::fromMSecsSinceEpoch(qint64(t.time * 1000))
                       .toString(QStringLiteral("HH:mm:ss.zzz"));
    if (traced)
        when += QStringLiteral("%1").arg(int((t.timeNs / 1000) % 1000), 3, 10, QChar(u'0'));
    char within[64];
    std::snprintf(within, sizeof within, "(within %.2fs)", t.time - t.earliest);
    char line[512];
    std::snprintf(line, sizeof line, "%s %-12s -> %-12s %s %s %s", qPrintable(when),
                  t.firstSeen && !traced ? "(new)" : names(t.from).rfc, names(t.to).rfc,
                  endpointChars(t.localAddress, t.localPort).c_str(),
                  endpointChars(t.remoteAddress, t.remotePort).c_str(),
                  traced ? ("(exact) " + tracedCause(t)).c_str() : within);
    out += line;
    if (processes && record) {
        out += ' ';
        out += processText(*record, *processes);
    }
    out += '\n';
}

void writeTransitionJson(std::string &out, const Transition &t, const ProcessMap *processes,
                         const SocketRecord *record, bool exactMode, const NetnsLabels *labels)
{
    const bool traced = t.observedBy == ObservedBy::Tracing;
    JsonWriter w(out);
    char addr[64];
    w.beginObject();
    w.key("time");
    w.value(t.time, traced ? 6 : 3);
    w.key("earliest");
    w.value(t.earliest, traced ? 6 : 3);
    w.plainField("from", std::string_view(names(t.from).rfc));
    w.plainField("to", std::string_view(names(t.to).rfc));
    w.field("first_seen", t.firstSeen);
    w.plainField("local_address", std::string_view(addr, std::size_t(t.localAddress.format(addr))));
    w.field("local_port", unsigned(t.localPort));
    w.plainField("remote_address",
                 std::string_view(addr, std::size_t(t.remoteAddress.format(addr))));
    w.field("remote_port", unsigned(t.remotePort));
    w.field("connection", std::uint64_t(t.connection));
    writeNetns(w, t.netns, labels);
    if (exactMode || traced)
        w.field("exact", traced);
    if (traced) {
        w.field("time_ns", std::int64_t(t.timeNs));
        w.key("pid");
        if (t.pid)
            w.value(std::uint64_t(t.pid));
        else
            w.null();
        w.key("comm");
        if (t.pid)
            w.value(std::string_view(t.comm.data()));
        else
            w.null();
    }
    if (processes && record)
        writeProcesses(w, *record, processes);
    w.endObject();
    out += '\n';
}

} // namespace tcpscope
