// tcpscope-trace: the privileged part of tcpscope's exact kernel transitions (cap_bpf and
// cap_perfmon, or root). Loads kernel/bpf/tcptrace.bpf.c, attaches it, and writes every TCP
// state change the kernel makes to standard output as the frames of kernel/traceprotocol.h.
// Stops cleanly on SIGTERM/SIGINT or when its reader goes away. Links libbpf only: no Qt.
#include "kernel/traceprotocol.h"
#include "tcptrace.skel.h"
#include "trace_access.h"
#include "trace_kill.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

namespace protocol = tcpscope::traceprotocol;

// Exit codes (the same meaning as tcpscope-capture's).
constexpr int kUsage = 2, kNoPermission = 3, kUnsupported = 4, kCannotTrace = 5;

volatile std::sig_atomic_t g_stop = 0;
bool g_verbose = false;
std::uint64_t g_events = 0;
bool g_writeFailed = false;

struct Options
{
    std::uint32_t ringBytes = 16u << 20;
};

void onSignal(int) { g_stop = 1; }

int libbpfPrint(enum libbpf_print_level level, const char *format, va_list args)
{
    static_cast<void>(level);
    if (!g_verbose) // our own message says what failed; -v shows libbpf's (the verifier's)
        return 0;
    return std::vfprintf(stderr, format, args);
}

void usage(FILE *to)
{
    std::fputs("usage: tcpscope-trace [-b RING_MIB] [-v]\n"
               "       tcpscope-trace --kill LOCAL REMOTE   (destroys one socket, like ss -K;\n"
               "                                            needs cap_net_admin)\n"
               "       tcpscope-trace --help | --version\n"
               "Writes every TCP state change of this machine's kernel to standard output\n"
               "(framed; tcpscope and tcpscope-cli start it and read it). -b: the ring buffer\n"
               "in MiB (a power of two, default 16); -v: libbpf's own messages. Needs\n"
               "cap_bpf,cap_perfmon (cap_syslog for TIME_WAIT's timer) or root.\n"
               "\n"
               "Exit status: 0 stopped by a signal or its reader, 2 bad arguments, 3 no\n"
               "permission, 4 the kernel lacks what it needs, 5 cannot trace.\n",
               to);
}

std::optional<int> parseArguments(int argc, char *argv[], Options &o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-b" && i + 1 < argc) {
            const long mib = std::strtol(argv[++i], nullptr, 10);
            if (mib < 1 || mib > 1024 || (mib & (mib - 1)) != 0) {
                usage(stderr);
                return kUsage;
            }
            o.ringBytes = std::uint32_t(mib) << 20;
        } else if (a == "-v") {
            g_verbose = true;
        } else if (a == "--version") {
            std::printf("tcpscope-trace %s\nlibbpf %s\n", TCPSCOPE_VERSION,
                        libbpf_version_string());
            return 0;
        } else {
            const bool help = a == "-h" || a == "--help";
            usage(help ? stdout : stderr);
            return help ? 0 : kUsage;
        }
    }
    if (isatty(STDOUT_FILENO)) {
        std::fputs("tcpscope-trace: standard output is a terminal; run `tcpscope-cli watch "
                   "--exact` or let tcpscope start it\n",
                   stderr);
        return kUsage;
    }
    return std::nullopt;
}

bool writeFrame(protocol::FrameType type, const void *payload, std::uint32_t size)
{
    const protocol::FrameHeader h{type, size};
    if (std::fwrite(&h, sizeof h, 1, stdout) != 1 || std::fwrite(payload, size, 1, stdout) != 1)
        g_writeFailed = true;
    return !g_writeFailed;
}

int onEvent(void *, void *data, size_t size)
{
    if (size < sizeof(tcptrace_event))
        return 0;
    if (!writeFrame(protocol::FrameType::Event, data, sizeof(tcptrace_event)))
        return -EPIPE; // stops ring_buffer__poll
    ++g_events;
    return 0;
}

bool kernelHas(const char *function, bpf_attach_type type)
{
    return libbpf_find_vmlinux_btf_id(function, type) >= 0;
}

