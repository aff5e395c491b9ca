// tcpscope-netns: the privileged part of showing another network namespace's sockets
// (cap_sys_admin for setns, cap_sys_ptrace for another user's process, or root). Opens the
// namespace (`--name NAME`: /run/netns/NAME; `--pid PID`: /proc/PID/ns/net), enters it, drops
// every capability, and then answers its reader's requests with the namespace's sock_diag dump
// and sysctls (kernel/netnsprotocol.h). Links libc only: no Qt.
#include "kernel/netnsprotocol.h"
#include "kernel/sockdiagrequest.h"
#include "netns_access.h"

#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <vector>

namespace {

namespace protocol = tcpscope::netnsprotocol;

// Exit codes (as the other helpers'): 2 usage, 3 no permission, 4 no such namespace, 5 failed.
constexpr int kUsage = 2, kNoPermission = 3, kNotFound = 4, kFailed = 5;

void usage(FILE *to)
{
    std::fputs("usage: tcpscope-netns --name NAME | --pid PID\n"
               "       tcpscope-netns --help | --version\n"
               "Enters a network namespace (NAME as `ip netns` lists it, or the one of process\n"
               "PID), drops every capability, and answers tcpscope's requests for that\n"
               "namespace's TCP sockets (sock_diag) and sysctls on standard output (framed;\n"
               "tcpscope and tcpscope-cli --netns start it). Needs cap_sys_admin (and\n"
               "cap_sys_ptrace for another user's process) or root.\n"
               "\n"
               "Exit status: 0 its reader closed its input, 2 bad arguments, 3 no permission,\n"
               "4 no such namespace, 5 cannot read the socket table.\n",
               to);
}

std::string selfPath()
{
    char self[4096] = "tcpscope-netns";
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0)
        self[n] = '\0';
    return self;
}

int noPermission(const std::string &what, int err)
{
    std::fprintf(stderr, "tcpscope-netns: no permission to enter the network namespace %s (%s).\n",
                 what.c_str(), std::strerror(err));
    if (tcpscope::netns::kPackaged)
        std::fputs(tcpscope::netns::kPackagedGrant, stderr);
    else
        std::fprintf(stderr,
                     "  Grant it once, as root:  setcap %s=ep %s\n"
                     "  (or run tcpscope-netns as root).\n",
                     tcpscope::netns::kCapabilities, selfPath().c_str());
    std::fputs("  Without it tcpscope shows this host's own namespace only.\n", stderr);
    return kNoPermission;
}

// Drops every capability for good: effective, permitted, inheritable, ambient, and no gaining
// any back through exec.
bool dropCapabilities()
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (::syscall(SYS_capset, &header, data) != 0)
        return false;
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
}

bool writeFrame(protocol::FrameType type, const void *payload, std::size_t size)
{
    const protocol::FrameHeader h{type, std::uint32_t(size)};
    const bool ok = std::fwrite(&h, sizeof h, 1, stdout) == 1
                    && (size == 0 || std::fwrite(payload, size, 1, stdout) == 1);
    return ok && std::fflush(stdout) == 0;
}

void appendLength(std::string &out, std::uint32_t n)
{
    const char le[4] = {char(n & 0xff), char((n >> 8) & 0xff), char((n >> 16) & 0xff),
                        char((n >> 24) & 0xff)};
    out.append(le, 4);
}

std::string facts()
{
    std::string out;
    for (const char *name : protocol::kFactFiles) {
        const std::string path = std::string("/proc/") + name;
        FILE *f = std::fopen(path.c_str(), "re");
        if (!f) {
            appendLength(out, protocol::kMissing);
            continue;
        }
        std::string text(protocol::kMaxFactBytes, '\0');
        const std::size_t n = std::fread(text.data(), 1, text.size(), f);
        std::fclose(f);
        appendLength(out, std::uint32_t(n));
        out.append(text.data(), n);
    }
    return out;
}

int serve(int diag)
{
    tcpscope::sockdiag::RawDumper dumper(diag);
    protocol::Request r{};
    while (std::fread(&r, sizeof r, 1, stdin) == 1) {
        bool ok = true;
        if (r.kind == protocol::RequestKind::Dump) {
            std::string recording;
            if (dumper.dump(r.stateMask, (r.flags & protocol::kWithTcpInfo) != 0, recording))
                ok = writeFrame(protocol::FrameType::Dump, recording.data(), recording.size());
            else
                ok = writeFrame(protocol::FrameType::Error, dumper.error().data(),
                                dumper.error().size());
        } else if (r.kind == protocol::RequestKind::Facts) {
            const std::string f = facts();
            ok = writeFrame(protocol::FrameType::Facts, f.data(), f.size());
        } else {
            std::fputs("tcpscope-netns: unknown request\n", stderr);
            return kUsage;
        }
        if (!ok)
            return 0; // the reader went away
    }
    return 0;
}

int enter(const std::string &path, const std::string &what)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EACCES || errno == EPERM)
            return noPermission(what, errno);
        std::fprintf(stderr, "tcpscope-netns: no network namespace %s (%s)\n", what.c_str(),
                     std::strerror(errno));
        return kNotFound;
    }
    struct stat st
    {};
    if (::fstat(fd, &st) != 0 || ::setns(fd, CLONE_NEWNET) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EPERM || err == EACCES)
            return noPermission(what, err);
        std::fprintf(stderr, "tcpscope-netns: cannot enter %s: %s\n", what.c_str(),
                     std::strerror(err));
        return kNotFound; // EINVAL: not a network namespace
    }
    ::close(fd);
    if (!dropCapabilities()) {
        std::fprintf(stderr, "tcpscope-netns: cannot drop capabilities: %s\n",
                     std::strerror(errno));
        return kFailed;
    }
    // Made after setns: the socket belongs to the namespace, and was made without privilege.
    const int diag = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (diag < 0) {
        std::fprintf(stderr, "tcpscope-netns: no sock_diag in %s: %s\n", what.c_str(),
                     std::strerror(errno));
        return kFailed;
    }
    const protocol::Hello hello = protocol::makeHello(std::uint32_t(st.st_ino));
    if (!writeFrame(protocol::FrameType::Hello, &hello, sizeof hello))
        return 0;
    const int status = serve(diag);
    ::close(diag);
    return status;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("tcpscope-netns %s\n", TCPSCOPE_VERSION);
        return 0;
    }
    std::string path, what;
    int pid = 0;
    if (argc == 3 && std::strcmp(argv[1], "--name") == 0 && protocol::validName(argv[2])) {
        path = std::string("/run/netns/") + argv[2];
        what = std::string("'") + argv[2] + "'";
    } else if (argc == 3 && std::strcmp(argv[1], "--pid") == 0
               && protocol::validPid(argv[2], &pid)) {
        path = "/proc/" + std::to_string(pid) + "/ns/net";
        what = "of pid " + std::to_string(pid);
    } else {
        usage(stderr);
        return kUsage;
    }
    if (isatty(STDOUT_FILENO)) {
        std::fputs("tcpscope-netns: standard output is a terminal; run `tcpscope-cli snapshot "
                   "--netns NAME|PID` or let tcpscope start it\n",
                   stderr);
        return kUsage;
    }
    std::signal(SIGPIPE, SIG_IGN);
    return enter(path, what);
}
