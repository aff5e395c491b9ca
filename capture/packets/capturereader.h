// Reads packets from a pcap or pcapng capture through libpcap — a file, standard input or any
// stream (the capture helper's pipe) — decodes them and feeds the TCP segments to a tracker.
#pragma once

#include "packets/packetdecoder.h"
#include "packets/tcptracker.h"

#include <QString>

#include <array>
#include <cstdio>
#include <functional>
#include <memory>

struct pcap;
struct pcap_dumper;

namespace tcpscope {
class ClassicPcapFile;
class PcapngFile;
} // namespace tcpscope

namespace tcpscope {

struct ReadStats
{
    std::uint64_t packets = 0;
    std::uint64_t tcpPackets = 0;
    std::array<std::uint64_t, kSkipReasonCount> skipped{};
    std::int64_t firstTimeNs = 0;
    std::int64_t lastTimeNs = 0;
    int precisionDigits = 6; // 9 once a timestamp shows nanoseconds
};

class CaptureReader
{
public:
    CaptureReader();
    ~CaptureReader();
    CaptureReader(const CaptureReader &) = delete;
    CaptureReader &operator=(const CaptureReader &) = delete;

    // path "-" reads standard input. False with a one-line error naming the file otherwise.
    // A path that is not a regular file (a FIFO, /dev/zero) is refused with the reason unless
    // setAllowSpecialFiles(true) came first (packets/inputfile.h).
    bool open(const QString &path, QString *error);
    // Reads from an open stream (a pipe); name is used in messages. Takes ownership of f,
    // and reads it unbuffered so that waitForData() sees every byte not yet read.
    bool open(FILE *f, const QString &name, QString *error);
    // Waits up to timeoutMs for more of a stream to read; false on a timeout.
    bool waitForData(int timeoutMs) const;
    void setAllowSpecialFiles(bool allow) { m_allowSpecialFiles = allow; }

    // Reserves room in tracker for what a capture file of this size may hold (nothing for a
    // stream): untouched room costs no memory, a record that grows by copying does.
    void reserveFor(TcpTracker &tracker) const;

    int linkType() const { return m_linkType; }
    QString name() const { return m_name; }

    // Reads up to maxPackets (all when 0), feeding tracker. Returns false at a read error
    // (a truncated record: *error says where; what was read before is kept in the tracker
    // and the stats). atEnd() tells a clean end of file.
    bool read(TcpTracker &tracker, QString *error, std::uint64_t maxPackets = 0)
    {
        return read(&tracker, nullptr, error, maxPackets);
    }
    // The same, keeping the decoded segments instead (or as well).
    bool read(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
              std::uint64_t maxPackets = 0);
    bool atEnd() const { return m_atEnd; }
    const ReadStats &stats() const { return m_stats; }

    // Also writes every packet read from now on to a pcap file (libpcap streams only),
    // flushed after each packet. A write that fails (a full disk) ends read() with false and
    // the reason: the file then ends at the last whole packet, and nothing more is read.
    bool saveTo(const QString &path, QString *error);
    // The same into an open file (taken over, closed by the reader), flushed only by
    // flushSaved(): a live capture flushes at each publish, not at each packet.
    bool saveTo(FILE *f, const QString &name, QString *error);
    // Writes out what is buffered. False when the file could not be written (a full disk):
    // *error says so, the file is cut back to its last whole packet, and the reader stops
    // saving (reading goes on).
    bool flushSaved(QString *error);
    // How many packets the saved file holds, whole (as of the last flush).
    std::uint64_t savedPackets() const { return m_savedPackets; }
    // Why saving stopped (empty while it goes on).
    QString saveError() const { return m_saveError; }
    // Called for each TCP segment after the tracker took it (the live printer).
    void setSegmentObserver(std::function<void(const Segment &)> f) { m_observer = std::move(f); }

private:
    bool finishOpen(QString *error);
    bool openOwnPcapng(const QString &path);

    bool readClassic(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
                     std::uint64_t maxPackets, std::uint64_t &n);
    bool handOverToLibpcap(QString *error);
    bool readOwnPcapng(TcpTracker *tracker, std::vector<Segment> *segments, QString *error,
                       std::uint64_t maxPackets);
    void take(const std::uint8_t *data, std::size_t caplen, int linkType, std::int64_t ns,
              TcpTracker *tracker, std::vector<Segment> *segments);
    void skipOutOfRangeTime();

    pcap *m_pcap = nullptr;
    ::pcap_dumper *m_dumper = nullptr;
    QString m_saveName;
    QString m_saveError;
    bool m_flushEachPacket = true;
    std::uint64_t m_savedPackets = 0;     // in the file, whole, at the last flush
    std::uint64_t m_unflushedPackets = 0; // dumped since
    std::int64_t m_savedBytes = 0;        // the file's length at the last flush
    std::unique_ptr<PcapngFile> m_ng;     // for pcapng files libpcap cannot read
    // Reads a classic pcap file's records before libpcap does (packets/classicpcapfile.h).
    std::unique_ptr<ClassicPcapFile> m_classic;
    QString m_name;
    int m_linkType = -1;
    bool m_atEnd = false;
    bool m_allowSpecialFiles = false;
    std::int64_t m_fileBytes = 0; // of a regular file opened by path
    ReadStats m_stats;
    std::function<void(const Segment &)> m_observer;
};

// "1732440000.123456" with 6 or 9 digits; the char* form writes at most 32 bytes and returns
// the length.
std::string formatTime(std::int64_t ns, int digits);
int formatTime(char *out, std::int64_t ns, int digits);

} // namespace tcpscope
