#include "kernel/sockdiag.h"

#include "kernel/sockdiagrequest.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace tcpscope {

namespace {

constexpr std::size_t kBufferSize = 64 * 1024; // lets the kernel pack 32 KiB per datagram

SocketRecord recordFrom(const inet_diag_msg &m, const std::uint8_t *attrs, std::size_t attrLen)
{
    SocketRecord r;
    if (m.idiag_family == AF_INET) {
        r.localAddress = IpAddress::v4(m.id.idiag_src);
        r.remoteAddress = IpAddress::v4(m.id.idiag_dst);
    } else {
        r.localAddress = IpAddress::v6(m.id.idiag_src);
        r.remoteAddress = IpAddress::v6(m.id.idiag_dst);
    }
    r.localPort = ntohs(m.id.idiag_sport);
    r.remotePort = ntohs(m.id.idiag_dport);
    r.state = fromLinuxState(m.idiag_state).value_or(TcpState::Closed);
    r.timer = m.idiag_timer <= 4 ? static_cast<TimerKind>(m.idiag_timer) : TimerKind::None;
    r.retrans = m.idiag_retrans;
    r.timerExpiresMs = m.idiag_expires;
    r.recvQ = m.idiag_rqueue;
    r.sendQ = m.idiag_wqueue;
    r.uid = m.idiag_uid;
    r.inode = m.idiag_inode;
    r.cookie = static_cast<std::uint64_t>(m.id.idiag_cookie[0])
               | (static_cast<std::uint64_t>(m.id.idiag_cookie[1]) << 32);

    // Attributes: only INET_DIAG_INFO is used (tcp_info, which may be shorter than our
    // struct on older kernels: copy what is there).
    while (attrLen >= sizeof(nlattr)) {
        nlattr a;
        std::memcpy(&a, attrs, sizeof a);
        if (a.nla_len < sizeof(nlattr) || a.nla_len > attrLen)
            break;
        const std::size_t payload = a.nla_len - NLA_HDRLEN;
        if ((a.nla_type & NLA_TYPE_MASK) == INET_DIAG_INFO) {
            tcp_info ti{};
            std::memcpy(&ti, attrs + NLA_HDRLEN, std::min(payload, sizeof ti));
            r.info = TcpInfoSummary{ti.tcpi_rtt, ti.tcpi_rttvar, ti.tcpi_total_retrans};
        }
        const std::size_t step = NLA_ALIGN(a.nla_len);
        if (step >= attrLen)
            break;
        attrs += step;
        attrLen -= step;
    }
    return r;
}

// The kernel's own count of TCP sockets in this namespace (/proc/net/sockstat{,6}: "inuse"
// and "tw"), so that a dump of 100k sockets is stored without growing its vector 17 times.
std::size_t estimatedTcpSockets()
{
    std::size_t total = 0;
    for (const char *path : {"/proc/net/sockstat", "/proc/net/sockstat6"}) {
        const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char buf[1024];
        const ssize_t n = ::read(fd, buf, sizeof buf - 1);
        ::close(fd);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        for (const char *key : {"TCP: inuse ", "TCP6: inuse ", " tw "}) {
            if (const char *p = std::strstr(buf, key))
                total += std::strtoul(p + std::strlen(key), nullptr, 10);
        }
    }
    return total;
}

} // namespace

std::uint32_t linuxStateMask(const std::vector<TcpState> &states)
{
    std::uint32_t mask = 0;
    for (TcpState s : states) {
        mask |= 1u << toLinuxState(s);
        if (s == TcpState::SynReceived)
            mask |= 1u << 12; // TCP_NEW_SYN_RECV
    }
    return mask;
}

ReplyStatus parseSockDiagReply(const std::uint8_t *data, std::size_t len,
                               std::vector<SocketRecord> &out, QString *error)
{
    while (len >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        std::memcpy(&h, data, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > len) {
            if (error)
                *error = QStringLiteral("malformed netlink reply (message length %1 of %2)")
                             .arg(h.nlmsg_len)
                             .arg(len);
            return ReplyStatus::Error;
        }
        if (h.nlmsg_type == NLMSG_DONE)
            return ReplyStatus::Done;
        if (h.nlmsg_type == NLMSG_ERROR) {
            int err = 0;
            if (h.nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
                std::memcpy(&err, data + NLMSG_HDRLEN, sizeof err);
            if (error)
                *error = QStringLiteral("the kernel refused the sock_diag request: %1")
                             .arg(QString::fromLocal8Bit(
                                 std::strerror(err == INT_MIN ? err : -err))); // no overflow
            return ReplyStatus::Error;
        }
        if ((h.nlmsg_type == SOCK_DIAG_BY_FAMILY || h.nlmsg_type == TCPDIAG_GETSOCK)
            && h.nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
            inet_diag_msg m;
            std::memcpy(&m, data + NLMSG_HDRLEN, sizeof m);
            const std::size_t used = NLMSG_LENGTH(NLMSG_ALIGN(sizeof(inet_diag_msg)));
            const std::uint8_t *attrs = data + used;
            const std::size_t attrLen = h.nlmsg_len > used ? h.nlmsg_len - used : 0;
            if (m.idiag_family == AF_INET || m.idiag_family == AF_INET6)
                out.push_back(recordFrom(m, attrs, attrLen));
        }
        const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= len)
            break;
        data += step;
        len -= step;
    }
    return ReplyStatus::More;
}

