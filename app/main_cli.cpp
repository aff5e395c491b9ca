// tcpscope-cli: the command-line companion. Links no Gui or Widgets.
#include "cli_export.h"
#include "cli_kernel.h"
#include "cli_lab.h"
#include "cli_packets.h"
#include "cli_trace.h"
#include "versions.h"

#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

namespace {

void printUsage(FILE *to)
{
    std::fputs(
        "usage: tcpscope-cli [--version] [--help] COMMAND [OPTIONS]\n"
        "\n"
        "The kernel's socket table (needs no privileges):\n"
        "  snapshot [--format json|text] [--state S[,S...]] [--no-process] [--tcp-info] [--proc]\n"
        "      every TCP socket now, with its process, timer and queues, and the count per\n"
        "      state. JSON by default. --state filters in the kernel (TIME_WAIT,\n"
        "      close-wait, ESTAB...). --proc reads /proc/net/tcp instead of netlink.\n"
        "  watch [--exact] [--interval MS] [--format text|json] [--no-process] [--proc]\n"
        "      one line per state change as the poller sees it (like `ss -E`, with the old\n"
        "      and new state); MS from 100 to 10000, default 1000. Ctrl-C stops.\n"
        "      --exact: every change as the kernel makes it (eBPF, through tcpscope-trace\n"
        "      with cap_bpf,cap_perfmon,cap_syslog), to the nanosecond, with the process\n"
        "      that made it; TIME_WAIT's inside still polled. Without the capabilities:\n"
        "      polling, and why.\n"
        "  kill LOCAL REMOTE\n"
        "      destroys one TCP socket (like `ss -K`), e.g. kill 127.0.0.1:8080\n"
        "      127.0.0.1:41234, through tcpscope-trace (cap_net_admin): its application gets\n"
        "      ECONNABORTED, the peer a reset. It does not cure a CLOSE_WAIT leak: the\n"
        "      application still never calls close() on the next one.\n"
        "  settings [--format text|json]\n"
        "      the sysctls that explain what the table shows (tcp_fin_timeout, tcp_tw_reuse,\n"
        "      ip_local_port_range, somaxconn...) and the counters that confirm a diagnosis\n"
        "      (ListenOverflows, TCPTimeWaitOverflow...); missing ones say so.\n"
        "\n"
        "Packets (capture files; live capture through the tcpscope-capture helper):\n"
        "  summarize FILE [--format json|text] [--time-wait SECONDS]\n"
        "      every connection of a pcap/pcapng file (- for standard input) with both\n"
        "      endpoints' states and their full history.\n"
        "  capture [-i IFACE] [-f FILTER] [-w FILE] [--format text|json]\n"
        "      a live capture: each transition as it happens; -w also saves the packets.\n"
        "  export connections|transitions|counts FILE [--format csv|json] [-o OUT]\n"
        "         [--connection N]\n"
        "      a capture's connections, their transitions (all, or connection N's), or the\n"
        "      count of endpoints per state over time, as CSV (header row, ISO-8601 UTC\n"
        "      times, RFC 4180 quoting) or JSON; the format follows OUT's extension.\n"
        "\n"
        "The Lab (textbook situations with real sockets on loopback):\n"
        "  lab list [--format text|json] [--language en|zh]\n"
        "  lab run NAME [--step] [--format text|json] [--language en|zh]\n"
        "      plays a scenario step by step, printing each step and the transitions the\n"
        "      kernel table shows; --step waits for Enter before each step. Exits 1 when a\n"
        "      step does not show what it claims, 3 when the scenario needs root.\n"
        "\n"
        "  --version   the versions of tcpscope, Qt, libpcap and QCustomPlot\n"
        "  --help      this text\n",
        to);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty()) {
        printUsage(stderr);
        return 2;
    }
    const QString &cmd = args.first();
    if (cmd == u"--version") {
        std::fputs(qPrintable(tcpscope::versionText(QStringLiteral("tcpscope-cli"))), stdout);
        return 0;
    }
    if (cmd == u"--help" || cmd == u"-h" || cmd == u"help") {
        printUsage(stdout);
        return 0;
    }
    if (cmd == u"snapshot")
        return runSnapshot(args.mid(1));
    if (cmd == u"watch")
        return runWatch(args.mid(1));
    if (cmd == u"settings")
        return runSettings(args.mid(1));
    if (cmd == u"kill")
        return runKill(args.mid(1));
    if (cmd == u"summarize")
        return runSummarize(args.mid(1));
    if (cmd == u"capture")
        return runCapture(args.mid(1));
    if (cmd == u"export")
        return runExport(args.mid(1));
    if (cmd == u"lab")
        return runLab(args.mid(1));
    std::fprintf(stderr, "tcpscope-cli: unknown command '%s' (see tcpscope-cli --help)\n",
                 qPrintable(cmd));
    return 2;
}
