#include "trace_kill.h"

#include "trace_access.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Endpoint
{
    int family = 0;
    unsigned char address[16] = {};
    unsigned short port = 0;
};

// "127.0.0.1:8080" or "[::1]:8080".
bool parseEndpoint(const std::string &text, Endpoint &out)
{
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 >= text.size())
        return false;
    std::string host = text.substr(0, colon);
    const long port = std::strtol(text.c_str() + colon + 1, nullptr, 10);
    if (port < 1 || port > 65535)
        return false;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    out.port = static_cast<unsigned short>(port);
    if (inet_pton(AF_INET, host.c_str(), out.address) == 1)
        out.family = AF_INET;
    else if (inet_pton(AF_INET6, host.c_str(), out.address) == 1)
        out.family = AF_INET6;
    else
        return false;
    return true;
}

// The IPv4 address as an IPv4-mapped IPv6 one (::ffff:a.b.c.d): a dual-stack socket's name.
Endpoint mapped(const Endpoint &e)
{
    Endpoint m = e;
    m.family = AF_INET6;
    std::memset(m.address, 0, sizeof m.address);
    m.address[10] = m.address[11] = 0xff;
    std::memcpy(m.address + 12, e.address, 4);
    return m;
}

// One SOCK_DESTROY request; the kernel's answer as -errno (0: destroyed).
int destroy(int fd, const Endpoint &local, const Endpoint &remote)
{
    struct
    {
        nlmsghdr nlh;
        inet_diag_req_v2 req;
    } msg{};
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DESTROY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    msg.req.sdiag_family = static_cast<__u8>(local.family);
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = ~0u;
    msg.req.id.idiag_sport = htons(local.port);
    msg.req.id.idiag_dport = htons(remote.port);
    std::memcpy(msg.req.id.idiag_src, local.address, local.family == AF_INET ? 4 : 16);
    std::memcpy(msg.req.id.idiag_dst, remote.address, local.family == AF_INET ? 4 : 16);
    msg.req.id.idiag_cookie[0] = msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (::send(fd, &msg, sizeof msg, 0) < 0)
        return -errno;
    char reply[1024];
    const ssize_t n = ::recv(fd, reply, sizeof reply, 0);
    if (n < ssize_t(sizeof(nlmsghdr) + sizeof(nlmsgerr)))
        return n < 0 ? -errno : -EPROTO;
    const auto *h = reinterpret_cast<const nlmsghdr *>(reply);
    if (h->nlmsg_type != NLMSG_ERROR)
        return -EPROTO;
    return reinterpret_cast<const nlmsgerr *>(NLMSG_DATA(h))->error;
}

int explain(int err, const char *local, const char *remote)
{
    switch (-err) {
    case 0:
        std::printf("tcpscope-trace: destroyed %s %s: its application gets ECONNABORTED, the "
                    "peer a reset\n",
                    local, remote);
        return 0;
    case EPERM:
    case EACCES:
        std::fputs("tcpscope-trace: no permission to destroy sockets (it needs cap_net_admin).\n",
                   stderr);
        if (tcpscope::trace::kPackaged)
            std::fputs(tcpscope::trace::kPackagedGrant, stderr);
        else {
            char self[4096] = "tcpscope-trace";
            const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
            if (n > 0)
                self[n] = '\0';
            std::fprintf(stderr,
                         "  Grant it once, as root:  setcap "
                         "cap_bpf,cap_perfmon,cap_syslog,cap_net_admin=ep %s\n",
                         self);
        }
        return 3;
    case EOPNOTSUPP:
        std::fputs("tcpscope-trace: this kernel cannot destroy sockets (it was built without "
                   "CONFIG_INET_DIAG_DESTROY)\n",
                   stderr);
        return 4;
    case ENOENT:
        std::fprintf(stderr,
                     "tcpscope-trace: there is no TCP socket %s %s (`ss -tan` lists "
                     "them)\n",
                     local, remote);
        return 5;
    default:
        std::fprintf(stderr, "tcpscope-trace: cannot destroy %s %s: %s\n", local, remote,
                     std::strerror(-err));
        return 6;
    }
}

} // namespace

int killSocket(const char *local, const char *remote)
{
    Endpoint l, r;
    if (!parseEndpoint(local, l) || !parseEndpoint(remote, r) || l.family != r.family) {
        std::fprintf(stderr, "tcpscope-trace: --kill takes LOCAL REMOTE as ADDRESS:PORT, both of "
                             "one family (127.0.0.1:8080 127.0.0.1:41234, [::1]:8080 ...)\n");
        return 2;
    }
    const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return explain(-errno, local, remote);
    int err = destroy(fd, l, r);
    if (err == -ENOENT && l.family == AF_INET) // a dual-stack socket names it ::ffff:a.b.c.d
        err = destroy(fd, mapped(l), mapped(r));
    ::close(fd);
    return explain(err, local, remote);
}
