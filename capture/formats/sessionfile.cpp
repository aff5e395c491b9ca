#include "formats/sessionfile.h"

#include <QFile>
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