// tw_timer_handler's address, from /proc/kallsyms (0 when hidden: without cap_syslog, unless
// kptr_restrict is 0 and perf_event_paranoid at most 1). Without it, TIME_WAIT's expiry is
// left to the poller.
std::uint64_t twTimerHandler()
{
    FILE *f = std::fopen("/proc/kallsyms", "r");
    if (!f)
        return 0;
    char line[512];
    std::uint64_t address = 0;
    while (std::fgets(line, sizeof line, f)) {
        unsigned long long a = 0;
        char type = 0;
        char name[256] = "";
        if (std::sscanf(line, "%llx %c %255s", &a, &type, name) == 3
            && std::strcmp(name, "tw_timer_handler") == 0) {
            address = a;
            break;
        }
    }
    std::fclose(f);
    return address;
}

// The tracepoint's arguments as this kernel declares them (its btf_trace_NAME typedef: a
// pointer to a prototype whose first parameter is the context); -1 when unknown.
int tracepointArguments(const char *name)
{
    btf *vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux)
        return -1;
    int count = -1;
    const std::string typedefName = std::string("btf_trace_") + name;
    const int id = btf__find_by_name_kind(vmlinux, typedefName.c_str(), BTF_KIND_TYPEDEF);
    if (id > 0) {
        const btf_type *t = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
        if (t && btf_is_ptr(t))
            t = btf__type_by_id(vmlinux, t->type);
        if (t && btf_is_func_proto(t))
            count = int(btf_vlen(t)) - 1;
    }
    btf__free(vmlinux);
    return count;
}

// The minisocket's inside: its FIN_WAIT_2 -> TIME_WAIT needs kfree_skb's receiving socket
// (Linux >= 6.12), its early end the timer's cancel and start tracepoints.
std::uint32_t chooseTimeWaitHooks(tcptrace *skel, bool haveHandler)
{
    std::uint32_t features = 0;
    const bool substate = tracepointArguments("kfree_skb") >= 4;
    bpf_program__set_autoload(skel->progs.on_packet_freed, substate);
    skel->rodata->substate_known = substate ? 1 : 0;
    if (substate)
        features |= protocol::kTimeWaitSubstate;
    const bool kill = haveHandler && kernelHas("timer_cancel", BPF_TRACE_RAW_TP)
                      && kernelHas("timer_start", BPF_TRACE_RAW_TP);
    bpf_program__set_autoload(skel->progs.on_timer_cancel, kill);
    bpf_program__set_autoload(skel->progs.on_timer_start, kill);
    skel->rodata->kill_known = kill ? 1 : 0;
    if (kill)
        features |= protocol::kTimeWaitKill;
    return features;
}

// Switches off the hooks this kernel lacks; returns the features that remain.
std::uint32_t chooseHooks(tcptrace *skel)
{
    std::uint32_t features = protocol::kTimeWaitEnter;
    const bool softirq =
        kernelHas("softirq_entry", BPF_TRACE_RAW_TP) && kernelHas("softirq_exit", BPF_TRACE_RAW_TP);
    bpf_program__set_autoload(skel->progs.on_softirq_entry, softirq);
    bpf_program__set_autoload(skel->progs.on_softirq_exit, softirq);
    skel->rodata->context_known = softirq ? 1 : 0;
    if (softirq)
        features |= protocol::kContext;
    const std::uint64_t handler = twTimerHandler();
    const bool expiry = handler != 0 && kernelHas("timer_expire_entry", BPF_TRACE_RAW_TP);
    bpf_program__set_autoload(skel->progs.on_timer_expire, expiry);
    skel->rodata->tw_timer_handler = handler;
    skel->rodata->netns_inum = 0; // every namespace's: each event names its own (the reader
                                  // keeps the namespace it shows)
    if (expiry)
        features |= protocol::kTimeWaitExpiry;
    return features | chooseTimeWaitHooks(skel, handler != 0);
}

std::string selfPath()
{
    char self[4096] = "tcpscope-trace";
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0)
        self[n] = '\0';
    return self;
}

int loadFailed(int err)
{
    if (err == -EPERM || err == -EACCES) {
        std::fprintf(stderr, "tcpscope-trace: no permission to load the BPF program (%s).\n",
                     std::strerror(-err));
        if (tcpscope::trace::kPackaged)
            std::fputs(tcpscope::trace::kPackagedGrant, stderr);
        else
            std::fprintf(stderr,
                         "  Grant it once, as root:  setcap cap_bpf,cap_perfmon,cap_syslog=ep %s\n"
                         "  (or run tcpscope-trace as root).\n",
                         selfPath().c_str());
        std::fputs("  Without it tcpscope polls the socket table.\n", stderr);
        return kNoPermission;
    }
    std::fprintf(stderr, "tcpscope-trace: cannot load the BPF program: %s\n", std::strerror(-err));
    return kCannotTrace;
}

