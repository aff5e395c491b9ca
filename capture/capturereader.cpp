#include "capturereader.h"

#include <pcap/pcap.h>

namespace tcpscope {

CaptureReader::CaptureReader() = default;

CaptureReader::~CaptureReader()
{
    if (m_pcap)
        pcap_close(m_pcap);
}

bool CaptureReader::open(const QString &path, QString *error)
{
    m_name = path == u"-" ? QStringLiteral("standard input") : path;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
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
    return finishOpen(error);
}

bool CaptureReader::open(FILE *f, const QString &name, QString *error)
{
    m_name = name;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    m_pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!m_pcap) {
        std::fclose(f);
        *error = QStringLiteral("%1: %2").arg(name, QString::fromLocal8Bit(errbuf));
        return false;
    }
    return finishOpen(error);
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

bool CaptureReader::read(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
                         std::uint64_t maxPackets)
{
    if (!m_pcap || m_atEnd)
        return !m_atEnd ? false : true;
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    Segment seg;
    std::uint64_t n = 0;
    for (;;) {
        if (maxPackets && n >= maxPackets)
            return true;
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
        ++n;
        const std::int64_t ns = std::int64_t(h->ts.tv_sec) * 1'000'000'000 + h->ts.tv_usec;
        if (ns % 1000 != 0)
            m_stats.precisionDigits = 9;
        if (m_stats.packets == 0)
            m_stats.firstTimeNs = ns;
        m_stats.lastTimeNs = ns;
        ++m_stats.packets;
        const SkipReason why = decodePacket(m_linkType, data, h->caplen, seg);
        if (why != SkipReason::None) {
            ++m_stats.skipped[std::size_t(why)];
            continue;
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
}

std::string formatTime(std::int64_t ns, int digits)
{
    char buf[40];
    const std::int64_t sec = ns / 1'000'000'000;
    const std::int64_t frac = ns % 1'000'000'000;
    if (digits == 9)
        std::snprintf(buf, sizeof buf, "%lld.%09lld", (long long)sec, (long long)frac);
    else
        std::snprintf(buf, sizeof buf, "%lld.%06lld", (long long)sec, (long long)(frac / 1000));
    return buf;
}

} // namespace tcpscope
