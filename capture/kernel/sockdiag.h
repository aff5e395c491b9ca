// The kernel's TCP socket table through netlink sock_diag (NETLINK_SOCK_DIAG,
// inet_diag_req_v2), for IPv4 and IPv6: the same dump `ss -tan` asks for.
#pragma once

#include "socketrecord.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace tcpscope {

// Bit (1 << linux state number) per state, as idiag_states wants it. All states, including
// request sockets (NEW_SYN_RECV).
inline constexpr std::uint32_t kAllLinuxStates = 0x1ffe;
// The mask for a set of our states; SynReceived also selects NEW_SYN_RECV request sockets.
std::uint32_t linuxStateMask(const std::vector<TcpState> &states);

enum class ReplyStatus { More, Done, Error };

// Parses one datagram of a sock_diag dump reply, appending one record per inet_diag_msg.
// On NLMSG_ERROR returns Error and sets *error; never reads past len.
ReplyStatus parseSockDiagReply(const std::uint8_t *data, std::size_t len,
                               std::vector<SocketRecord> &out, QString *error);

class SockDiagSocket
{
public:
    SockDiagSocket();
    ~SockDiagSocket();
    SockDiagSocket(const SockDiagSocket &) = delete;
    SockDiagSocket &operator=(const SockDiagSocket &) = delete;

    bool isOpen() const { return m_fd >= 0; }
    QString openError() const { return m_openError; }

    // Dumps every TCP socket whose state is in stateMask, IPv4 then IPv6, into out (cleared
    // first). With withTcpInfo, tcp_info (RTT, retransmissions) is asked for too. When raw is
    // given, every datagram received is appended to it as a little-endian u32 length and the
    // bytes: a recording that parseRecordedReplies() replays. Returns false and sets *error
    // when the kernel refuses.
    bool dump(std::uint32_t stateMask, bool withTcpInfo, std::vector<SocketRecord> &out,
              QString *error, QByteArray *raw = nullptr);

private:
    // family 0: both families in one walk of the kernel's tables (TCPDIAG_GETSOCK).
    bool dumpRequest(std::uint8_t family, std::uint32_t stateMask, bool withTcpInfo,
                     std::vector<SocketRecord> &out, QString *error, QByteArray *raw);

    int m_fd = -1;
    QString m_openError;
    std::uint32_t m_seq = 0;
    bool m_singleWalk = true;
    std::vector<std::uint8_t> m_buffer;
};

// Replays a recording made by SockDiagSocket::dump(raw). False with *error on a malformed
// recording or an NLMSG_ERROR inside it.
bool parseRecordedReplies(const QByteArray &recording, std::vector<SocketRecord> &out,
                          QString *error);

} // namespace tcpscope