// Checks that the kernel has what the program needs, plainly said when not.
std::optional<int> checkKernel()
{
    if (::access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        std::fputs("tcpscope-trace: this kernel has no BTF (/sys/kernel/btf/vmlinux; "
                   "CONFIG_DEBUG_INFO_BTF): exact transitions need it. tcpscope polls the "
                   "socket table instead.\n",
                   stderr);
        return kUnsupported;
    }
    if (!kernelHas("inet_sock_set_state", BPF_TRACE_RAW_TP)) {
        std::fputs("tcpscope-trace: this kernel has no tracepoint sock:inet_sock_set_state "
                   "(Linux 4.16 and later have it). tcpscope polls the socket table "
                   "instead.\n",
                   stderr);
        return kUnsupported;
    }
    return std::nullopt;
}

std::int64_t clockNs(clockid_t id)
{
    timespec ts{};
    clock_gettime(id, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::uint64_t lostEvents(tcptrace *skel)
{
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0)
        return 0;
    std::vector<std::uint64_t> perCpu(std::size_t(cpus), 0);
    const std::uint32_t zero = 0;
    if (bpf_map__lookup_elem(skel->maps.lost, &zero, sizeof zero, perCpu.data(),
                             perCpu.size() * sizeof(std::uint64_t), 0)
        != 0)
        return 0;
    std::uint64_t sum = 0;
    for (const std::uint64_t n : perCpu)
        sum += n;
    return sum;
}

void writeStats(tcptrace *skel, bool final)
{
    const protocol::Stats s{g_events, lostEvents(skel), final ? 1u : 0u, 0};
    writeFrame(protocol::FrameType::Stats, &s, sizeof s);
}

int traceLoop(tcptrace *skel)
{
    ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.events), onEvent, nullptr, nullptr);
    if (!rb) {
        std::fprintf(stderr, "tcpscope-trace: cannot open the ring buffer: %s\n",
                     std::strerror(errno));
        return kCannotTrace;
    }
    std::time_t lastStats = std::time(nullptr);
    while (!g_stop && !g_writeFailed) {
        const int n = ring_buffer__poll(rb, 100);
        if (n < 0 && n != -EINTR && n != -EPIPE) {
            std::fprintf(stderr, "tcpscope-trace: reading the ring buffer failed: %s\n",
                         std::strerror(-n));
            break;
        }
        if (std::time(nullptr) != lastStats) {
            lastStats = std::time(nullptr);
            writeStats(skel, false);
        }
        if (std::fflush(stdout) != 0)
            g_writeFailed = true;
    }
    ring_buffer__free(rb);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc == 4 && std::strcmp(argv[1], "--kill") == 0)
        return killSocket(argv[2], argv[3]);
    Options o;
    if (const std::optional<int> code = parseArguments(argc, argv, o))
        return *code;
    libbpf_set_print(libbpfPrint);
    if (const std::optional<int> code = checkKernel())
        return *code;
    tcptrace *skel = tcptrace__open();
    if (!skel)
        return loadFailed(-errno);
    std::uint32_t features = chooseHooks(skel);
    bpf_map__set_max_entries(skel->maps.events, o.ringBytes);
    if (const int err = tcptrace__load(skel); err != 0) {
        tcptrace__destroy(skel);
        return loadFailed(err);
    }
    if (const int err = tcptrace__attach(skel); err != 0) {
        tcptrace__destroy(skel);
        return loadFailed(err);
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    static char buffer[1 << 20];
    std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    const protocol::Hello hello = protocol::makeHello(
        clockNs(CLOCK_REALTIME), clockNs(CLOCK_MONOTONIC), features, o.ringBytes);
    writeFrame(protocol::FrameType::Hello, &hello, sizeof hello);
    std::fflush(stdout);
    const int status = traceLoop(skel);
    writeStats(skel, true);
    std::fflush(stdout);
    tcptrace__destroy(skel);
    return status;
}
