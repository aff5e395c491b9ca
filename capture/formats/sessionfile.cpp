#include "formats/sessionfile.h"

#include "formats/findingdata.h"

#include "nanoseconds.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <pcap/pcap.h>

#include <cstring>
#include <memory>

namespace tcpscope {

namespace {

constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr std::uint32_t kInterfaceDescription = 1;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint32_t kCustomCopiable = 0x00000BAD;
constexpr std::uint32_t kPen = 32473; // RFC 5612's example enterprise number
constexpr char kMagic[] = "tcpscope-session/1\n";
constexpr std::uint32_t kMaxTimelineBytes = 1024u << 20; // a timeline block read whole

void put32(QByteArray &b, std::uint32_t v) { b.append(reinterpret_cast<const char *>(&v), 4); }
void put16(QByteArray &b, std::uint16_t v) { b.append(reinterpret_cast<const char *>(&v), 2); }
void pad4(QByteArray &b)
{
    while (b.size() % 4)
        b.append('\0');
}

// A block: type, total length, body (padded), total length. Host byte order, as the section
// header's byte-order magic says.
QByteArray block(std::uint32_t type, QByteArray body)
{
    pad4(body);
    QByteArray b;
    const auto total = std::uint32_t(12 + body.size());
    put32(b, type);
    put32(b, total);
    b.append(body);
    put32(b, total);
    return b;
}

QByteArray sectionHeader()
{
    QByteArray body;
    put32(body, 0x1A2B3C4D);
    put16(body, 1);
    put16(body, 0);
    const std::int64_t unknownLength = -1;
    body.append(reinterpret_cast<const char *>(&unknownLength), 8);
    // shb_userappl
    const QByteArray app = "tcpscope";
    put16(body, 4);
    put16(body, std::uint16_t(app.size()));
    body.append(app);
    pad4(body);
    put32(body, 0); // opt_endofopt
    return block(kSectionHeader, body);
}

QByteArray interfaceDescription(int linkType, int snaplen)
{
    QByteArray body;
    put16(body, std::uint16_t(linkType));
    put16(body, 0);
    put32(body, std::uint32_t(snaplen));
    put16(body, 9); // if_tsresol: 10^-9 s
    put16(body, 1);
    body.append(char(9));
    pad4(body);
    put32(body, 0);
    return block(kInterfaceDescription, body);
}

QByteArray enhancedPacket(std::uint64_t timeNs, const pcap_pkthdr &h, const u_char *data)
{
    QByteArray body;
    put32(body, 0); // interface 0
    put32(body, std::uint32_t(timeNs >> 32));
    put32(body, std::uint32_t(timeNs));
    put32(body, h.caplen);
    put32(body, h.len);
    body.append(reinterpret_cast<const char *>(data), int(h.caplen));
    return block(kEnhancedPacket, body);
}

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
           && readU32(o, u"uid", &s.uid, why);
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
    int rejected = 0;
    auto findings = std::make_shared<std::vector<Finding>>(
        findingsFromJson(latest.value(u"findings").toArray(), &rejected));
    for (int i = 0; i < rejected; ++i)
        damage.reject(QStringLiteral("a finding"), QStringLiteral("not a finding"));
    t.latest.findings = std::move(findings);
}

// Moves forward to `offset`: through the file's buffer when near, else by seeking (so a file
// of a million small blocks costs no syscall per block).
bool skipTo(QFile &f, qint64 offset)
{
    const qint64 n = offset - f.pos();
    if (n < 0 || n > 65536)
        return f.seek(offset);
    char scratch[65536];
    return f.read(scratch, n) == n;
}

struct PcapCloser
{
    void operator()(pcap_t *p) const { pcap_close(p); }
};

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

bool writeSessionFile(const QString &path, const QString &pcapPath, const KernelTimeline *timeline,
                      QString *error)
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    out.write(sectionHeader());
    if (!pcapPath.isEmpty()) {
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        std::unique_ptr<pcap_t, PcapCloser> in(pcap_open_offline_with_tstamp_precision(
            pcapPath.toLocal8Bit().constData(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
        if (!in) {
            *error = QStringLiteral("cannot read the packets (%1): %2")
                         .arg(pcapPath, QString::fromLocal8Bit(errbuf));
            return false;
        }
        out.write(interfaceDescription(pcap_datalink(in.get()), pcap_snapshot(in.get())));
        pcap_pkthdr *h = nullptr;
        const u_char *data = nullptr;
        int r;
        while ((r = pcap_next_ex(in.get(), &h, &data)) == 1) {
            const std::uint64_t ns =
                std::uint64_t(h->ts.tv_sec) * 1'000'000'000ULL + std::uint64_t(h->ts.tv_usec);
            out.write(enhancedPacket(ns, *h, data));
        }
        if (r == PCAP_ERROR) {
            // A capture still being written ends mid-record: what was complete is kept.
            const QString why = QString::fromLocal8Bit(pcap_geterr(in.get()));
            if (!why.contains(u"truncated")) {
                *error = QStringLiteral("reading the packets: %1").arg(why);
                return false;
            }
        }
    }
    if (timeline) {
        QByteArray body;
        put32(body, kPen);
        body.append(kMagic);
        body.append(timelineJson(*timeline));
        pad4(body);
        put32(body, 0); // no options
        out.write(block(kCustomCopiable, body));
    }
    if (!out.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

std::optional<KernelTimeline> readSessionTimeline(const QString &path, QString *error)
{
    error->clear();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    // Streamed: the header first (anything else is not a session, whatever its size), then
    // each block's type and length, and only our custom block is read whole.
    const QByteArray head = f.read(12);
    if (head.size() < 12 || std::memcmp(head.constData(), "\x0A\x0D\x0D\x0A", 4) != 0)
        return std::nullopt; // not pcapng: not a session
    std::uint32_t magic = 0;
    std::memcpy(&magic, head.constData() + 8, 4);
    if (magic != 0x1A2B3C4D || f.isSequential())
        return std::nullopt; // written with the other byte order: not one of ours
    const qint64 size = f.size();
    qint64 at = 0;
    while (at + 12 <= size && skipTo(f, at)) {
        const QByteArray header = f.read(12);
        std::uint32_t type = 0, length = 0;
        std::memcpy(&type, header.constData(), 4);
        std::memcpy(&length, header.constData() + 4, 4);
        if (header.size() < 12 || length < 12 || length % 4 || at + qint64(length) > size) {
            *error = QStringLiteral("%1 is cut off or damaged at byte %2").arg(path).arg(at);
            return std::nullopt;
        }
        std::uint32_t pen = 0;
        std::memcpy(&pen, header.constData() + 8, 4);
        if (type == kCustomCopiable && length > 16 && pen == kPen) {
            if (length > kMaxTimelineBytes) {
                *error = QStringLiteral("%1: the session's kernel timeline claims %2 MB, more "
                                        "than the %3 MB tcpscope reads")
                             .arg(path)
                             .arg(length >> 20)
                             .arg(kMaxTimelineBytes >> 20);
                return std::nullopt;
            }
            const QByteArray data = f.read(qint64(length) - 16);
            if (data.startsWith(kMagic)) {
                QByteArray json = data.mid(qsizetype(std::strlen(kMagic)));
                const qsizetype end = json.lastIndexOf('}');
                return parseTimelineJson(json.left(end + 1), error);
            }
        }
        at += length;
    }
    return std::nullopt;
}

} // namespace tcpscope
