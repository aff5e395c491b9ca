// The canonical TCP state enum and its one table of names.
#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <cstdint>
#include <optional>

namespace tcpscope {

// The eleven states of RFC 9293's state diagram. Linux's NEW_SYN_RECV (a request
// minisocket) is folded into SynReceived.
enum class TcpState : std::uint8_t {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
};

inline constexpr int kTcpStateCount = 11;

struct TcpStateNames
{
    TcpState state;
    const char *rfc;      // RFC 9293 name as JSON uses it: "TIME_WAIT"
    const char *ssColumn; // what `ss -tan` prints in its State column: "TIME-WAIT", "ESTAB"
    const char *ssFilter; // what `ss state ...` accepts: "time-wait", "established"
    int linuxNumber;      // include/net/tcp_states.h: TCP_TIME_WAIT = 6
    const char *english;  // display name
    const char *chinese;  // display name, Simplified Chinese (UTF-8)
};

const std::array<TcpStateNames, kTcpStateCount> &tcpStateTable();
const TcpStateNames &names(TcpState s);

QString rfcName(TcpState s);
QString ssName(TcpState s);
QString displayName(TcpState s, QStringView language); // "en" or "zh" (anything else: en)

// Accepts any name of the table (RFC, ss column, ss filter, English, Chinese), case- and
// separator-insensitive ("time_wait", "TIME-WAIT", "Time wait"), plus Linux's aliases
// SYN_RECV, NEW_SYN_RECV, UNCONN and "listening".
std::optional<TcpState> parseTcpState(QStringView name);

// Linux's numeric state (sock_diag idiag_state, /proc/net/tcp "st"); NEW_SYN_RECV (12)
// becomes SynReceived. Unknown numbers give nullopt.
std::optional<TcpState> fromLinuxState(int linuxState);
int toLinuxState(TcpState s);

constexpr int index(TcpState s) { return static_cast<int>(s); }
constexpr TcpState stateAt(int i) { return static_cast<TcpState>(i); }

} // namespace tcpscope
