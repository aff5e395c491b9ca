#include "cli_kernel.h"
#include "cli_netns.h"
#include "cli_output.h"
#include "cli_signals.h"
#include "cli_trace.h"

#include "formats/jsonwriter.h"
#include "formats/snapshotformat.h"
#include "formats/watchstream.h"
#include "kernel/kerneltable.h"
#include "kernel/systemsettings.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <unistd.h>
#include <unordered_map>

using namespace tcpscope;

namespace {

struct CommonOptions
{
    bool json = false;
    bool stream = false; // watch --format stream: the versioned stream (docs/watch-stream.md)
    bool processes = true;
    std::uint32_t stateMask = kAllLinuxStates;
    int intervalMs = 1000;
    bool forceProc = false;
    bool tcpInfo = false;
    bool exact = false; // watch --exact: the kernel's own transitions (eBPF)
    QString procRoot = QStringLiteral("/proc");
    NetnsSelection netns;
};

int usageError(const char *command, const QString &message)
{
    std::fprintf(stderr, "tcpscope-cli %s: %s (see tcpscope-cli --help)\n", command,
                 qPrintable(message));
    return 2;
}

// Parses the options both commands share; returns an empty string or the error.
QString parseOptions(const QStringList &args, CommonOptions &o, bool isWatch)
{
    o.json = !isWatch; // snapshot defaults to JSON, watch to text
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        auto next = [&](QString *v) {
            if (i + 1 >= args.size())
                return false;
            *v = args[++i];
            return true;
        };
        QString v;
        if (a == u"--format" || a.startsWith(u"--format=")) {
            if (a != u"--format")
                v = a.mid(9);
            else if (!next(&v))
                v.clear();
            if (isWatch && v == u"stream") {
                o.stream = true;
                continue;
            }
            if (v != u"json" && v != u"text")
                return isWatch ? QStringLiteral("--format takes json, text or stream")
                               : QStringLiteral("--format takes json or text");
            o.json = v == u"json";
            o.stream = false;
        } else if (a == u"--no-process") {
            o.processes = false;
        } else if (a == u"--state" && !isWatch) {
            if (!next(&v))
                return QStringLiteral("--state takes a state name or a comma-separated list");
            std::vector<TcpState> states;
            for (const QString &name : v.split(u',', Qt::SkipEmptyParts)) {
                const auto s = parseTcpState(name);
                if (!s)
                    return QStringLiteral("unknown state '%1' (use names like TIME_WAIT, "
                                          "established, close-wait)")
                        .arg(name);
                states.push_back(*s);
            }
            if (states.empty())
                return QStringLiteral("--state needs at least one state");
            o.stateMask = linuxStateMask(states);
        } else if (a == u"--interval" && isWatch) {
            bool ok = false;
            if (!next(&v) || (o.intervalMs = v.toInt(&ok), !ok) || o.intervalMs < 100
                || o.intervalMs > 10000)
                return QStringLiteral("--interval takes milliseconds from 100 to 10000");
        } else if (a == u"--exact" && isWatch) {
            o.exact = true;
        } else if (a == u"--tcp-info" && !isWatch) {
            o.tcpInfo = true; // RTT and retransmissions per socket (sock_diag only)
        } else if (a == u"--netns") {
            QString error;
            if (!next(&v))
                return QStringLiteral("--netns takes a namespace name, a pid or all");
            const auto netns = parseNetnsOption(v, &error);
            if (!netns)
                return error;
            o.netns = *netns;
        } else if (a == u"--proc") {
            o.forceProc = true; // read /proc/net/tcp even though netlink works
        } else {
            return QStringLiteral("unknown option '%1'").arg(a);
        }
    }
    if (const QByteArray root = qgetenv("TCPSCOPE_PROC_ROOT"); !root.isEmpty())
        o.procRoot = QString::fromLocal8Bit(root); // tests: a /proc without net/tcp
    if (o.stream && o.exact)
        return QStringLiteral("--exact does not go with --format stream (the stream is polled)");
    return {};
}

// The kernel table the options ask for (watch never sets --state or --tcp-info).
KernelTableOptions tableOptions(const CommonOptions &o)
{
    KernelTableOptions ko;
    ko.stateMask = o.stateMask;
    ko.processes = o.processes;
    ko.forceProc = o.forceProc;
    ko.tcpInfo = o.tcpInfo;
    ko.procRoot = o.procRoot;
    ko.netns = o.netns;
    return ko;
}

} // namespace

int runSnapshot(const QStringList &args)
{
    CommonOptions o;
    if (const QString err = parseOptions(args, o, false); !err.isEmpty())
        return usageError("snapshot", err);

    KernelTable table(tableOptions(o));
    std::vector<SocketRecord> records;
    const bool ok = table.read(records);
    if (!table.notice().isEmpty())
        std::fprintf(stderr, "tcpscope-cli snapshot: %s\n", qPrintable(table.notice()));
    if (!ok)
        return 1;
    ProcessMap processes(o.procRoot);
    if (o.processes)
        processes.update(records);
    std::string out;
    const char *source = tableSourceName(table.source());
    const NetnsLabels labels = netnsLabels(table);
    if (o.json)
        writeSnapshotJson(out, records, o.processes ? &processes : nullptr, source, table.notice(),
                          nowSeconds(), writeStdout, &labels); // streamed, a MiB at a time
    else
        writeSnapshotText(out, records, o.processes ? &processes : nullptr, source, table.notice(),
                          &labels, o.netns.kind == NetnsSelection::Kind::All);
    writeStdout(out);
    return 0;
}

