#include "packets/classicpcapfile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace tcpscope {

namespace {

constexpr std::uint32_t kMicroMagic = 0xa1b2c3d4, kNanoMagic = 0xa1b23c4d;
constexpr std::size_t kFileHeader = 24, kRecordHeader = 16;
constexpr std::size_t kBlock = 256 * 1024; // what one read(2) asks for, at least

std::uint32_t u32(const std::uint8_t *p)
{
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

std::uint16_t u16(const std::uint8_t *p)
{
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

} // namespace

std::unique_ptr<ClassicPcapFile> ClassicPcapFile::open(int fd, int snapshot)
{
    std::uint8_t h[kFileHeader];
    if (snapshot <= 0 || snapshot > (64 << 20) || ::pread(fd, h, sizeof h, 0) != ssize_t(sizeof h))
        return nullptr;
    const std::uint32_t magic = u32(h);
    // libpcap swaps the lengths of versions before 2.4 (some of them only maybe): not here.
    if ((magic != kMicroMagic && magic != kNanoMagic) || u16(h + 4) != 2 || u16(h + 6) != 4)
        return nullptr;
    const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own < 0)
        return nullptr;
    return std::unique_ptr<ClassicPcapFile>(
        new ClassicPcapFile(own, magic == kNanoMagic, std::uint32_t(snapshot)));
}

ClassicPcapFile::ClassicPcapFile(int fd, bool nano, std::uint32_t snapshot)
    : m_fd(fd)
    , m_nano(nano)
    , m_snapshot(snapshot)
    , m_buffer(kBlock + kRecordHeader + snapshot)
{}

ClassicPcapFile::~ClassicPcapFile() { ::close(m_fd); }

// Makes m_buffer hold at least `need` bytes from m_pos; false when the file has no more (its
// end, or a read error that libpcap will meet and report).
bool ClassicPcapFile::fill(std::size_t need)
{
    if (m_end - m_pos >= need)
        return true;
    std::memmove(m_buffer.data(), m_buffer.data() + m_pos, m_end - m_pos);
    m_end -= m_pos;
    m_pos = 0;
    while (m_end < need) {
        const ssize_t n =
            ::pread(m_fd, m_buffer.data() + m_end, m_buffer.size() - m_end, off_t(m_fileOffset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        m_end += std::size_t(n);
        m_fileOffset += n;
    }
    return true;
}

bool ClassicPcapFile::next(Record &r)
{
    if (!fill(kRecordHeader))
        return false;
    const std::uint8_t *h = m_buffer.data() + m_pos;
    const std::uint32_t caplen = u32(h + 8);
    // Longer than the snapshot length: libpcap either refuses it or cuts it, and says which.
    if (caplen > m_snapshot || !fill(kRecordHeader + caplen))
        return false;
    h = m_buffer.data() + m_pos;
    // libpcap's fields are 32-bit signed in the file, widened; microseconds scaled up.
    r.seconds = std::int32_t(u32(h));
    r.nanoseconds = std::int32_t(u32(h + 4));
    if (!m_nano)
        r.nanoseconds *= 1000;
    r.caplen = caplen;
    r.data = h + kRecordHeader;
    m_pos += kRecordHeader + caplen;
    return true;
}

} // namespace tcpscope
