#include "lab/labprotocol.h"

#include "formats/jsonwriter.h"
#include "lab/labscenario.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>
#include <utility>

namespace tcpscope {

namespace {

// Every name of the protocol, once.
namespace key {
constexpr std::string_view event = "event", name = "name", steps = "steps", next = "next",
                           index = "index", count = "count", about = "about", socket = "socket",
                           from = "from", to = "to", ok = "ok", notes = "notes", id = "id",
                           args = "args", error = "error", expect = "expect", who = "who",
                           state = "state", atLeast = "at_least", minRecvQ = "min_recv_q",
                           ports = "ports", stopped = "stopped", why = "why", titleEn = "title_en",
                           titleZh = "title_zh", summaryEn = "summary_en", summaryZh = "summary_zh",
                           needsRoot = "needs_root", time = "time", netns = "netns", pid = "pid",
                           sockets = "sockets", laddr = "laddr", lport = "lport", raddr = "raddr",
                           rport = "rport", recvQ = "recv_q", sendQ = "send_q", timer = "timer",
                           expiresMs = "expires_ms", retrans = "retrans", uid = "uid",
                           inode = "inode", cookie = "cookie", passedThrough = "passed_through",
                           facts = "facts", portLow = "port_low", portHigh = "port_high",
                           reserved = "reserved", twReuse = "tw_reuse", timestamps = "timestamps",
                           syncookies = "syncookies", maxOrphans = "max_orphans",
                           orphans = "orphans", counters = "counters";
} // namespace key

// The event names, in the order of LabEvent's alternatives.
constexpr std::array<std::string_view, std::variant_size_v<LabEvent>> kEventNames{
    "scenario", "waiting", "step", "observed", "result", "done", "unavailable", "table"};

constexpr std::string_view kStopReply = "stop";

QLatin1StringView k(std::string_view name)
{
    return QLatin1StringView(name.data(), qsizetype(name.size()));
}

// ---- writing

void writeState(JsonWriter &w, std::string_view name, std::optional<TcpState> s)
{
    w.key(name);
    if (s)
        w.value(rfcName(*s));
    else
        w.null();
}

void writeFields(JsonWriter &w, const LabScenarioEvent &e)
{
    w.field(key::name, e.name);
    w.field(key::steps, e.steps);
}

void writeFields(JsonWriter &w, const LabWaitingEvent &e) { w.field(key::next, e.next); }

void writeFields(JsonWriter &w, const LabStepEvent &e)
{
    w.field(key::index, e.index);
    w.field(key::count, e.count);
    writeState(w, key::about, e.about);
}

void writeFields(JsonWriter &w, const LabObservedEvent &e)
{
    w.field(key::socket, e.socket);
    writeState(w, key::from, e.from);
    writeState(w, key::to, e.to);
}

void writeNotes(JsonWriter &w, const std::vector<LabNote> &notes)
{
    w.key(key::notes);
    w.beginArray();
    for (const LabNote &n : notes) {
        w.beginObject();
        w.field(key::id, n.id);
        w.key(key::args);
        w.beginObject();
        for (auto it = n.args.begin(); it != n.args.end(); ++it)
            w.field(it.key().toStdString(), it.value());
        w.endObject();
        w.endObject();
    }
    w.endArray();
}

void writeExpectations(JsonWriter &w, const std::vector<LabExpectOutcome> &expect)
{
    w.key(key::expect);
    w.beginArray();
    for (const LabExpectOutcome &x : expect) {
        w.beginObject();
        w.field(key::who, x.expect.who);
        writeState(w, key::state, x.expect.state);
        w.field(key::atLeast, x.expect.atLeast);
        w.field(key::minRecvQ, x.expect.minRecvQ);
        w.field(key::passedThrough, x.expect.passedThrough);
        w.field(key::ok, x.ok);
        w.endObject();
    }
    w.endArray();
}

void writeFields(JsonWriter &w, const LabResultEvent &e)
{
    w.field(key::index, e.index);
    w.field(key::ok, e.ok);
    writeNotes(w, e.notes);
    w.field(key::error, e.error);
    writeExpectations(w, e.expect);
    w.key(key::ports);
    w.beginArray();
    for (quint16 p : e.ports)
        w.value(unsigned(p));
    w.endArray();
}

void writeFields(JsonWriter &w, const LabDoneEvent &e)
{
    w.field(key::ok, e.ok);
    w.field(key::stopped, e.stopped);
}

void writeFields(JsonWriter &w, const LabUnavailableEvent &e)
{
    w.field(key::name, e.name);
    w.field(key::why, e.why);
}

void writeRecord(JsonWriter &w, const SocketRecord &r)
{
    w.beginObject();
    w.field(key::laddr, r.localAddress.toString());
    w.field(key::lport, unsigned(r.localPort));
    w.field(key::raddr, r.remoteAddress.toString());
    w.field(key::rport, unsigned(r.remotePort));
    writeState(w, key::state, r.state);
    w.field(key::recvQ, unsigned(r.recvQ));
    w.field(key::sendQ, unsigned(r.sendQ));
    w.field(key::timer, unsigned(r.timer));
    w.field(key::expiresMs, unsigned(r.timerExpiresMs));
    w.field(key::retrans, unsigned(r.retrans));
    w.field(key::uid, unsigned(r.uid));
    w.field(key::inode, r.inode);
    w.field(key::cookie, r.cookie);
    w.endObject();
}

void writeFacts(JsonWriter &w, const HostFacts &f)
{
    w.key(key::facts);
    w.beginObject();
    w.field(key::portLow, f.portLow);
    w.field(key::portHigh, f.portHigh);
    w.field(key::reserved, f.reservedInRange);
    w.field(key::twReuse, f.twReuse);
    w.field(key::timestamps, f.timestamps);
    w.field(key::syncookies, f.syncookies);
    w.field(key::maxOrphans, std::int64_t(f.maxOrphans));
    w.field(key::orphans, std::int64_t(f.orphans));
    w.key(key::counters);
    w.beginObject();
    for (auto it = f.counters.cbegin(); it != f.counters.cend(); ++it)
        w.field(it.key().toStdString(), std::int64_t(it.value()));
    w.endObject();
    w.endObject();
}

void writeFields(JsonWriter &w, const LabTableEvent &e)
{
    w.key(key::time);
    w.value(e.time, 6);
    w.field(key::netns, e.netns);
    w.field(key::pid, e.pid);
    w.key(key::sockets);
    w.beginArray();
    for (const SocketRecord &r : e.sockets)
        writeRecord(w, r);
    w.endArray();
    writeFacts(w, e.facts);
}

// ---- reading

std::optional<TcpState> stateOf(const QJsonObject &o, std::string_view name)
{
    return parseTcpState(o.value(k(name)).toString());
}

QString textOf(const QJsonObject &o, std::string_view name) { return o.value(k(name)).toString(); }
int intOf(const QJsonObject &o, std::string_view name) { return o.value(k(name)).toInt(); }
bool boolOf(const QJsonObject &o, std::string_view name) { return o.value(k(name)).toBool(); }
QJsonArray arrayOf(const QJsonObject &o, std::string_view name)
{
    return o.value(k(name)).toArray();
}

std::vector<LabNote> notesOf(const QJsonObject &o)
{
    std::vector<LabNote> notes;
    for (const QJsonValue &v : arrayOf(o, key::notes)) {
        LabNote n{textOf(v.toObject(), key::id), {}};
        const QJsonObject args = v.toObject().value(k(key::args)).toObject();
        for (auto it = args.begin(); it != args.end(); ++it)
            n.args.insert(it.key(), it.value().toString());
        notes.push_back(std::move(n));
    }
    return notes;
}

std::vector<LabExpectOutcome> expectationsOf(const QJsonObject &o)
{
    std::vector<LabExpectOutcome> out;
    for (const QJsonValue &v : arrayOf(o, key::expect)) {
        const QJsonObject x = v.toObject();
        out.push_back({{textOf(x, key::who), stateOf(x, key::state), intOf(x, key::atLeast),
                        intOf(x, key::minRecvQ), boolOf(x, key::passedThrough)},
                       boolOf(x, key::ok)});
    }
    return out;
}

void readFields(const QJsonObject &o, LabScenarioEvent &e)
{
    e.name = textOf(o, key::name);
    e.steps = intOf(o, key::steps);
}

void readFields(const QJsonObject &o, LabWaitingEvent &e) { e.next = intOf(o, key::next); }

void readFields(const QJsonObject &o, LabStepEvent &e)
{
    e.index = intOf(o, key::index);
    e.count = intOf(o, key::count);
    e.about = stateOf(o, key::about).value_or(TcpState::Closed);
}

void readFields(const QJsonObject &o, LabObservedEvent &e)
{
    e.socket = textOf(o, key::socket);
    e.from = stateOf(o, key::from);
    e.to = stateOf(o, key::to).value_or(TcpState::Closed);
}

void readFields(const QJsonObject &o, LabResultEvent &e)
{
    e.index = intOf(o, key::index);
    e.ok = boolOf(o, key::ok);
    e.notes = notesOf(o);
    e.error = textOf(o, key::error);
    e.expect = expectationsOf(o);
    for (const QJsonValue &p : arrayOf(o, key::ports))
        e.ports << quint16(p.toInt());
}

void readFields(const QJsonObject &o, LabDoneEvent &e)
{
    e.ok = boolOf(o, key::ok);
    e.stopped = boolOf(o, key::stopped);
}

void readFields(const QJsonObject &o, LabUnavailableEvent &e)
{
    e.name = textOf(o, key::name);
    e.why = textOf(o, key::why);
}

// A 64-bit number written by JsonWriter (QJsonValue holds doubles: exact up to 2^53, which
// inode numbers and socket cookies stay below).
std::uint64_t u64Of(const QJsonObject &o, std::string_view name)
{
    return std::uint64_t(o.value(k(name)).toDouble());
}

SocketRecord recordOf(const QJsonObject &o)
{
    SocketRecord r;
    r.localAddress = IpAddress::parse(textOf(o, key::laddr));
    r.remoteAddress = IpAddress::parse(textOf(o, key::raddr));
    r.localPort = std::uint16_t(intOf(o, key::lport));
    r.remotePort = std::uint16_t(intOf(o, key::rport));
    r.state = stateOf(o, key::state).value_or(TcpState::Closed);
    r.recvQ = std::uint32_t(u64Of(o, key::recvQ));
    r.sendQ = std::uint32_t(u64Of(o, key::sendQ));
    r.timer = TimerKind(intOf(o, key::timer));
    r.timerExpiresMs = std::uint32_t(u64Of(o, key::expiresMs));
    r.retrans = std::uint8_t(intOf(o, key::retrans));
    r.uid = std::uint32_t(u64Of(o, key::uid));
    r.inode = u64Of(o, key::inode);
    r.cookie = u64Of(o, key::cookie);
    return r;
}

// What is absent keeps HostFacts' defaults.
HostFacts factsOf(const QJsonObject &o)
{
    HostFacts f;
    const auto num = [&o](std::string_view name, long fallback) {
        return long(o.value(k(name)).toDouble(double(fallback)));
    };
    f.portLow = int(num(key::portLow, f.portLow));
    f.portHigh = int(num(key::portHigh, f.portHigh));
    f.reservedInRange = int(num(key::reserved, f.reservedInRange));
    f.twReuse = int(num(key::twReuse, f.twReuse));
    f.timestamps = int(num(key::timestamps, f.timestamps));
    f.syncookies = int(num(key::syncookies, f.syncookies));
    f.maxOrphans = num(key::maxOrphans, f.maxOrphans);
    f.orphans = num(key::orphans, f.orphans);
    const QJsonObject counters = o.value(k(key::counters)).toObject();
    for (auto it = counters.begin(); it != counters.end(); ++it)
        f.counters.insert(it.key(), qint64(it.value().toDouble()));
    return f;
}

void readFields(const QJsonObject &o, LabTableEvent &e)
{
    e.time = o.value(k(key::time)).toDouble();
    e.netns = textOf(o, key::netns);
    e.pid = intOf(o, key::pid);
    for (const QJsonValue &v : arrayOf(o, key::sockets))
        e.sockets.push_back(recordOf(v.toObject()));
    e.facts = factsOf(o.value(k(key::facts)).toObject());
}

// The alternative of LabEvent whose name is `name`, read from `o`.
template<std::size_t... I>
std::optional<LabEvent> readNamed(const QString &name, const QJsonObject &o,
                                  std::index_sequence<I...>)
{
    std::optional<LabEvent> out;
    const auto tryKind = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
        if (name != k(kEventNames[N]))
            return false;
        readFields(o, std::get<N>(out.emplace(std::in_place_index<N>)));
        return true;
    };
    (tryKind(std::integral_constant<std::size_t, I>{}) || ...);
    return out;
}

} // namespace

