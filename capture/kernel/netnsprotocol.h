// What the namespace helper (tcpscope-netns, app/netns_helper.cpp) and its reader
// (NetnsSockDiag, kernel/netnssockdiag.h) say to each other. Plain C++, no Qt: the helper links
// nothing but libc.
//
// The reader writes Requests to the helper's standard input; the helper, inside the namespace,
// answers each with one frame on its standard output (a FrameHeader then `size` bytes):
//   Hello  once, first, after entering the namespace and dropping every capability
//   Dump   the sock_diag dump made in the namespace, in the kernel reader's own recording
//          format (SockDiagSocket::dump(raw): per datagram a little-endian u32 length and the
//          bytes), which parseRecordedReplies() replays
//   Facts  the namespace's own sysctls and counters: for each of kFactFiles, a little-endian
//          u32 length (kMissing: unreadable) and the file's bytes
// The helper exits when its standard input closes. Messages for the user go to standard
// error, one line each. Native byte order: both ends run on the same machine.
#pragma once

#include <cstdint>
#include <cstring>

namespace tcpscope::netnsprotocol {

inline constexpr std::uint32_t kVersion = 1;
inline constexpr char kMagic[8] = {'t', 'c', 'p', 'n', 'e', 't', 'n', 's'};

enum class RequestKind : std::uint32_t { Dump = 1, Facts = 2 };
inline constexpr std::uint32_t kWithTcpInfo = 1; // Request::flags

struct Request
{
    RequestKind kind;
    std::uint32_t stateMask; // idiag_states (Dump)
    std::uint32_t flags;
    std::uint32_t reserved;
};

enum class FrameType : std::uint32_t { Hello = 1, Dump = 2, Facts = 3, Error = 4 };

struct FrameHeader
{
    FrameType type;
    std::uint32_t size;
};

struct Hello
{
    char magic[8];
    std::uint32_t version;
    std::uint32_t inode; // the namespace entered
};

inline Hello makeHello(std::uint32_t inode)
{
    Hello h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.inode = inode;
    return h;
}

inline bool helloIsValid(const Hello &h)
{
    return std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.version == kVersion;
}

// Relative to /proc, as the namespace sees them (net/ is the helper's own thread's).
inline constexpr const char *kFactFiles[] = {
    "sys/net/ipv4/ip_local_port_range",
    "sys/net/ipv4/ip_local_reserved_ports",
    "sys/net/ipv4/tcp_tw_reuse",
    "sys/net/ipv4/tcp_timestamps",
    "sys/net/ipv4/tcp_syncookies",
    "sys/net/ipv4/tcp_max_orphans",
    "net/sockstat",
    "net/netstat",
};
inline constexpr std::uint32_t kMissing = 0xffffffffu;
inline constexpr std::uint32_t kMaxFactBytes = 64 * 1024;

// The largest frame: a dump of about two million sockets.
inline constexpr std::uint32_t kMaxFrameBytes = 1u << 30;

// A namespace name the helper accepts: what `ip netns add` makes, and nothing that could leave
// /run/netns: 1 to 64 of [A-Za-z0-9._-], not "." or "..".
inline bool validName(const char *name)
{
    const std::size_t n = std::strlen(name);
    if (n == 0 || n > 64 || std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0)
        return false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

// A pid: 1 to 7 decimal digits, no sign, no leading zero, at most 4194304 (PID_MAX_LIMIT).
inline bool validPid(const char *text, int *pid)
{
    const std::size_t n = std::strlen(text);
    if (n == 0 || n > 7 || text[0] == '0')
        return false;
    long v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    if (v > 4194304)
        return false;
    *pid = int(v);
    return true;
}

} // namespace tcpscope::netnsprotocol
