// A pcapng reader for what libpcap 1.10 refuses: files whose interfaces differ in link type or
// snapshot length (a capture on several interfaces at once). Section header, interface
// description, enhanced and simple packet blocks; other blocks are skipped. Every length is
// checked against the file.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
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
    // within a section or across sections (`cat a.pcapng b.pcapng`).
    static bool needsOwnReader(const QByteArray &contents);

    explicit PcapngFile(QByteArray contents)
        : m_data(std::move(contents))
    {}

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
    std::uint32_t u32(std::size_t off) const;
    std::uint16_t u16(std::size_t off) const;
    Block nextBlock(Packet &p, QString *error);
    bool startSection(QString *error);
    void addInterface(std::size_t body, std::size_t bodyEnd);
    void readInterfaceOption(Interface &itf, std::uint16_t code, std::size_t value,
                             std::uint16_t length) const;
    Block readEnhancedPacket(Packet &p, std::size_t body, std::size_t bodyEnd, QString *error);
    Block readSimplePacket(Packet &p, std::size_t body, std::size_t bodyEnd);

    QByteArray m_data;
    std::size_t m_pos = 0;
    bool m_swap = false;
    std::vector<Interface> m_interfaces;    // of the current section: ids are per section
    std::vector<Interface> m_allInterfaces; // of every section so far
};

} // namespace tcpscope
