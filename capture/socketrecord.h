// One TCP socket as the kernel's socket table describes it (sock_diag or /proc/net/tcp).
#pragma once

#include "ipaddress.h"
#include "tcpstate.h"

#include <cstdint>
#include <optional>

namespace tcpscope {

// idiag_timer / the "tr" column of /proc/net/tcp.
enum class TimerKind : std::uint8_t {
    None = 0,
    Retransmit = 1,
    Keepalive = 2,
    TimeWait = 3,
    Probe = 4
};

const char *timerKindName(TimerKind k); // "on", "keepalive", "timewait", "persist"

struct TcpInfoSummary
{
    std::uint32_t rttUs = 0;
    std::uint32_t rttVarUs = 0;
    std::uint32_t totalRetrans = 0;
    friend bool operator==(const TcpInfoSummary &, const TcpInfoSummary &) = default;
};

struct SocketRecord
{
    IpAddress localAddress;
    IpAddress remoteAddress;
    std::uint16_t localPort = 0;
    std::uint16_t remotePort = 0;
    TcpState state = TcpState::Closed;
    TimerKind timer = TimerKind::None;
    std::uint8_t retrans = 0;         // idiag_retrans: probes or retransmissions so far
    std::uint32_t timerExpiresMs = 0; // time left on the timer
    std::uint32_t recvQ = 0;          // LISTEN: connections waiting in the accept queue
    std::uint32_t sendQ = 0;          // LISTEN: the accept queue's limit (sock_diag only)
    std::uint32_t uid = 0;
    std::uint64_t inode = 0;  // 0 for TIME_WAIT and request sockets: no descriptor
    std::uint64_t cookie = 0; // sock_diag's socket cookie; 0 from /proc
    std::uint32_t netns = 0;  // its network namespace's inode (0: not told)
    std::optional<TcpInfoSummary> info;

    // TIME_WAIT sockets and SYN_RECEIVED request sockets have no file descriptor, so no
    // process can own them.
    bool hasNoProcessByDesign() const { return inode == 0; }
    friend bool operator==(const SocketRecord &, const SocketRecord &) = default;
};

} // namespace tcpscope
