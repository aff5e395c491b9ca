// A whole capture file (pcap or pcapng) through what `tcpscope-cli summarize` and the GUI run:
// CaptureReader (libpcap, or the project's pcapng reader when libpcap cannot read it), the
// TcpTracker, and both summary writers. Every pcapng also goes through PcapngFile directly,
// whichever reader CaptureReader chose, so that both readers see every pcapng input.
#include "formats/summaryformat.h"
#include "fuzzinput.h"
#include "packets/capturereader.h"
#include "packets/pcapngfile.h"

#include <cstdlib>

using namespace tcpscope;

namespace {

void summarize(const TcpTracker &tracker, const ReadStats &stats)
{
    std::string out;
    writeSummaryJson(out, tracker, stats);
    writeSummaryText(out, tracker, stats);
}

void readWithCaptureReader(const std::uint8_t *data, std::size_t size)
{
    const fuzz::MemFile file(data, size);
    CaptureReader reader;
    QString error;
    if (!reader.open(file.path(), &error))
        return;
    TcpTracker tracker;
    reader.read(tracker, &error);
    tracker.finish(reader.stats().lastTimeNs);
    summarize(tracker, reader.stats());
}

void readWithOwnPcapngReader(const std::uint8_t *data, std::size_t size)
{
    QByteArray contents(reinterpret_cast<const char *>(data), qsizetype(size));
    if (!PcapngFile::looksLikePcapng(contents.left(4)))
        return;
    PcapngFile::needsOwnReader(contents);
    PcapngFile ng(std::move(contents));
    TcpTracker tracker;
    ReadStats stats;
    PcapngFile::Packet p;
    QString error;
    while (ng.next(p, &error)) {
        ++stats.packets;
        Segment seg;
        if (!p.timeInRange || decodePacket(p.linkType, p.data, p.caplen, seg) != SkipReason::None)
            continue;
        ++stats.tcpPackets;
        seg.timeNs = stats.lastTimeNs = p.timeNs;
        seg.packet = std::int64_t(stats.packets);
        tracker.process(seg);
    }
    tracker.finish(stats.lastTimeNs);
    summarize(tracker, stats);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    readWithCaptureReader(data, size);
    readWithOwnPcapngReader(data, size);
    return 0;
}
