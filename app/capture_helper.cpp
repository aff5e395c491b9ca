// tcpscope-capture: the only part of tcpscope that needs privileges (cap_net_raw and
// cap_net_admin, or root). Opens one interface with libpcap in immediate mode, keeps headers
// only, and writes a pcap stream to standard output for tcpscope or tcpscope-cli to read
// with the same code that reads files. Reports drops on standard error, once a second and at
// the end, as "tcpscope-capture: stats received=N dropped=N ifdropped=N". Stops cleanly on
// SIGTERM/SIGINT or when its reader goes away. Links libpcap only: no Qt.
#include <pcap/pcap.h>

#include <poll.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>

namespace {

pcap_t *g_pcap = nullptr;
volatile std::sig_atomic_t g_stop = 0;

void onSignal(int)
{
    g_stop = 1;
    if (g_pcap)
        pcap_breakloop(g_pcap);
}

void usage()
{
    std::fputs("usage: tcpscope-capture -i INTERFACE [-f FILTER] [-s SNAPLEN]\n"
               "  writes a pcap stream of INTERFACE to standard output (default filter: tcp,\n"
               "  snap length 200: headers only). Needs cap_net_raw,cap_net_admin or root.\n",
               stderr);
}

void reportStats(const char *when)
{
    pcap_stat st{};
    if (pcap_stats(g_pcap, &st) == 0)
        std::fprintf(stderr, "tcpscope-capture: stats%s received=%u dropped=%u ifdropped=%u\n",
                     when, st.ps_recv, st.ps_drop, st.ps_ifdrop);
}

struct Sink
{
    pcap_dumper_t *dumper;
};

void onPacket(u_char *user, const pcap_pkthdr *h, const u_char *bytes)
{
    auto *sink = reinterpret_cast<Sink *>(user);
    pcap_dump(reinterpret_cast<u_char *>(sink->dumper), h, bytes);
}

} // namespace

int main(int argc, char *argv[])
{
    std::string iface, filter = "tcp";
    int snaplen = 200;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-i" && i + 1 < argc)
            iface = argv[++i];
        else if (a == "-f" && i + 1 < argc)
            filter = argv[++i];
        else if (a == "-s" && i + 1 < argc)
            snaplen = std::atoi(argv[++i]);
        else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (iface.empty() || snaplen < 68) {
        usage();
        return 2;
    }
    if (isatty(STDOUT_FILENO)) {
        std::fputs("tcpscope-capture: standard output is a terminal; pipe it into "
                   "`tcpscope-cli summarize -` or let tcpscope start it\n",
                   stderr);
        return 2;
    }

    char errbuf[PCAP_ERRBUF_SIZE] = "";
    g_pcap = pcap_create(iface.c_str(), errbuf);
    if (!g_pcap) {
        std::fprintf(stderr, "tcpscope-capture: %s\n", errbuf);
        return 5;
    }
    pcap_set_snaplen(g_pcap, snaplen);
    pcap_set_immediate_mode(g_pcap, 1);
    pcap_set_timeout(g_pcap, 100);
    pcap_set_buffer_size(g_pcap, 8 << 20);
    const int act = pcap_activate(g_pcap);
    if (act < 0) {
        const char *why = pcap_geterr(g_pcap);
        if (act == PCAP_ERROR_PERM_DENIED) {
            char self[4096] = "tcpscope-capture";
            const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
            if (n > 0)
                self[n] = '\0';
            std::fprintf(stderr,
                         "tcpscope-capture: no permission to capture on %s (%s).\n"
                         "  Grant it once, as root:  setcap cap_net_raw,cap_net_admin=eip %s\n"
                         "  (or run tcpscope-capture as root). Everything else in tcpscope "
                         "works without it.\n",
                         iface.c_str(), why, self);
            return 3;
        }
        if (act == PCAP_ERROR_NO_SUCH_DEVICE) {
            std::fprintf(stderr,
                         "tcpscope-capture: there is no interface %s (%s); `ip link` lists them, "
                         "and `any` captures on all\n",
                         iface.c_str(), why);
            return 4;
        }
        std::fprintf(stderr, "tcpscope-capture: cannot capture on %s: %s\n", iface.c_str(), why);
        return 5;
    }
    bpf_program prog{};
    if (pcap_compile(g_pcap, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0
        || pcap_setfilter(g_pcap, &prog) != 0) {
        std::fprintf(stderr, "tcpscope-capture: the filter \"%s\" is not valid BPF: %s\n",
                     filter.c_str(), pcap_geterr(g_pcap));
        return 2;
    }
    pcap_freecode(&prog);

    std::signal(SIGPIPE, SIG_IGN); // a vanished reader shows as a write error instead
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    Sink sink{pcap_dump_fopen(g_pcap, stdout)};
    if (!sink.dumper) {
        std::fprintf(stderr, "tcpscope-capture: cannot write to standard output: %s\n",
                     pcap_geterr(g_pcap));
        return 5;
    }
    pcap_dump_flush(sink.dumper); // the file header, at once: the reader opens on it
    std::time_t lastStats = std::time(nullptr);
    int status = 0;
    // Non-blocking reads behind poll(): with no traffic the loop still wakes to report stats
    // and to notice a reader that went away.
    const int fd = pcap_get_selectable_fd(g_pcap);
    pcap_setnonblock(g_pcap, 1, errbuf);
    while (!g_stop) {
        pollfd pfd{fd, POLLIN, 0};
        ::poll(&pfd, 1, 250);
        const int n = pcap_dispatch(g_pcap, -1, onPacket, reinterpret_cast<u_char *>(&sink));
        if (n == PCAP_ERROR_BREAK)
            break;
        if (n < 0) {
            std::fprintf(stderr, "tcpscope-capture: capture on %s stopped: %s\n", iface.c_str(),
                         pcap_geterr(g_pcap));
            status = 6;
            break;
        }
        if (pcap_dump_flush(sink.dumper) != 0 || std::ferror(stdout))
            break; // the reader went away: stop quietly
        pollfd out{STDOUT_FILENO, 0, 0};
        if (::poll(&out, 1, 0) > 0 && (out.revents & (POLLERR | POLLHUP)))
            break;
        if (std::time(nullptr) != lastStats) {
            lastStats = std::time(nullptr);
            reportStats("");
        }
    }
    reportStats(" final");
    pcap_dump_flush(sink.dumper);
    pcap_close(g_pcap);
    return status;
}
