// The sock_diag dump request, and a dump recorded as it arrives without parsing it: plain
// C++, no Qt, shared by SockDiagSocket (kernel/sockdiag.cpp) and the namespace helper
// (app/netns_helper.cpp), which streams the recording to its reader.
#pragma once

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tcpscope::sockdiag {

// family 0: both families in one walk of the kernel's tables (the original TCPDIAG_GETSOCK
// request, inet_diag_req, served with AF_UNSPEC); else inet_diag_req_v2 for that family.
struct DumpRequest
{
    struct V1
    {
        nlmsghdr h;
        inet_diag_req r;
    };
    struct V2
    {
        nlmsghdr h;
        inet_diag_req_v2 r;
    };
    union {
        V1 v1;
        V2 v2;
    } m{};
    nlmsghdr *h = nullptr;

    DumpRequest(std::uint8_t family, std::uint32_t stateMask, bool withTcpInfo, std::uint32_t seq)
    {
        const std::uint8_t ext = withTcpInfo ? 1 << (INET_DIAG_INFO - 1) : 0;
        if (family == 0) {
            h = &m.v1.h;
            m.v1.h.nlmsg_len = sizeof(V1);
            m.v1.h.nlmsg_type = TCPDIAG_GETSOCK;
            m.v1.r.idiag_family = AF_INET;
            m.v1.r.idiag_states = stateMask;
            m.v1.r.idiag_ext = ext;
        } else {
            h = &m.v2.h;
            m.v2.h.nlmsg_len = sizeof(V2);
            m.v2.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
            m.v2.r.sdiag_family = family;
            m.v2.r.sdiag_protocol = IPPROTO_TCP;
            m.v2.r.idiag_states = stateMask;
            m.v2.r.idiag_ext = ext;
        }
        h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        h->nlmsg_seq = seq;
    }
    DumpRequest(const DumpRequest &) = delete;
    DumpRequest &operator=(const DumpRequest &) = delete;

    bool send(int fd) const
    {
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        return ::sendto(fd, h, h->nlmsg_len, 0, reinterpret_cast<const sockaddr *>(&kernel),
                        sizeof kernel)
               >= 0;
    }
};

// What ends a dump in a datagram: 1 NLMSG_DONE, -1 NLMSG_ERROR, 0 neither.
inline int dumpEnd(const std::uint8_t *data, std::size_t len)
{
    while (len >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        std::memcpy(&h, data, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len)
            return -1;
        if (h.nlmsg_type == NLMSG_DONE)
            return 1;
        if (h.nlmsg_type == NLMSG_ERROR)
            return -1;
        const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= len)
            break;
        data += step;
        len -= step;
    }
    return 0;
}

// Dumps into a recording: per datagram a little-endian u32 length and its bytes.
class RawDumper
{
public:
    explicit RawDumper(int fd)
        : m_fd(fd)
        , m_buffer(64 * 1024)
    {}

    bool dump(std::uint32_t stateMask, bool withTcpInfo, std::string &recording)
    {
        if (m_singleWalk) {
            if (request(0, stateMask, withTcpInfo, recording))
                return true;
            m_singleWalk = false;
            recording.clear();
        }
        return request(AF_INET, stateMask, withTcpInfo, recording)
               && request(AF_INET6, stateMask, withTcpInfo, recording);
    }
    const std::string &error() const { return m_error; }

private:
    bool request(std::uint8_t family, std::uint32_t mask, bool tcpInfo, std::string &recording)
    {
        if (!DumpRequest(family, mask, tcpInfo, ++m_seq).send(m_fd))
            return failed("cannot send the sock_diag request");
        for (;;) {
            const ssize_t n = ::recv(m_fd, m_buffer.data(), m_buffer.size(), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return failed("cannot read the sock_diag reply");
            if (n == 0)
                return true;
            const std::uint32_t len = std::uint32_t(n);
            const char le[4] = {char(len & 0xff), char((len >> 8) & 0xff), char((len >> 16) & 0xff),
                                char((len >> 24) & 0xff)};
            recording.append(le, 4);
            recording.append(reinterpret_cast<const char *>(m_buffer.data()), len);
            const int end = dumpEnd(m_buffer.data(), len);
            if (end != 0)
                return end > 0 || (m_error = "the kernel refused the sock_diag request", false);
        }
    }
    bool failed(const char *what)
    {
        m_error = std::string(what) + ": " + std::strerror(errno);
        return false;
    }

    int m_fd;
    std::vector<std::uint8_t> m_buffer;
    std::uint32_t m_seq = 0;
    bool m_singleWalk = true;
    std::string m_error;
};

} // namespace tcpscope::sockdiag
