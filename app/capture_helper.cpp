// tcpscope-capture: the only part of tcpscope that needs privileges (cap_net_raw and
// cap_net_admin, or root). Opens one interface with libpcap in immediate mode, keeps headers
// only, and writes a pcap stream to standard output for tcpscope or tcpscope-cli to read
// with the same code that reads files. Reports drops on standard error, once a second and at
// the end, in the stats line of packets/helperprotocol.h. Stops cleanly on SIGTERM/SIGINT or
// when its reader goes away. Links libpcap only: no Qt.
#include "packets/helperprotocol.h"

#include <pcap/pcap.h>

#include <poll.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

namespace {

namespace protocol = tcpscope::helperprotocol;

// Exit codes.
constexpr int kUsage = 2, kNoPermission = 3, kNoSuchInterface = 4, kCannotCapture = 5,
              kCaptureStopped = 6;

#ifdef TCPSCOPE_PACKAGED
constexpr bool kPackaged = true; // built by installers/build-deb.sh
#else
constexpr bool kPackaged = false;
#endif

pcap_t *g_pcap = nullptr; // for the signal handler
volatile std::sig_atomic_t g_stop = 0;

struct PcapCloser
{
    void operator()(pcap_t *p) const { pcap_close(p); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

struct Options
{
    std::string iface;
    std::string filter = "tcp";
    int snaplen = 200;
};

void onSignal(int)
{
    g_stop = 1;
    if (g_pcap)
        pcap_breakloop(g_pcap);
}

void usage(FILE *to)
{
    std::fputs("usage: tcpscope-capture -i INTERFACE [-f FILTER] [-s SNAPLEN]\n"
               "       tcpscope-capture --help | --version\n"
               "Writes a pcap stream of INTERFACE to standard output (default filter: tcp,\n"
               "snap length 200: headers only), for tcpscope or tcpscope-cli to read; reports\n"
               "drops on standard error once a second. Needs cap_net_raw,cap_net_admin or root.\n"
               "\n"
               "Exit status: 0 stopped by a signal or its reader, 2 bad arguments, 3 no\n"
               "permission to capture, 4 no such interface, 5 cannot capture, 6 the capture\n"
               "stopped.\n",
               to);
}

void reportStats(bool final)
{
    pcap_stat st{};
    if (pcap_stats(g_pcap, &st) == 0)
        std::fputs(protocol::formatStats({st.ps_recv, st.ps_drop, st.ps_ifdrop, final}).c_str(),
                   stderr);
}

void onPacket(u_char *user, const pcap_pkthdr *h, const u_char *bytes)
{
    pcap_dump(user, h, bytes); // user: the pcap_dumper_t
}

// The options, or the exit code to end with (0 after --help).
std::optional<int> parseArguments(int argc, char *argv[], Options &o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-i" && i + 1 < argc) {
            o.iface = argv[++i];
        } else if (a == "-f" && i + 1 < argc) {
            o.filter = argv[++i];
        } else if (a == "-s" && i + 1 < argc) {
            o.snaplen = std::atoi(argv[++i]);
        } else if (a == "--version") {
            std::printf("tcpscope-capture %s\n%s\n", TCPSCOPE_VERSION, pcap_lib_version());
            return 0;
        } else {
            const bool help = a == "-h" || a == "--help";
            usage(help ? stdout : stderr);
            return help ? 0 : kUsage;
        }
    }
    if (o.iface.empty() || o.snaplen < 68) {
        usage(stderr);
        return kUsage;
    }
    return std::nullopt;
}

// What this program echoes must stay one line each: no control characters in what it is
// given. And no filter so long that compiling it would hang the helper.
std::optional<int> checkArguments(const Options &o)
{
    if (protocol::hasControlCharacter(o.iface)) {
        std::fputs("tcpscope-capture: the interface name contains a control character "
                   "(a newline, a tab...); interface names have none\n",
                   stderr);
        return kUsage;
    }
    if (protocol::hasControlCharacter(o.filter)) {
        std::fputs("tcpscope-capture: the filter contains a control character (a newline, "
                   "a tab...); write it on one line, with spaces\n",
                   stderr);
        return kUsage;
    }
    if (o.filter.size() > protocol::kMaxFilterBytes) {
        std::fprintf(stderr,
                     "tcpscope-capture: the filter is %zu bytes long; at most %zu are accepted "
                     "(libpcap takes minutes to compile longer ones)\n",
                     o.filter.size(), protocol::kMaxFilterBytes);
        return kUsage;
    }
    if (isatty(STDOUT_FILENO)) {
        std::fputs("tcpscope-capture: standard output is a terminal; pipe it into "
                   "`tcpscope-cli summarize -` or let tcpscope start it\n",
                   stderr);
        return kUsage;
    }
    return std::nullopt;
}

// No permission to capture: how to get it, for this helper as it was installed (a package
// grants it to a group through debconf; a build from source needs setcap by hand).
void noPermission(const std::string &iface, const char *why)
{
    char self[4096] = "tcpscope-capture";
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0)
        self[n] = '\0';
    std::fprintf(stderr, "tcpscope-capture: no permission to capture on %s (%s).\n", iface.c_str(),
                 why);
    if (kPackaged)
        std::fputs("  The package grants capture to the group tcpscope when asked to: as root,\n"
                   "  `dpkg-reconfigure tcpscope-cli` (answer Yes), then\n"
                   "  `usermod -aG tcpscope USER` and log in again.\n",
                   stderr);
    else
        std::fprintf(stderr,
                     "  Grant it once, as root, to the members of a tcpscope group only:\n"
                     "    groupadd --system tcpscope; chown root:tcpscope %s && chmod 0750 %s &&\n"
                     "    setcap cap_net_raw,cap_net_admin+ep %s\n"
                     "  then usermod -aG tcpscope USER (README: the capture helper).\n",
                     self, self, self);
    std::fputs("  Everything else in tcpscope works without it.\n", stderr);
}