std::string labEventLine(const LabEvent &event)
{
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.plainField(key::event, kEventNames[event.index()]);
    std::visit([&w](const auto &e) { writeFields(w, e); }, event);
    w.endObject();
    return out;
}

std::optional<LabEvent> parseLabEvent(QByteArrayView line)
{
    const QJsonObject o = QJsonDocument::fromJson(line.toByteArray()).object();
    return readNamed(textOf(o, key::event), o,
                     std::make_index_sequence<std::variant_size_v<LabEvent>>());
}

QByteArray labReplyLine(LabReply reply)
{
    return (reply == LabReply::Stop ? QByteArray(kStopReply.data(), qsizetype(kStopReply.size()))
                                    : QByteArray())
           + '\n';
}

LabReply parseLabReply(std::string_view line)
{
    return line == kStopReply ? LabReply::Stop : LabReply::Next;
}

std::string labScenarioListJson(const std::vector<LabScenario> &scenarios)
{
    std::string out;
    JsonWriter w(out);
    w.beginArray();
    for (const LabScenario &s : scenarios) {
        w.beginObject();
        w.field(key::name, s.name);
        w.field(key::titleEn, s.title.en);
        w.field(key::titleZh, s.title.zh);
        w.field(key::summaryEn, s.summary.en);
        w.field(key::summaryZh, s.summary.zh);
        w.field(key::needsRoot, s.needsRoot);
        w.field(key::steps, int(s.steps.size()));
        w.endObject();
    }
    w.endArray();
    return out;
}

} // namespace tcpscope
