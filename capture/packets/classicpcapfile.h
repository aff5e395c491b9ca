// The records of a classic pcap file, read in large blocks with read(2): a fast path beside
// libpcap, whose two freads per packet took a third of `summarize`'s time on a million small
// packets. It takes only what libpcap would hand over unchanged — a file in the host's byte
// order, version 2.4, and records that lie whole in the file within its snapshot length — and
// stops at anything else (the end of the file, a record cut short or too long, a read error).
// offset() then says where that record starts, for libpcap to read on from there with its own
// checks and messages (CaptureReader).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace tcpscope {

class ClassicPcapFile
{
public:
    struct Record
    {
        const std::uint8_t *data = nullptr; // valid until the next call of next()
        std::uint32_t caplen = 0;
        std::int64_t seconds = 0;
        std::int64_t nanoseconds = 0; // as libpcap gives it with PCAP_TSTAMP_PRECISION_NANO
    };

    // The file open as fd (read with pread: its offset stays), or nullptr when it is not one
    // this reads (pcapng, swapped, an older version, unreadable). snapshot: libpcap's
    // pcap_snapshot() for the same file. Reads a dup of fd, its own to close.
    static std::unique_ptr<ClassicPcapFile> open(int fd, int snapshot);
    ~ClassicPcapFile();
    ClassicPcapFile(const ClassicPcapFile &) = delete;
    ClassicPcapFile &operator=(const ClassicPcapFile &) = delete;

    // The next record; false where this reader stops (see above).
    bool next(Record &r);
    // The file offset of the record next() would read.
    std::int64_t offset() const { return m_fileOffset - std::int64_t(m_end - m_pos); }

private:
    ClassicPcapFile(int fd, bool nano, std::uint32_t snapshot);
    bool fill(std::size_t need);

    int m_fd;
    bool m_nano;
    std::uint32_t m_snapshot;
    std::vector<std::uint8_t> m_buffer;
    std::size_t m_pos = 0;          // the next record's header, in m_buffer
    std::size_t m_end = 0;          // the end of what m_buffer holds
    std::int64_t m_fileOffset = 24; // of m_buffer[m_end]: after the file header
};

} // namespace tcpscope
