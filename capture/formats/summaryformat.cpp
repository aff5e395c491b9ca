#include "formats/summaryformat.h"

#include "formats/jsonwriter.h"
#include "formats/orderedchunks.h"

#include <QDateTime>

#include <algorithm>
#include <vector>

namespace tcpscope {

namespace {

// Indices of the tracker's changes grouped by connection, in time order within each.
struct ChangesByConnection
{
    std::vector<std::uint32_t> start; // per connection, into order; size connections + 1
    std::vector<std::uint32_t> order;

    explicit ChangesByConnection(const TcpTracker &t)
    {
        const auto &changes = t.changes();
        start.assign(t.connections().size() + 1, 0);
        for (const StateChange &c : changes)
            ++start[c.connection + 1];
        for (std::size_t i = 1; i < start.size(); ++i)
            start[i] += start[i - 1];
        order.resize(changes.size());
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (std::uint32_t i = 0; i < changes.size(); ++i)
            order[fill[changes[i].connection]++] = i;
    }
};

std::string addressText(const IpAddress &a)
{
    char buf[64];
    return std::string(buf, std::size_t(a.format(buf)));
}

} // namespace

namespace {

void writeSkippedJson(JsonWriter &w, const ReadStats &stats)
{
    w.key("skipped");
    w.beginObject();
    for (int r = 1; r < kSkipReasonCount; ++r) {
        if (stats.skipped[std::size_t(r)])
            w.field(skipReasonName(SkipReason(r)), std::uint64_t(stats.skipped[std::size_t(r)]));
    }
    w.endObject();
}

// One history entry: where a change took the endpoint, when, and what caused it.
void writeChangeEntryJson(JsonCursor &j, const StateChange &ch, bool first, int digits)
{
    char flagBuf[32];
    j.text(first ? "{\"time\":" : ",{\"time\":");
    j.with([&](char *p) { return formatTime(p, ch.timeNs, digits); });
    j.lit(",\"state\":\"");
    j.text(names(ch.to).rfc);
    if (ch.packet) {
        j.lit("\",\"packet\":");
        j.num(ch.packet);
        j.lit(",\"flags\":\"");
        j.text(flagsText(ch.flags, flagBuf));
        j.lit("\"");
    } else {
        j.lit("\",\"packet\":null,\"cause\":\"2MSL timer\"");
    }
    if (ch.inferred)
        j.lit(",\"inferred\":true");
    if (ch.revision != Revision::None) {
        j.lit(",\"revision\":\"");
        j.text(revisionName(ch.revision));
        j.lit("\"");
    }
    j.lit("}");
}

void writeEndpointJson(JsonCursor &j, const TcpTracker &tracker, const ChangesByConnection &byConn,
                       std::uint32_t id, int e, int digits)
{
    const Connection &c = tracker.connections()[id];
    const TrackedEndpoint &ep = c.ep[std::size_t(e)];
    j.text(e ? ",{\"address\":\"" : "{\"address\":\"");
    j.with([&](char *p) { return c.address[std::size_t(e)].format(p); });
    j.lit("\",\"port\":");
    j.num(c.port[std::size_t(e)]);
    j.lit(",\"role\":\"");
    j.text(roleName(ep.role));
    j.lit("\",\"state\":\"");
    j.text(names(ep.state).rfc);
    j.lit("\",\"history\":[");
    bool first = true;
    for (std::uint32_t k = byConn.start[id]; k < byConn.start[id + 1]; ++k) {
        const StateChange &ch = tracker.changes()[byConn.order[k]];
        if (ch.endpoint != e)
            continue;
        writeChangeEntryJson(j, ch, first, digits);
        first = false;
    }
    j.lit("]}");
}

// Written into scratch space first (a connection is at most ~600 bytes plus ~140 per history
// entry), then appended: growing `out` by that bound would zero it each time.
void writeConnectionJson(std::string &out, std::vector<char> &scratch, const TcpTracker &tracker,
                         const ChangesByConnection &byConn, std::uint32_t id, int digits)
{
    const Connection &c = tracker.connections()[id];
    const std::size_t entries = byConn.start[id + 1] - byConn.start[id];
    if (scratch.size() < 1024 + 192 * entries)
        scratch.resize(1024 + 192 * entries);
    JsonCursor j(scratch.data());
    if (id)
        j.lit(",");
    j.lit("\n  {\"first_seen\":");
    j.with([&](char *p) { return formatTime(p, c.firstSeenNs, digits); });
    j.lit(",\"last_seen\":");
    j.with([&](char *p) { return formatTime(p, c.lastSeenNs, digits); });
    j.text(c.midStream ? ",\"mid_stream\":true" : ",\"mid_stream\":false");
    j.text(c.refused ? ",\"refused\":true" : ",\"refused\":false");
    j.lit(",\"endpoints\":[");
    for (int e = 0; e < 2; ++e)
        writeEndpointJson(j, tracker, byConn, id, e, digits);
    j.lit("]}");
    out.append(scratch.data(), std::size_t(j.end() - scratch.data()));
}

// The unusual segments, in capture order (the engine notes an ignored ACK only when the copy
// that shows it comes): which packet, of which connection (its index in "connections"),
// what it was.
void writeAnnotationsJson(JsonWriter &w, const TcpTracker &tracker)
{
    std::vector<SegmentAnnotation> notes = tracker.annotations();
    std::stable_sort(notes.begin(), notes.end(),
                     [](const auto &a, const auto &b) { return a.packet < b.packet; });
    w.key("annotations");
    w.beginArray();
    for (const SegmentAnnotation &a : notes) {
        w.beginObject();
        w.field("packet", std::uint64_t(a.packet));
        w.field("connection", std::uint64_t(a.connection));
        w.plainField("note", segmentNoteName(a.note));
        w.endObject();
    }
    w.endArray();
}

} // namespace

void writeSummaryJson(std::string &out, const TcpTracker &tracker, const ReadStats &stats,
                      const std::function<void(std::string &)> &flush)
{
    const ChangesByConnection byConn(tracker);
    JsonWriter w(out);
    w.beginObject();
    w.field("packets", std::uint64_t(stats.packets));
    w.field("tcp_packets", std::uint64_t(stats.tcpPackets));
    writeSkippedJson(w, stats);
    w.field("ignored_rst", std::uint64_t(tracker.stats().ignoredRst));
    w.field("revisions", std::uint64_t(tracker.stats().revisions));
    w.key("connections");
    w.beginArray();
    // In chunks of ~1 MB, on two threads (formats/orderedchunks.h).
    constexpr std::size_t kChunk = 1024; // connections
    const std::size_t n = tracker.connections().size();
    const auto write = [&](std::size_t k, std::string &chunk, std::vector<char> &scratch) {
        chunk.reserve(3u << 19);
        for (std::size_t id = k * kChunk; id < std::min(n, (k + 1) * kChunk); ++id)
            writeConnectionJson(chunk, scratch, tracker, byConn, std::uint32_t(id),
                                stats.precisionDigits);
    };
    const auto take = [&](std::string &chunk) {
        if (!flush) {
            out += chunk;
            return;
        }
        if (!out.empty())
            flush(out); // what came before the chunk
        flush(chunk);
    };
    writeChunksInOrder((n + kChunk - 1) / kChunk, write, take);
    out += '\n';
    w.endArray();
    writeAnnotationsJson(w, tracker);
    w.endObject();
    out += '\n';
}

void writeSummaryText(std::string &out, const TcpTracker &tracker, const ReadStats &stats)
{
    const int digits = stats.precisionDigits;
    const ChangesByConnection byConn(tracker);
    const auto &changes = tracker.changes();
    char line[512];
    std::snprintf(line, sizeof line, "# %llu packets, %llu TCP", (unsigned long long)stats.packets,
                  (unsigned long long)stats.tcpPackets);
    out += line;
    for (int r = 1; r < kSkipReasonCount; ++r) {
        if (stats.skipped[std::size_t(r)]) {
            std::snprintf(line, sizeof line, ", %s %llu", skipReasonName(SkipReason(r)),
                          (unsigned long long)stats.skipped[std::size_t(r)]);
            out += line;
        }
    }
    std::snprintf(line, sizeof line, "; %zu connections\n", tracker.connections().size());
    out += line;
    char flagBuf[32];
    const auto &conns = tracker.connections();
    for (std::uint32_t id = 0; id < conns.size(); ++id) {
        const Connection &c = conns[id];
        std::snprintf(line, sizeof line, "%s <-> %s  %s %s, %s %s%s%s\n",
                      endpointChars(c.address[0], c.port[0]).c_str(),
                      endpointChars(c.address[1], c.port[1]).c_str(), roleName(c.ep[0].role),
                      names(c.ep[0].state).rfc, roleName(c.ep[1].role), names(c.ep[1].state).rfc,
                      c.midStream ? "  [joined mid-stream]" : "", c.refused ? "  [refused]" : "");
        out += line;
        for (std::uint32_t k = byConn.start[id]; k < byConn.start[id + 1]; ++k) {
            const StateChange &ch = changes[byConn.order[k]];
            const std::string cause =
                ch.packet ? "#" + std::to_string(ch.packet) + " " + flagsText(ch.flags, flagBuf)
                          : std::string("2MSL timer");
            std::snprintf(line, sizeof line, "    %s  %-7s %-12s -> %-12s %s%s%s%s\n",
                          formatTime(ch.timeNs, digits).c_str(), roleName(c.ep[ch.endpoint].role),
                          names(ch.from).rfc, names(ch.to).rfc, cause.c_str(),
                          ch.inferred ? " (inferred)" : "",
                          ch.revision != Revision::None ? " revised: " : "",
                          revisionName(ch.revision));
            out += line;
        }
    }
}

void writeChangeText(std::string &out, const TcpTracker &tracker, const StateChange &ch, int digits)
{
    const Connection &c = tracker.connections()[ch.connection];
    const int e = ch.endpoint;
    char flagBuf[32];
    const QString clock = QDateTime::fromMSecsSinceEpoch(ch.timeNs / 1'000'000)
                              .toString(QStringLiteral("HH:mm:ss.zzz"));
    char line[512];
    std::snprintf(line, sizeof line, "%s %s (%s, peer %s) %s -> %s  %s%s%s\n", qPrintable(clock),
                  endpointChars(c.address[std::size_t(e)], c.port[std::size_t(e)]).c_str(),
                  roleName(c.ep[std::size_t(e)].role),
                  endpointChars(c.address[std::size_t(1 - e)], c.port[std::size_t(1 - e)]).c_str(),
                  names(ch.from).rfc, names(ch.to).rfc,
                  ch.packet ? flagsText(ch.flags, flagBuf) : "2MSL timer",
                  ch.revision != Revision::None ? " revised: " : "", revisionName(ch.revision));
    out += line;
    (void)digits;
}

void writeChangeJson(std::string &out, const TcpTracker &tracker, const StateChange &ch, int digits,
                     std::uint32_t number)
{
    const Connection &c = tracker.connections()[ch.connection];
    const auto e = std::size_t(ch.endpoint);
    char flagBuf[32];
    JsonWriter w(out);
    w.beginObject();
    w.key("time");
    w.rawValue(formatTime(ch.timeNs, digits));
    w.plainField("address", addressText(c.address[e]));
    w.field("port", unsigned(c.port[e]));
    w.plainField("peer_address", addressText(c.address[1 - e]));
    w.field("peer_port", unsigned(c.port[1 - e]));
    w.plainField("role", roleName(c.ep[e].role));
    w.plainField("from", names(ch.from).rfc);
    w.plainField("to", names(ch.to).rfc);
    w.key("packet");
    if (ch.packet)
        w.value(unsigned(ch.packet));
    else
        w.null();
    w.plainField("flags", ch.packet ? flagsText(ch.flags, flagBuf) : "");
    w.field("connection", unsigned(number != UINT32_MAX ? number : ch.connection));
    if (ch.revision != Revision::None)
        w.plainField("revision", revisionName(ch.revision));
    w.endObject();
    out += '\n';
}

} // namespace tcpscope
