#include "packets/pcapngfile.h"

#include "nanoseconds.h"

#include <QBuffer>

#include <cstring>

namespace tcpscope {

namespace {
constexpr std::uint32_t kShb = 0x0A0D0D0A, kIdb = 1, kSpb = 3, kEpb = 6, kByteOrder = 0x1A2B3C4D;
constexpr std::uint16_t kEndOfOptions = 0, kTsResol = 9, kTsOffset = 14;
} // namespace

std::uint32_t PcapngFile::u32(std::size_t off) const
{
    std::uint32_t v;
    std::memcpy(&v, m_data.constData() + off, 4);
    return m_swap ? __builtin_bswap32(v) : v;
}

std::uint16_t PcapngFile::u16(std::size_t off) const
{
    std::uint16_t v;
    std::memcpy(&v, m_data.constData() + off, 2);
    return m_swap ? __builtin_bswap16(v) : v;
}

bool PcapngFile::looksLikePcapng(const QByteArray &head)
{
    return head.size() >= 4 && std::uint8_t(head[0]) == 0x0A && std::uint8_t(head[1]) == 0x0D
           && std::uint8_t(head[2]) == 0x0D && std::uint8_t(head[3]) == 0x0A;
}

PcapngFile::PcapngFile(QByteArray contents)
{
    auto buffer = std::make_unique<QBuffer>();
    buffer->setData(std::move(contents));
    buffer->open(QIODevice::ReadOnly);
    m_owned = std::move(buffer);
    m_device = m_owned.get();
    m_size = m_device->size();
}

PcapngFile::PcapngFile(std::unique_ptr<QIODevice> device)
    : PcapngFile(device.get(), false)
{
    m_owned = std::move(device);
}

PcapngFile::PcapngFile(QIODevice *device, bool headersOnly)
    : m_device(device)
    , m_headersOnly(headersOnly)
{
    if (!m_device->isSequential()) {
        m_size = m_device->size();
        m_next = std::uint64_t(m_device->pos());
    }
}

PcapngFile::~PcapngFile() = default;

bool PcapngFile::needsOwnReader(const QByteArray &contents)
{
    if (!looksLikePcapng(contents))
        return false;
    QBuffer buffer;
    buffer.setData(contents);
    buffer.open(QIODevice::ReadOnly);
    return needsOwnReader(buffer);
}

bool PcapngFile::needsOwnReader(QIODevice &device)
{
    PcapngFile f(&device, true);
    Packet p;
    QString error;
    while (f.next(p, &error)) {
    }
    // libpcap compares every interface of every section with the file's first one.
    const std::vector<Interface> &all = f.m_allInterfaces;
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i].linkType != all[0].linkType || all[i].snaplen != all[0].snaplen)
            return true;
    }
    return false;
}

bool PcapngFile::next(Packet &p, QString *error)
{
    for (;;) {
        switch (nextBlock(p, error)) {
        case Block::Packet:
            return true;
        case Block::Other:
            continue;
        case Block::End:
        case Block::Error:
            return false;
        }
    }
}

namespace {

// Reads n bytes unless the device ends first; how many were read.
qint64 readUpTo(QIODevice &device, char *to, qint64 n)
{
    qint64 got = 0;
    while (got < n) {
        const qint64 r = device.read(to + got, n - got);
        if (r <= 0)
            break;
        got += r;
    }
    return got;
}

} // namespace

// Skips a block's body unread: small ones through the device's buffer, large ones by seeking.
bool PcapngFile::skipBytes(std::uint64_t n)
{
    if (n > 65536)
        return m_device->skip(qint64(n)) == qint64(n);
    char scratch[65536];
    return readUpTo(*m_device, scratch, qint64(n)) == qint64(n);
}

PcapngFile::Block PcapngFile::claimsTooMuch(std::uint32_t len, QString *error)
{
    const std::uint64_t left =
        m_size >= 0 && std::uint64_t(m_size) > m_pos ? std::uint64_t(m_size) - m_pos : 0;
    *error = QStringLiteral("block at byte %1 claims %2 bytes; %3 are left")
                 .arg(m_pos)
                 .arg(len)
                 .arg(left);
    return Block::Error;
}

// Reads the next block (only the header of one not needed) and moves past it.
PcapngFile::Block PcapngFile::nextBlock(Packet &p, QString *error)
{
    m_pos = m_next;
    char head[12];
    const qint64 got = readUpTo(*m_device, head, 12);
    if (got == 0)
        return Block::End;
    if (got < 12) {
        *error = QStringLiteral("cut off inside a block at byte %1").arg(m_pos);
        m_next = m_pos + std::uint64_t(got);
        return Block::Error;
    }
    std::uint32_t type;
    std::memcpy(&type, head, 4);
    if (type == kShb && !startSection(head, error))
        return Block::Error;
    type = m_swap ? __builtin_bswap32(type) : type;
    std::uint32_t len;
    std::memcpy(&len, head + 4, 4);
    len = m_swap ? __builtin_bswap32(len) : len;
    if (len < 12 || len % 4 != 0 || (m_size >= 0 && m_pos + len > std::uint64_t(m_size)))
        return claimsTooMuch(len, error);
    m_next = m_pos + len;
    const bool wanted = type == kIdb || (!m_headersOnly && (type == kEpb || type == kSpb));
    if (!wanted)
        return skipBytes(len - 12) ? Block::Other : claimsTooMuch(len, error);
    const Block read = readBlockBody(len, head, error);
    if (read != Block::Other)
        return read;
    const std::size_t body = 8;
    const std::size_t bodyEnd = len - 4;
    if (type == kIdb && bodyEnd - body >= 8)
        addInterface(body, bodyEnd);
    else if (type == kEpb && bodyEnd - body >= 20)
        return readEnhancedPacket(p, body, bodyEnd, error);
    else if (type == kSpb && bodyEnd - body >= 4 && !m_interfaces.empty())
        return readSimplePacket(p, body, bodyEnd);
    return Block::Other;
}