namespace {
int watchPolling(const CommonOptions &o);
int watchStream(const CommonOptions &o);

int watchPollingInstead(const ExactWatchOptions &e)
{
    CommonOptions o;
    o.json = e.json;
    o.processes = e.processes;
    o.intervalMs = e.intervalMs;
    o.forceProc = e.forceProc;
    o.procRoot = e.procRoot;
    o.netns = e.netns;
    return watchPolling(o);
}
} // namespace

int runWatch(const QStringList &args)
{
    CommonOptions o;
    if (const QString err = parseOptions(args, o, true); !err.isEmpty())
        return usageError("watch", err);
    if (o.stream)
        return watchStream(o);
    if (o.exact)
        return runWatchExact({o.json, o.processes, o.intervalMs, o.forceProc, o.procRoot, o.netns},
                             &watchPollingInstead);
    return watchPolling(o);
}

namespace {
int watchPolling(const CommonOptions &o)
{
    KernelTable table(tableOptions(o));
    QString lastNotice;
    if (table.source() == TableSource::None) {
        std::fprintf(stderr, "tcpscope-cli watch: %s\n", qPrintable(table.notice()));
        return 1;
    }

    auto pollOnce = [&] {
        const std::vector<Transition> ts = table.poll();
        if (table.notice() != lastNotice) {
            lastNotice = table.notice();
            std::fprintf(stderr, "tcpscope-cli watch: %s\n", qPrintable(lastNotice));
        }
        if (ts.empty())
            return;
        std::unordered_map<std::uint64_t, const SocketRecord *> byKey;
        byKey.reserve(table.table().rows().size());
        for (const SocketRow &row : table.table().rows())
            byKey.emplace(row.key, &row.record);
        std::string out;
        const NetnsLabels labels = netnsLabels(table);
        for (const Transition &t : ts) {
            const auto it = byKey.find(t.connection);
            const SocketRecord *rec = it == byKey.end() ? nullptr : it->second;
            if (o.json)
                writeTransitionJson(out, t, o.processes ? &table.processes() : nullptr, rec, false,
                                    &labels);
            else
                writeTransitionText(out, t, o.processes ? &table.processes() : nullptr, rec);
        }
        writeStdout(out);
    };
    pollOnce(); // the baseline: what exists now is not a transition
    std::fprintf(stderr,
                 "tcpscope-cli watch: %d sockets now; polling %s every %d ms; Ctrl-C stops\n",
                 table.table().aliveCount(), tableSourceName(table.source()), o.intervalMs);

    // Stop cleanly on SIGINT/SIGTERM (and when stdout's reader goes away: SIGPIPE).
    const std::unique_ptr<QSocketNotifier> stop = quitOnSignals();
    if (!stop)
        return 1;

    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, pollOnce);
    timer.start(o.intervalMs);
    return QCoreApplication::exec();
}
} // namespace

namespace {
// watch --format stream: the header, the first poll as a snapshot, then each poll's changes,
// with the sysctls and the host's facts whenever they change.
int watchStream(const CommonOptions &o)
{
    KernelTable table(tableOptions(o)); // --netns too: another namespace's stream
    WatchStreamWriter writer;
    QString lastNotice;
    bool headerWritten = false;
    auto pollOnce = [&] {
        const KernelPollBatch batch = pollBatch(table);
        if (table.notice() != lastNotice) {
            lastNotice = table.notice();
            std::fprintf(stderr, "tcpscope-cli watch: %s\n", qPrintable(lastNotice));
        }
        std::string out;
        if (!headerWritten) {
            writer.writeHeader(out, localStreamHeader(o.intervalMs,
                                                      QLatin1String(tableSourceName(batch.source)),
                                                      o.processes));
            headerWritten = true;
        }
        writer.writeSettings(out, readSysctls(o.procRoot));
        writer.writeFacts(out, readHostFacts(o.procRoot));
        writer.writePoll(out, batch);
        writeStdout(out);
    };
    pollOnce();
    const std::unique_ptr<QSocketNotifier> stop = quitOnSignals();
    if (!stop)
        return 1;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, pollOnce);
    timer.start(o.intervalMs);
    return QCoreApplication::exec();
}
} // namespace

int runSettings(const QStringList &args)
{
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--format" && i + 1 < args.size()
            && (args[i + 1] == u"json" || args[i + 1] == u"text"))
            json = args[++i] == u"json";
        else
            return usageError("settings", QStringLiteral("unknown option '%1'").arg(args[i]));
    }
    QString root = QStringLiteral("/proc");
    if (const QByteArray r = qgetenv("TCPSCOPE_PROC_ROOT"); !r.isEmpty())
        root = QString::fromLocal8Bit(r);
    const std::vector<SettingValue> sysctls = readSysctls(root);
    const std::vector<SettingValue> counters = readNetstatCounters(root);
    std::string out;
    if (json) {
        JsonWriter w(out);
        w.beginObject();
        for (const auto &[key, list] :
             {std::pair{"sysctls", &sysctls}, std::pair{"counters", &counters}}) {
            w.key(key);
            w.beginObject();
            for (const SettingValue &v : *list) {
                const QByteArray name = v.name.toUtf8();
                w.key(std::string_view(name.constData(), std::size_t(name.size())));
                if (v.value)
                    w.value(*v.value);
                else
                    w.null(); // missing on this kernel, or unreadable
            }
            w.endObject();
        }
        w.endObject();
        out += '\n';
    } else {
        for (const auto &[title, list] : {std::pair{"# sysctls", &sysctls},
                                          std::pair{"# counters (/proc/net/netstat)", &counters}}) {
            out += title;
            out += '\n';
            for (const SettingValue &v : *list) {
                char line[256];
                std::snprintf(line, sizeof line, "%-34s %s\n", qPrintable(v.name),
                              v.value ? qPrintable(*v.value) : "(missing)");
                out += line;
            }
        }
    }
    writeStdout(out);
    return 0;
}