// Why pcap_activate failed, said once, with what to do about it; the exit code.
int activationFailed(pcap_t *p, int act, const std::string &iface)
{
    const char *why = pcap_geterr(p);
    if (act == PCAP_ERROR_PERM_DENIED) {
        noPermission(iface, why);
        return kNoPermission;
    }
    if (act == PCAP_ERROR_NO_SUCH_DEVICE) {
        std::fprintf(stderr,
                     "tcpscope-capture: there is no interface %s (%s); `ip link` lists them, "
                     "and `any` captures on all\n",
                     iface.c_str(), why);
        return kNoSuchInterface;
    }
    std::fprintf(stderr, "tcpscope-capture: cannot capture on %s: %s\n", iface.c_str(), why);
    return kCannotCapture;
}

// The interface opened and filtering, or the exit code.
std::optional<int> openCapture(const Options &o, PcapHandle &pcap)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap.reset(pcap_create(o.iface.c_str(), errbuf));
    if (!pcap) {
        std::fprintf(stderr, "tcpscope-capture: %s\n", errbuf);
        return kCannotCapture;
    }
    pcap_set_snaplen(pcap.get(), o.snaplen);
    pcap_set_immediate_mode(pcap.get(), 1);
    pcap_set_timeout(pcap.get(), 100);
    pcap_set_buffer_size(pcap.get(), 8 << 20);
    if (const int act = pcap_activate(pcap.get()); act < 0)
        return activationFailed(pcap.get(), act, o.iface);
    bpf_program prog{};
    if (pcap_compile(pcap.get(), &prog, o.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0
        || pcap_setfilter(pcap.get(), &prog) != 0) {
        std::fprintf(stderr, "tcpscope-capture: the filter \"%s\" is not valid BPF: %s\n",
                     o.filter.c_str(), pcap_geterr(pcap.get()));
        return kUsage;
    }
    pcap_freecode(&prog);
    return std::nullopt;
}

// True when standard output's reader has gone away.
bool readerGone(pcap_dumper_t *dumper)
{
    if (pcap_dump_flush(dumper) != 0 || std::ferror(stdout))
        return true;
    pollfd out{STDOUT_FILENO, 0, 0};
    return ::poll(&out, 1, 0) > 0 && (out.revents & (POLLERR | POLLHUP));
}

// Copies packets to `dumper` until a signal, an error or the reader's end; the exit code.
// Non-blocking reads behind poll(): with no traffic the loop still wakes to report stats and
// to notice a reader that went away.
int captureLoop(pcap_t *pcap, pcap_dumper_t *dumper, const std::string &iface)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    const int fd = pcap_get_selectable_fd(pcap);
    pcap_setnonblock(pcap, 1, errbuf);
    std::time_t lastStats = std::time(nullptr);
    while (!g_stop) {
        pollfd pfd{fd, POLLIN, 0};
        ::poll(&pfd, 1, 250);
        const int n = pcap_dispatch(pcap, -1, onPacket, reinterpret_cast<u_char *>(dumper));
        if (n == PCAP_ERROR_BREAK)
            return 0;
        if (n < 0) {
            std::fprintf(stderr, "tcpscope-capture: capture on %s stopped: %s\n", iface.c_str(),
                         pcap_geterr(pcap));
            return kCaptureStopped;
        }
        if (readerGone(dumper))
            return 0; // stop quietly
        if (std::time(nullptr) != lastStats) {
            lastStats = std::time(nullptr);
            reportStats(false);
        }
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    Options o;
    if (const std::optional<int> code = parseArguments(argc, argv, o))
        return *code;
    if (const std::optional<int> code = checkArguments(o))
        return *code;
    PcapHandle pcap;
    if (const std::optional<int> code = openCapture(o, pcap))
        return *code;
    g_pcap = pcap.get();

    std::signal(SIGPIPE, SIG_IGN); // a vanished reader shows as a write error instead
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    pcap_dumper_t *dumper = pcap_dump_fopen(pcap.get(), stdout); // closed with stdout, at exit
    if (!dumper) {
        std::fprintf(stderr, "tcpscope-capture: cannot write to standard output: %s\n",
                     pcap_geterr(pcap.get()));
        return kCannotCapture;
    }
    pcap_dump_flush(dumper); // the file header, at once: the reader opens on it
    const int status = captureLoop(pcap.get(), dumper, o.iface);
    reportStats(true);
    pcap_dump_flush(dumper);
    g_pcap = nullptr;
    return status;
}
