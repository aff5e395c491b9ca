#include "packets/capturereader.h"

#include "nanoseconds.h"
#include "packets/classicpcapfile.h"
#include "packets/inputfile.h"
#include "packets/pcapngfile.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <pcap/pcap.h>
#include <poll.h>
#include <stdio_ext.h>
#include <unistd.h>

namespace tcpscope {

CaptureReader::CaptureReader() = default;

CaptureReader::~CaptureReader()
{
    if (m_dumper)
        pcap_dump_close(m_dumper);
    if (m_pcap)
        pcap_close(m_pcap);
}

bool CaptureReader::open(const QString &path, QString *error)
{
    m_name = path == u"-" ? QStringLiteral("standard input") : path;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    const QString refusal = m_allowSpecialFiles ? QString() : refuseSpecialFile(path);
    if (!refusal.isEmpty()) {
        *error = refusal;
        return false;
    }
    if (path != u"-") {
        const QFileInfo info(path);
        m_fileBytes = info.isFile() ? info.size() : 0;
    }
    if (path != u"-" && specialFileKind(path).isEmpty() && openOwnPcapng(path))
        return true;
    if (path == u"-") {
        m_pcap =
            pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    } else {
        m_pcap = pcap_open_offline_with_tstamp_precision(path.toLocal8Bit().constData(),
                                                         PCAP_TSTAMP_PRECISION_NANO, errbuf);
    }
    if (!m_pcap) {
        const QString why = QString::fromLocal8Bit(errbuf);
        QString what;
        if (why.contains(u"unknown file format") || why.contains(u"bad dump file format"))
            what = QStringLiteral("not a pcap or pcapng capture (%1)").arg(why);
        else if (why.contains(u"truncated dump file"))
            what = QStringLiteral("empty, or cut off inside its file header (%1)").arg(why);
        else
            what = why;
        *error = QStringLiteral("%1: %2").arg(m_name, what);
        return false;
    }
    if (!finishOpen(error))
        return false;
    if (path != u"-")
        m_classic = ClassicPcapFile::open(fileno(pcap_file(m_pcap)), pcap_snapshot(m_pcap));
    return true;
}

// libpcap 1.10 reads a pcapng file only if all its interfaces share one link type and snap
// length; others (a capture on several interfaces) get our own reader. Only block headers
// are read to tell, and the file is streamed either way.
bool CaptureReader::openOwnPcapng(const QString &path)
{
    auto f = std::make_unique<QFile>(path);
    if (!f->open(QIODevice::ReadOnly) || !PcapngFile::looksLikePcapng(f->peek(4))
        || !PcapngFile::needsOwnReader(*f) || !f->seek(0))
        return false;
    m_ng = std::make_unique<PcapngFile>(std::move(f));
    m_linkType = -2; // several
    return true;
}

bool CaptureReader::open(FILE *f, const QString &name, QString *error)
{
    m_name = name;
    std::setvbuf(f, nullptr, _IONBF, 0);
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    m_pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!m_pcap) {
        std::fclose(f);
        *error = QStringLiteral("%1: %2").arg(name, QString::fromLocal8Bit(errbuf));
        return false;
    }
    return finishOpen(error);
}

void CaptureReader::reserveFor(TcpTracker &tracker) const
{
    // A TCP packet takes at least ~60 bytes of a file (its record header, a link, IP and TCP
    // header); a connection ~8 packets or more; each packet moves an endpoint at most about
    // once. Capped, so that a huge file reserves no more than ~0.8 GB of address space.
    const auto packets = std::uint64_t(m_fileBytes) / 60;
    tracker.reserve(std::size_t(std::min<std::uint64_t>(packets / 8 + 64, 1u << 20)),
                    std::size_t(std::min<std::uint64_t>(packets + 64, 1u << 24)));
}

