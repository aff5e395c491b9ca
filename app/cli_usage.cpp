#include "cli_usage.h"

#include <iterator>

namespace {

struct CommandUsage
{
    const char *name;
    const char *text; // starts with the synopsis, two-space indented like the overview
};

// The groups of the overview, in order; each command's section is printed alone by --help.
constexpr const char *kKernelHeading = "The kernel's socket table (needs no privileges):\n";
constexpr const char *kPacketsHeading =
    "Packets (capture files; live capture through the tcpscope-capture helper):\n";
constexpr const char *kLabHeading =
    "The Lab (textbook situations with real sockets on loopback):\n";

constexpr CommandUsage kCommands[] = {
    {"snapshot",
     "  snapshot [--format json|text] [--state S[,S...]] [--no-process] [--tcp-info] [--proc]\n"
     "           [--netns NAME|PID|all]\n"
     "      every TCP socket now, with its process, timer and queues, and the count per\n"
     "      state. JSON by default. --state filters in the kernel (TIME_WAIT,\n"
     "      close-wait, ESTAB...). --tcp-info adds RTT and retransmissions (netlink only).\n"
     "      --proc reads /proc/net/tcp instead of netlink. --netns: another network\n"
     "      namespace's sockets (an `ip netns` name, or a process's namespace), or every\n"
     "      namespace's, through tcpscope-netns (cap_sys_admin,cap_sys_ptrace).\n"},
    {"netns", "  netns [--format text|json]\n"
              "      this host's network namespaces: the named ones (`ip netns`) and those of\n"
              "      running processes and containers (/proc/PID/ns/net), by inode, with a label\n"
              "      (the name, the container from the cgroup, or the process and pid).\n"},
    {"watch", "  watch [--exact] [--interval MS] [--format text|json|stream] [--no-process]\n"
              "        [--proc] [--netns NAME|PID|all]\n"
              "      one line per state change as the poller sees it (like `ss -E`, with the old\n"
              "      and new state); MS from 100 to 10000, default 1000. Ctrl-C stops.\n"
              "      --format stream: the versioned stream a remote tab reads over SSH (a header,\n"
              "      a snapshot, then what appeared, changed or vanished; docs/watch-stream.md).\n"
              "      --exact: every change as the kernel makes it (eBPF, through tcpscope-trace\n"
              "      with cap_bpf,cap_perfmon,cap_syslog), to the nanosecond, with the process\n"
              "      that made it; TIME_WAIT's inside still polled. Without the capabilities:\n"
              "      polling, and why.\n"},
    {"kill", "  kill LOCAL REMOTE\n"
             "      destroys one TCP socket (like `ss -K`), e.g. kill 127.0.0.1:8080\n"
             "      127.0.0.1:41234, through tcpscope-trace (cap_net_admin): its application gets\n"
             "      ECONNABORTED, the peer a reset. It does not cure a CLOSE_WAIT leak: the\n"
             "      application still never calls close() on the next one.\n"},
    {"settings",
     "  settings [--format text|json]\n"
     "      the sysctls that explain what the table shows (tcp_fin_timeout, tcp_tw_reuse,\n"
     "      ip_local_port_range, somaxconn...) and the counters that confirm a diagnosis\n"
     "      (ListenOverflows, TCPTimeWaitOverflow...); missing ones say so.\n"},
    {"diagnose",
     "  diagnose [--watch] [--interval MS] [--sample SECONDS] [--format text|json]\n"
     "           [--threshold NAME=VALUE]... [--language en|zh] [--proc] [--netns NAME|PID]\n"
     "           [--exact]\n"
     "      what is wrong, with the numbers and the commands that confirm it: CLOSE_WAIT\n"
     "      leaks per process, ephemeral ports running out per destination, full accept\n"
     "      queues and SYN floods per listener, stuck closes, unanswered connects, dead\n"
     "      peers. Watches the table for SECONDS (default 2) and prints once, or with\n"
     "      --watch prints whenever the findings change. Thresholds: see the README\n"
     "      (close-wait-count=10, close-wait-age=60, port-warn-share=0.5...). Exits 0\n"
     "      when nothing is at warning level, 1 when something is. --netns: another\n"
     "      namespace's sockets, judged by that namespace's own sysctls. --exact: the\n"
     "      kernel's own transitions too (eBPF, tcpscope-trace), for the connects refused\n"
     "      at once and the connect rates that polls cannot see.\n"},
    {"serve",
     "  serve --listen ADDRESS:PORT [--interval MS] [--top N] [--threshold NAME=VALUE]...\n"
     "        [--no-process] [--proc]\n"
     "      the table as Prometheus metrics on http://ADDRESS:PORT/metrics (127.0.0.1:9464,\n"
     "      [::1]:9464, :9464 for every address; port 0 picks a free one): sockets per\n"
     "      state, per listening port, CLOSE_WAIT per process (the top N, default 10, and\n"
     "      \"other\"), the findings, the netstat counters, the poll's cost. Polls every MS\n"
     "      (default 5000) on a thread of its own; a scrape answers from the last poll.\n"},
    {"summarize",
     "  summarize FILE [--format json|text] [--time-wait SECONDS] [--allow-special-files]\n"
     "      every connection of a pcap/pcapng file (- for standard input) with both\n"
     "      endpoints' states and their full history. A named pipe or a device is read\n"
     "      only with --allow-special-files (one no one writes to would wait forever).\n"},
    {"capture",
     "  capture -i IFACE [-f FILTER] [-w FILE] [--duration SECONDS] [--format text|json]\n"
     "          [--keep-finished N]\n"
     "      a live capture: each transition as it happens; -w also saves the packets,\n"
     "      --duration stops after that many seconds (else Ctrl-C). Memory stays bounded:\n"
     "      open connections and the newest N finished ones (default 50000) are kept.\n"},
    {"export", "  export connections|transitions|counts FILE [--format csv|json] [-o OUT]\n"
               "         [--connection N] [--allow-special-files]\n"
               "      a capture's connections, their transitions (all, or connection N's), or the\n"
               "      count of endpoints per state over time, as CSV (header row, ISO-8601 UTC\n"
               "      times, RFC 4180 quoting) or JSON; the format follows OUT's extension.\n"},
    {"lab", "  lab list [--format text|json] [--language en|zh]\n"
            "  lab run NAME [--step] [--format text|json] [--language en|zh] [--pcap-fd N]\n"
            "      plays a scenario step by step, printing each step and the transitions the\n"
            "      kernel table shows; --step waits for Enter before each step. Exits 1 when a\n"
            "      step does not show what it claims, 3 when the scenario needs root.\n"
            "      A scenario in a namespace of its own (simultaneous) also writes, with\n"
            "      --format json, that namespace's socket table as `table` events, and with\n"
            "      --pcap-fd N its packets on lo as a pcap stream to descriptor N.\n"},
};

const CommandUsage *findCommand(const QString &name)
{
    for (const CommandUsage &c : kCommands) {
        if (name == QLatin1String(c.name))
            return &c;
    }
    return nullptr;
}

const char *headingBefore(const char *name)
{
    const QLatin1String n(name);
    if (n == QLatin1String("snapshot"))
        return kKernelHeading;
    if (n == QLatin1String("summarize"))
        return kPacketsHeading;
    if (n == QLatin1String("lab"))
        return kLabHeading;
    return nullptr;
}

} // namespace