// The whole block into m_data (its first 12 bytes already read, in head).
PcapngFile::Block PcapngFile::readBlockBody(std::uint32_t len, const char *head, QString *error)
{
    if (len > kMaxBlockBytes) {
        *error = QStringLiteral("block at byte %1 claims %2 bytes, more than the %3 MiB "
                                "tcpscope reads as one block")
                     .arg(m_pos)
                     .arg(len)
                     .arg(kMaxBlockBytes >> 20);
        return Block::Error;
    }
    m_data.resize(qsizetype(len));
    std::memcpy(m_data.data(), head, 12);
    if (readUpTo(*m_device, m_data.data() + 12, qint64(len) - 12) != qint64(len) - 12)
        return claimsTooMuch(len, error);
    return Block::Other;
}

// A section header: its byte order holds for the section, its interface ids start again
// from 0.
bool PcapngFile::startSection(const char *head, QString *error)
{
    std::uint32_t magic;
    std::memcpy(&magic, head + 8, 4);
    if (magic != kByteOrder && magic != __builtin_bswap32(kByteOrder)) {
        *error = QStringLiteral("not a pcapng section header at byte %1").arg(m_pos);
        return false;
    }
    m_swap = magic != kByteOrder;
    m_interfaces.clear();
    return true;
}

void PcapngFile::addInterface(std::size_t body, std::size_t bodyEnd)
{
    Interface itf;
    itf.linkType = u16(body);
    itf.snaplen = u32(body + 4);
    for (std::size_t o = body + 8; o + 4 <= bodyEnd;) {
        const std::uint16_t code = u16(o), olen = u16(o + 2);
        if (code == kEndOfOptions || o + 4 + olen > bodyEnd)
            break;
        readInterfaceOption(itf, code, o + 4, olen);
        o += 4 + ((olen + 3u) & ~3u);
    }
    m_interfaces.push_back(itf);
    m_allInterfaces.push_back(itf);
}

void PcapngFile::readInterfaceOption(Interface &itf, std::uint16_t code, std::size_t value,
                                     std::uint16_t length) const
{
    if (code == kTsResol && length >= 1) { // 10^-n or 2^-n seconds; capped at 10^12 units
        const std::uint8_t r = std::uint8_t(m_data[qsizetype(value)]);
        const int exp = r & 0x7f;
        std::int64_t units = 1;
        for (int k = 0; k < exp && units < 1'000'000'000'000LL; ++k)
            units *= (r & 0x80) ? 2 : 10;
        itf.unitsPerSecond = units;
    } else if (code == kTsOffset && length >= 8) { // seconds added to every timestamp
        const std::uint64_t raw = (m_swap ? (std::uint64_t(u32(value)) << 32) | u32(value + 4)
                                          : (std::uint64_t(u32(value + 4)) << 32) | u32(value));
        itf.offsetSeconds = std::int64_t(raw);
    }
}

PcapngFile::Block PcapngFile::readEnhancedPacket(Packet &p, std::size_t body, std::size_t bodyEnd,
                                                 QString *error)
{
    const std::uint32_t ifId = u32(body);
    if (ifId >= m_interfaces.size()) {
        *error = QStringLiteral("packet at byte %1 names interface %2, which was never described")
                     .arg(m_pos)
                     .arg(ifId);
        return Block::Error;
    }
    const Interface &itf = m_interfaces[ifId];
    const std::uint64_t ts = (std::uint64_t(u32(body + 4)) << 32) | u32(body + 8);
    const std::uint32_t caplen = u32(body + 12);
    if (body + 20 + caplen > bodyEnd) {
        *error = QStringLiteral("packet at byte %1 claims %2 captured bytes past its block")
                     .arg(m_pos)
                     .arg(caplen);
        return Block::Error;
    }
    const std::optional<std::int64_t> sinceOffset =
        nsFromTicks(ts, std::uint64_t(itf.unitsPerSecond));
    const std::optional<std::int64_t> offset = nsFromParts(itf.offsetSeconds, 0);
    std::int64_t ns = 0;
    p.timeInRange = sinceOffset && offset && !__builtin_add_overflow(*sinceOffset, *offset, &ns);
    p.linkType = itf.linkType;
    p.timeNs = p.timeInRange ? ns : 0;
    p.data = reinterpret_cast<const std::uint8_t *>(m_data.constData()) + body + 20;
    p.caplen = caplen;
    return Block::Packet;
}

PcapngFile::Block PcapngFile::readSimplePacket(Packet &p, std::size_t body, std::size_t bodyEnd)
{
    const std::uint32_t orig = u32(body);
    p.linkType = m_interfaces[0].linkType;
    p.timeNs = 0; // simple packets carry no time
    p.timeInRange = true;
    p.data = reinterpret_cast<const std::uint8_t *>(m_data.constData()) + body + 4;
    p.caplen = std::min<std::size_t>(orig, bodyEnd - body - 4);
    return Block::Packet;
}

} // namespace tcpscope
