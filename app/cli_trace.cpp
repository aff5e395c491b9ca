#include "cli_trace.h"
#include "cli_netns.h"
#include "cli_output.h"

#include "formats/snapshotformat.h"
#include "kernel/kerneltable.h"
#include "kernel/tracemerge.h"
#include "kernel/tracestream.h"

#include <QCoreApplication>
#include <QProcess>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <unordered_map>

using namespace tcpscope;

namespace {

int g_stopFds[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_stopFds[1], &c, 1);
}

class ExactWatch
{
public:
    ExactWatch(const ExactWatchOptions &o, TraceStream &trace)
        : m_o(o)
        , m_trace(trace)
        , m_table(tableOptions(o))
    {}

    static KernelTableOptions tableOptions(const ExactWatchOptions &o)
    {
        KernelTableOptions ko;
        ko.processes = o.processes;
        ko.forceProc = o.forceProc;
        ko.procRoot = o.procRoot;
        ko.netns = o.netns;
        return ko;
    }

    void baseline()
    {
        m_table.poll();
        m_labels = netnsLabels(m_table);
    }
    int sockets() const { return m_table.table().aliveCount(); }

    // The trace's new events, printed at once (the process is the event's own).
    bool readTrace()
    {
        std::vector<TracedEvent> events;
        const TraceStream::Status st = m_trace.read(events, 0);
        std::string out;
        for (const TracedEvent &e : events) {
            // The trace sees every namespace: only the chosen one's (all with 0).
            if (m_table.namespaceInode() && e.raw.netns != m_table.namespaceInode())
                continue;
            m_merge.traced(e);
            if (changesState(e))
                print(out, toTransition(e), nullptr);
        }
        writeStdout(out);
        if (m_trace.eventsLost() != m_reportedLost) {
            m_reportedLost = m_trace.eventsLost();
            std::fprintf(stderr,
                         "tcpscope-cli watch: %llu events lost so far (the trace's ring buffer "
                         "was full)\n",
                         static_cast<unsigned long long>(m_reportedLost));
        }
        return st != TraceStream::Status::Ended;
    }

    // A poll: only what the trace cannot see (TraceMerge), marked as polled.
    void poll()
    {
        const std::vector<Transition> ts = m_table.poll();
        std::unordered_map<std::uint64_t, const SocketRecord *> byKey;
        for (const SocketRow &row : m_table.table().rows())
            byKey.emplace(row.key, &row.record);
        std::string out;
        for (const Transition &t : ts) {
            if (!m_merge.keepPolled(t))
                continue;
            const auto it = byKey.find(t.connection);
            print(out, t, it == byKey.end() ? nullptr : it->second);
        }
        writeStdout(out);
    }

private:
    void print(std::string &out, const Transition &t, const SocketRecord *rec)
    {
        const ProcessMap *pm = m_o.processes && rec ? &m_table.processes() : nullptr;
        if (m_o.json)
            writeTransitionJson(out, t, pm, rec, true, &m_labels);
        else
            writeTransitionText(out, t, pm, rec);
    }

    const ExactWatchOptions &m_o;
    TraceStream &m_trace;
    KernelTable m_table;
    TraceMerge m_merge;
    NetnsLabels m_labels;
    std::uint64_t m_reportedLost = 0;
};

} // namespace

int runWatchExact(const ExactWatchOptions &o, int (*fallback)(const ExactWatchOptions &))
{
    TraceStream trace;
    QString error;
    if (!trace.start(&error)) {
        std::fprintf(stderr,
                     "tcpscope-cli watch: no exact transitions: %s\n"
                     "tcpscope-cli watch: polling instead\n",
                     qPrintable(error));
        return fallback(o);
    }
    ExactWatch watch(o, trace);
    watch.baseline();
    std::fprintf(stderr,
                 "tcpscope-cli watch: %d sockets now; exact transitions from the kernel "
                 "(eBPF), TIME_WAIT's inside polled every %d ms; Ctrl-C stops\n",
                 watch.sockets(), o.intervalMs);

    if (::pipe(g_stopFds) != 0)
        return 1;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, onSignal);
    QSocketNotifier stop(g_stopFds[0], QSocketNotifier::Read);
    QObject::connect(&stop, &QSocketNotifier::activated, qApp, [] { QCoreApplication::quit(); });
    QSocketNotifier events(trace.fd(), QSocketNotifier::Read);
    int status = 0;
    QObject::connect(&events, &QSocketNotifier::activated, qApp, [&] {
        if (!watch.readTrace()) {
            events.setEnabled(false);
            std::fprintf(stderr, "tcpscope-cli watch: the trace ended: %s\n",
                         qPrintable(trace.errorText().trimmed()));
            status = 1;
            QCoreApplication::quit();
        }
    });
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] { watch.poll(); });
    timer.start(o.intervalMs);
    const int rc = QCoreApplication::exec();
    trace.stop();
    return rc != 0 ? rc : status;
}

int runKill(const QStringList &args)
{
    if (args.size() != 2) {
        std::fputs("tcpscope-cli kill: takes LOCAL REMOTE, e.g. 127.0.0.1:8080 127.0.0.1:41234 "
                   "(see tcpscope-cli --help)\n",
                   stderr);
        return 2;
    }
    QProcess helper;
    helper.setProcessChannelMode(QProcess::ForwardedChannels);
    helper.start(traceHelperPath(), {QStringLiteral("--kill"), args[0], args[1]});
    if (!helper.waitForStarted(10000)) {
        std::fprintf(stderr, "tcpscope-cli kill: cannot run %s: %s\n",
                     qPrintable(traceHelperPath()), qPrintable(helper.errorString()));
        return 1;
    }
    helper.waitForFinished(60000);
    return helper.exitStatus() == QProcess::NormalExit ? helper.exitCode() : 1;
}