void printUsage(FILE *to)
{
    std::fputs("usage: tcpscope-cli [--version] [--help] COMMAND [OPTIONS]\n"
               "       tcpscope-cli COMMAND --help\n",
               to);
    for (const CommandUsage &c : kCommands) {
        if (const char *heading = headingBefore(c.name)) {
            std::fputs("\n", to);
            std::fputs(heading, to);
        }
        std::fputs(c.text, to);
    }
    std::fputs("\n"
               "  --version   the versions of tcpscope, Qt, libpcap and QCustomPlot\n"
               "  --help      this text; COMMAND --help prints that command's part\n",
               to);
}

QStringList cliCommands()
{
    QStringList names;
    for (const CommandUsage &c : kCommands)
        names.append(QLatin1String(c.name));
    return names;
}

bool asksForHelp(const QStringList &args)
{
    return args.contains(u"--help"_qs) || args.contains(u"-h"_qs);
}

bool printCommandUsage(const QString &command)
{
    const CommandUsage *c = findCommand(command);
    if (!c)
        return false;
    // "usage: tcpscope-cli NAME ...", a second synopsis (lab run) under the first.
    QString text = QString::fromUtf8(c->text + 2);
    text.replace(u"\n  "_qs + QLatin1String(c->name) + u' ',
                 u"\n       tcpscope-cli "_qs + QLatin1String(c->name) + u' ');
    std::fprintf(stdout, "usage: tcpscope-cli %s\n", qPrintable(text));
    return true;
}