SockDiagSocket::SockDiagSocket()
{
    m_fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (m_fd < 0) {
        m_openError = QStringLiteral("cannot open a netlink sock_diag socket: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_buffer.resize(kBufferSize);
}

SockDiagSocket::~SockDiagSocket()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SockDiagSocket::dump(std::uint32_t stateMask, bool withTcpInfo, std::vector<SocketRecord> &out,
                          QString *error, QByteArray *raw)
{
    out.clear();
    out.reserve(estimatedTcpSockets() + 64);
    if (m_fd < 0) {
        if (error)
            *error = m_openError;
        return false;
    }
    // One walk of the kernel's hash tables for both families: the original TCPDIAG_GETSOCK
    // request (inet_diag_req) is served with AF_UNSPEC, where inet_diag_req_v2 needs a walk
    // per family. The walk is what costs at 100k sockets, so this halves a poll. Kernels that
    // refuse it get the two v2 requests.
    if (m_singleWalk) {
        const std::size_t rawBefore = raw ? std::size_t(raw->size()) : 0;
        if (dumpRequest(0, stateMask, withTcpInfo, out, error, raw))
            return true;
        m_singleWalk = false;
        out.clear();
        if (raw)
            raw->truncate(qsizetype(rawBefore));
    }
    return dumpRequest(AF_INET, stateMask, withTcpInfo, out, error, raw)
           && dumpRequest(AF_INET6, stateMask, withTcpInfo, out, error, raw);
}

bool SockDiagSocket::dumpRequest(std::uint8_t family, std::uint32_t stateMask, bool withTcpInfo,
                                 std::vector<SocketRecord> &out, QString *error, QByteArray *raw)
{
    if (!sockdiag::DumpRequest(family, stateMask, withTcpInfo, ++m_seq).send(m_fd)) {
        if (error)
            *error = QStringLiteral("cannot send the sock_diag request: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    for (;;) {
        const ssize_t n = ::recv(m_fd, m_buffer.data(), m_buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (error)
                *error = QStringLiteral("cannot read the sock_diag reply: %1")
                             .arg(QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        if (n == 0)
            return true;
        if (raw) {
            const std::uint32_t len = static_cast<std::uint32_t>(n);
            const char le[4] = {char(len & 0xff), char((len >> 8) & 0xff), char((len >> 16) & 0xff),
                                char((len >> 24) & 0xff)};
            raw->append(le, 4);
            raw->append(reinterpret_cast<const char *>(m_buffer.data()), n);
        }
        switch (parseSockDiagReply(m_buffer.data(), static_cast<std::size_t>(n), out, error)) {
        case ReplyStatus::More:
            break;
        case ReplyStatus::Done:
            return true;
        case ReplyStatus::Error:
            return false;
        }
    }
}

bool parseRecordedReplies(const QByteArray &recording, std::vector<SocketRecord> &out,
                          QString *error)
{
    const auto *p = reinterpret_cast<const std::uint8_t *>(recording.constData());
    std::size_t left = static_cast<std::size_t>(recording.size());
    while (left > 0) {
        if (left < 4) {
            if (error)
                *error = QStringLiteral("truncated recording: %1 stray bytes").arg(left);
            return false;
        }
        const std::uint32_t len = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
        p += 4;
        left -= 4;
        if (len > left) {
            if (error)
                *error = QStringLiteral("truncated recording: datagram of %1 bytes, %2 left")
                             .arg(len)
                             .arg(left);
            return false;
        }
        if (parseSockDiagReply(p, len, out, error) == ReplyStatus::Error)
            return false;
        p += len;
        left -= len;
    }
    return true;
}

} // namespace tcpscope
