// What the fuzz targets share: an input as a file (a memfd: no disk, a path that QFile and
// libpcap open like any other) and an input cut into lines as a pipe reader would.
#pragma once

#include <QString>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <sys/mman.h>
#include <unistd.h>

namespace tcpscope::fuzz {

class MemFile
{
public:
    MemFile(const std::uint8_t *data, std::size_t size)
        : m_fd(::memfd_create("fuzz-input", MFD_CLOEXEC))
    {
        std::size_t done = 0;
        while (m_fd >= 0 && done < size) {
            const ssize_t n = ::write(m_fd, data + done, size - done);
            if (n <= 0)
                break;
            done += std::size_t(n);
        }
    }
    ~MemFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    MemFile(const MemFile &) = delete;
    MemFile &operator=(const MemFile &) = delete;

    QString path() const { return QStringLiteral("/proc/self/fd/%1").arg(m_fd); }

private:
    int m_fd;
};

// Calls f(line) for each line (without its newline), the last one even without a newline.
template<typename F>
void forEachLine(const std::uint8_t *data, std::size_t size, F f)
{
    std::string_view rest(reinterpret_cast<const char *>(data), size);
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        f(rest.substr(0, nl));
        if (nl == std::string_view::npos)
            break;
        rest.remove_prefix(nl + 1);
    }
}

} // namespace tcpscope::fuzz