bool CaptureReader::waitForData(int timeoutMs) const
{
    if (!m_pcap)
        return false;
    pollfd p{fileno(pcap_file(m_pcap)), POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

bool CaptureReader::saveTo(const QString &path, QString *error)
{
    if (m_classic && !handOverToLibpcap(error))
        return false;
    if (!m_pcap) {
        *error = QStringLiteral("%1: only a libpcap stream can be saved").arg(m_name);
        return false;
    }
    m_dumper = pcap_dump_open(m_pcap, path.toLocal8Bit().constData());
    if (!m_dumper) {
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(path, QString::fromLocal8Bit(pcap_geterr(m_pcap)));
        return false;
    }
    m_saveName = path;
    m_savedBytes = 0; // created empty
    m_flushEachPacket = true;
    return flushSaved(error); // the file header
}

bool CaptureReader::saveTo(FILE *f, const QString &name, QString *error)
{
    if (m_classic && !handOverToLibpcap(error)) {
        std::fclose(f);
        return false;
    }
    if (!m_pcap) {
        std::fclose(f);
        *error = QStringLiteral("%1: only a libpcap stream can be saved").arg(m_name);
        return false;
    }
    m_dumper = pcap_dump_fopen(m_pcap, f);
    if (!m_dumper) {
        std::fclose(f);
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(name, QString::fromLocal8Bit(pcap_geterr(m_pcap)));
        return false;
    }
    m_saveName = name;
    m_savedBytes = 0; // a new file, or one opened with O_TRUNC
    m_flushEachPacket = false;
    return flushSaved(error); // the file header
}

bool CaptureReader::flushSaved(QString *error)
{
    if (!m_dumper) {
        *error = m_saveError;
        return m_saveError.isEmpty();
    }
    FILE *file = pcap_dump_file(m_dumper);
    if (pcap_dump_flush(m_dumper) == 0 && !std::ferror(file)) {
        m_savedPackets += m_unflushedPackets;
        m_unflushedPackets = 0;
        m_savedBytes = pcap_dump_ftell64(m_dumper);
        return true;
    }
    const int why = errno;
    // Part of the buffer may have reached the file: cut it back to the end of the last whole
    // record, and drop what is still buffered so that closing writes nothing after it.
    __fpurge(file);
    std::clearerr(file);
    // (A device such as /dev/full cannot be cut, and holds nothing to keep whole anyway.)
    [[maybe_unused]] const int cut = ::ftruncate(::fileno(file), off_t(m_savedBytes));
    m_saveError = QStringLiteral("cannot write %1: %2; it holds the first %3 packets, each "
                                 "whole, and packets from now on are not kept")
                      .arg(m_saveName, QString::fromLocal8Bit(std::strerror(why)))
                      .arg(m_savedPackets);
    pcap_dump_close(m_dumper);
    m_dumper = nullptr;
    *error = m_saveError;
    return false;
}

bool CaptureReader::finishOpen(QString *error)
{
    m_linkType = pcap_datalink(m_pcap);
    if (!isSupportedLinkType(m_linkType)) {
        const char *n = pcap_datalink_val_to_name(m_linkType);
        *error = QStringLiteral("%1: link type %2 (%3) is not one tcpscope decodes; it reads "
                                "Ethernet, Linux cooked v1/v2, NULL/LOOP, RAW, IPv4 and IPv6")
                     .arg(m_name)
                     .arg(m_linkType)
                     .arg(QString::fromLatin1(n ? n : "unknown"));
        pcap_close(m_pcap);
        m_pcap = nullptr;
        return false;
    }
    return true;
}

void CaptureReader::take(const std::uint8_t *data, std::size_t caplen, int linkType,
                         std::int64_t ns, TcpTracker *tracker, std::vector<Segment> *segments)
{
    if (ns % 1000 != 0)
        m_stats.precisionDigits = 9;
    if (m_stats.packets == 0)
        m_stats.firstTimeNs = ns;
    m_stats.lastTimeNs = ns;
    ++m_stats.packets;
    Segment seg;
    const SkipReason why = decodePacket(linkType, data, caplen, seg);
    if (why != SkipReason::None) {
        ++m_stats.skipped[std::size_t(why)];
        return;
    }
    ++m_stats.tcpPackets;
    seg.timeNs = ns;
    seg.packet = std::int64_t(m_stats.packets);
    if (tracker)
        tracker->process(seg);
    if (segments)
        segments->push_back(seg);
    if (m_observer)
        m_observer(seg);
}

// A packet whose time cannot be held (a hostile if_tsresol or if_tsoffset): counted and
// skipped as "timestamp_out_of_range", so that no time arithmetic downstream can overflow.
void CaptureReader::skipOutOfRangeTime()
{
    ++m_stats.packets;
    ++m_stats.skipped[std::size_t(SkipReason::TimestampOutOfRange)];
}

bool CaptureReader::readOwnPcapng(TcpTracker *tracker, std::vector<Segment> *segments,
                                  QString *error, std::uint64_t maxPackets)
{
    PcapngFile::Packet p;
    QString why;
    for (std::uint64_t n = 0; !maxPackets || n < maxPackets; ++n) {
        if (!m_ng->next(p, &why)) {
            m_atEnd = true;
            if (why.isEmpty())
                return true;
            *error = QStringLiteral("%1: cut off after packet %2 (%3); the %2 packets before it "
                                    "are kept")
                         .arg(m_name)
                         .arg(m_stats.packets)
                         .arg(why);
            return false;
        }
        if (p.timeInRange)
            take(p.data, p.caplen, p.linkType, p.timeNs, tracker, segments);
        else
            skipOutOfRangeTime();
    }
    return true;
}

// The fast path's records, up to where it stops; then libpcap reads on from that record.
bool CaptureReader::readClassic(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
                                std::uint64_t maxPackets, std::uint64_t &n)
{
    ClassicPcapFile::Record r;
    for (; !maxPackets || n < maxPackets; ++n) {
        if (!m_classic->next(r))
            return handOverToLibpcap(error);
        if (const auto ns = nsFromParts(r.seconds, r.nanoseconds))
            take(r.data, r.caplen, m_linkType, *ns, tracker, segments);
        else
            skipOutOfRangeTime();
    }
    return true;
}

bool CaptureReader::handOverToLibpcap(QString *error)
{
    const std::int64_t offset = m_classic->offset();
    m_classic.reset();
    if (fseeko(pcap_file(m_pcap), off_t(offset), SEEK_SET) == 0)
        return true;
    m_atEnd = true;
    *error = QStringLiteral("%1: cannot seek to packet %2 (%3)")
                 .arg(m_name)
                 .arg(m_stats.packets + 1)
                 .arg(QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

bool CaptureReader::read(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
                         std::uint64_t maxPackets)
{
    if (m_atEnd)
        return true;
    if (m_ng)
        return readOwnPcapng(tracker, segments, error, maxPackets);
    if (!m_pcap)
        return false;
    std::uint64_t n = 0;
    if (m_classic) {
        if (!readClassic(tracker, segments, error, maxPackets, n))
            return false;
        if (m_classic) // maxPackets read
            return true;
    }
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    for (; !maxPackets || n < maxPackets; ++n) {
        const int r = pcap_next_ex(m_pcap, &h, &data);
        if (r == PCAP_ERROR_BREAK) { // end of file
            m_atEnd = true;
            return true;
        }
        if (r != 1) {
            m_atEnd = true;
            *error = QStringLiteral("%1: cut off after packet %2 (%3); the %2 packets before "
                                    "it are kept")
                         .arg(m_name)
                         .arg(m_stats.packets)
                         .arg(QString::fromLocal8Bit(pcap_geterr(m_pcap)));
            return false;
        }
        if (m_dumper) {
            pcap_dump(reinterpret_cast<u_char *>(m_dumper), h, data);
            ++m_unflushedPackets;
            // Saving packet by packet (a -w file): a write that fails ends the read, so that
            // no packet is read that the file does not hold.
            if (m_flushEachPacket && !flushSaved(error)) {
                m_atEnd = true;
                return false;
            }
        }
        // tv_usec holds nanoseconds (opened with PCAP_TSTAMP_PRECISION_NANO); libpcap adds
        // a pcapng if_tsoffset to tv_sec, so it can be anything.
        if (const auto ns = nsFromParts(h->ts.tv_sec, h->ts.tv_usec))
            take(data, h->caplen, m_linkType, *ns, tracker, segments);
        else
            skipOutOfRangeTime();
    }
    return true;
}

int formatTime(char *out, std::int64_t ns, int digits)
{
    // Without printf: summarize prints a million of these.
    const bool negative = ns < 0;
    std::uint64_t v = negative ? 0 - std::uint64_t(ns) : std::uint64_t(ns); // INT64_MIN too
    std::uint64_t frac = v % 1'000'000'000;
    const std::uint64_t sec = v / 1'000'000'000;
    char *p = out;
    if (negative)
        *p++ = '-';
    p = std::to_chars(p, p + 24, sec).ptr;
    *p++ = '.';
    if (digits != 9)
        frac /= 1000;
    const int width = digits == 9 ? 9 : 6;
    for (int i = width - 1; i >= 0; --i) {
        p[i] = char('0' + frac % 10);
        frac /= 10;
    }
    p += width;
    *p = '\0';
    return int(p - out);
}

std::string formatTime(std::int64_t ns, int digits)
{
    char buf[40];
    return std::string(buf, std::size_t(formatTime(buf, ns, digits)));
}

} // namespace tcpscope
