#include "kernel/procnettcp.h"

#include <QFile>

#include <netinet/in.h>
#include <unistd.h>

namespace tcpscope {

namespace {

// A cursor over one line that reads hex and decimal fields; ok turns false on anything
// unexpected, and no read goes past end.
struct Fields
{
    const char *p;
    const char *end;
    bool ok = true;

    void skipSpaces()
    {
        while (p < end && *p == ' ')
            ++p;
    }
    bool expect(char c)
    {
        if (p < end && *p == c) {
            ++p;
            return true;
        }
        ok = false;
        return false;
    }
    static int hexDigit(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    }
    std::uint64_t hex(int maxDigits = 16)
    {
        std::uint64_t v = 0;
        int n = 0;
        while (p < end && n < maxDigits) {
            const int d = hexDigit(*p);
            if (d < 0)
                break;
            v = (v << 4) | static_cast<std::uint64_t>(d);
            ++p;
            ++n;
        }
        if (n == 0)
            ok = false;
        return v;
    }
    std::uint64_t dec()
    {
        std::uint64_t v = 0;
        int n = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            v = v * 10 + static_cast<std::uint64_t>(*p - '0');
            ++p;
            ++n;
        }
        if (n == 0)
            ok = false;
        return v;
    }
    // The kernel prints each 32-bit word of the address with %08X of its in-memory value,
    // so the word's native representation is the address's network-order bytes.
    IpAddress address(int family)
    {
        std::uint8_t bytes[16] = {};
        const int words = family == AF_INET6 ? 4 : 1;
        for (int w = 0; w < words; ++w) {
            const char *start = p;
            const auto word = static_cast<std::uint32_t>(hex(8));
            if (p - start != 8)
                ok = false;
            std::memcpy(bytes + 4 * w, &word, 4);
        }
        return family == AF_INET6 ? IpAddress::v6(bytes) : IpAddress::v4(bytes);
    }
};

} // namespace

ProcParseResult parseProcNetTcp(const QByteArray &text, int family, std::vector<SocketRecord> &out,
                                long clockTicksPerSecond, std::uint32_t stateMask)
{
    ProcParseResult result;
    const char *p = text.constData();
    const char *const end = p + text.size();
    bool header = true;
    while (p < end) {
        const char *eol = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        if (!eol)
            eol = end;
        if (header) { // the first line names the columns
            header = false;
            p = eol + 1;
            continue;
        }
        Fields f{p, eol};
        p = eol + 1;
        f.skipSpaces();
        if (f.p == f.end)
            continue; // a blank line
        f.dec();
        f.expect(':');
        f.skipSpaces();
        SocketRecord r;
        r.localAddress = f.address(family);
        f.expect(':');
        r.localPort = static_cast<std::uint16_t>(f.hex(4));
        f.skipSpaces();
        r.remoteAddress = f.address(family);
        f.expect(':');
        r.remotePort = static_cast<std::uint16_t>(f.hex(4));
        f.skipSpaces();
        const auto st = fromLinuxState(static_cast<int>(f.hex(2)));
        f.skipSpaces();
        r.sendQ = static_cast<std::uint32_t>(f.hex(8));
        f.expect(':');
        r.recvQ = static_cast<std::uint32_t>(f.hex(8));
        f.skipSpaces();
        const auto tr = f.hex(2);
        f.expect(':');
        const auto when = f.hex(8);
        f.skipSpaces();
        r.retrans = static_cast<std::uint8_t>(std::min<std::uint64_t>(f.hex(8), 255));
        f.skipSpaces();
        r.uid = static_cast<std::uint32_t>(f.dec());
        f.skipSpaces();
        f.dec(); // timeout (unacknowledged probes)
        f.skipSpaces();
        r.inode = f.dec();
        if (!f.ok || !st || tr > 4) {
            ++result.malformed;
            continue;
        }
        r.state = *st;
        ++result.parsed;
        if (!(stateMask & (1u << toLinuxState(r.state))))
            continue;
        r.timer = static_cast<TimerKind>(tr);
        if (r.timer != TimerKind::None && clockTicksPerSecond > 0)
            r.timerExpiresMs =
                static_cast<std::uint32_t>(when * 1000 / std::uint64_t(clockTicksPerSecond));
        out.push_back(r);
    }
    return result;
}

bool readProcNetTcp(const QString &procRoot, std::uint32_t stateMask,
                    std::vector<SocketRecord> &out, QString *error)
{
    out.clear();
    const long hz = sysconf(_SC_CLK_TCK);
    bool any = false;
    QString firstError;
    for (const auto &[name, family] : {std::pair{"/net/tcp", AF_INET}, {"/net/tcp6", AF_INET6}}) {
        QFile f(procRoot + QLatin1String(name));
        if (!f.open(QIODevice::ReadOnly)) {
            if (firstError.isEmpty() && family == AF_INET)
                firstError =
                    QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString());
            continue;
        }
        // /proc files report size 0: read until EOF.
        const QByteArray text = f.readAll();
        any = true;
        parseProcNetTcp(text, family, out, hz > 0 ? hz : 100, stateMask);
    }
    if (!any && error)
        *error = firstError.isEmpty() ? QStringLiteral("cannot read /proc/net/tcp") : firstError;
    return any;
}

} // namespace tcpscope
