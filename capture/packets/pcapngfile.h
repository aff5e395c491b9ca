// A pcapng reader for what libpcap 1.10 refuses: files whose interfaces differ in link type or
// snapshot length (a capture on several interfaces at once). Section header, interface
// description, enhanced and simple packet blocks; other blocks are skipped. Every length is
// checked against the file. It streams: one block is in memory at a time (at most
// kMaxBlockBytes), and blocks it does not read are skipped unread.
#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace tcpscope {

class PcapngFile
{
public:
    struct Packet
    {
        int linkType = 0;
        std::int64_t timeNs = 0;
        const std::uint8_t *data = nullptr;
        std::size_t caplen = 0;
        bool timeInRange = true; // false: its timestamp does not fit in 64-bit nanoseconds
    };

    // True when the bytes start like a pcapng section header.
    static bool looksLikePcapng(const QByteArray &head);
    // True when libpcap cannot read it: its interfaces differ in link type or snap length,
    // within a section or across sections (`cat a.pcapng b.pcapng`). The device form reads
    // only block headers and interface descriptions, from its current position.
    static bool needsOwnReader(const QByteArray &contents);
    static bool needsOwnReader(QIODevice &device);

    // A packet block larger than this is refused as damaged (libpcap's own limit is 16 MiB).
    static constexpr std::uint32_t kMaxBlockBytes = 64u << 20;

    explicit PcapngFile(QByteArray contents);
    // Reads an open device (a file) from its current position.
    explicit PcapngFile(std::unique_ptr<QIODevice> device);
    ~PcapngFile();

    // The next packet; false at the end (error empty) or on a malformed block (error set).
    bool next(Packet &p, QString *error);

private:
    struct Interface
    {
        int linkType = 0;
        std::uint32_t snaplen = 0;
        std::int64_t unitsPerSecond = 1'000'000; // if_tsresol, default microseconds
        std::int64_t offsetSeconds = 0;          // if_tsoffset
    };
    enum class Block { Packet, Other, End, Error };
    explicit PcapngFile(QIODevice *device, bool headersOnly); // not owned (needsOwnReader)
    std::uint32_t u32(std::size_t off) const;
    std::uint16_t u16(std::size_t off) const;
    Block nextBlock(Packet &p, QString *error);
    Block readBlockBody(std::uint32_t len, const char *head, QString *error);
    Block claimsTooMuch(std::uint32_t len, QString *error);
    bool startSection(const char *head, QString *error);
    bool skipBytes(std::uint64_t n);
    void addInterface(std::size_t body, std::size_t bodyEnd);
    void readInterfaceOption(Interface &itf, std::uint16_t code, std::size_t value,
                             std::uint16_t length) const;
    Block readEnhancedPacket(Packet &p, std::size_t body, std::size_t bodyEnd, QString *error);
    Block readSimplePacket(Packet &p, std::size_t body, std::size_t bodyEnd);

    std::unique_ptr<QIODevice> m_owned;
    QIODevice *m_device = nullptr;
    bool m_headersOnly = false; // skip packet blocks unread (needsOwnReader)
    QByteArray m_data;          // the current block, whole; offsets below are within it
    std::uint64_t m_pos = 0;    // the current block's offset in the file
    std::uint64_t m_next = 0;   // the next block's
    std::int64_t m_size = -1;   // the device's size (-1: a stream)
    bool m_swap = false;
    std::vector<Interface> m_interfaces;    // of the current section: ids are per section
    std::vector<Interface> m_allInterfaces; // of every section so far
};

} // namespace tcpscope
