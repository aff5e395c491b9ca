// tcpscope-cli diagnose: the findings of the diagnosis engine, once (after watching the table
// for a short sample, so that growth and rates exist) or as they change. Exit status 0 when
// nothing is at warning level or above, 1 when something is, 2 on a usage error.
#include "cli_diagnose.h"
#include "cli_netns.h"
#include "cli_output.h"
#include "cli_signals.h"

#include "diagnose/diagnosisengine.h"
#include "diagnose/findingformat.h"
#include "formats/jsonwriter.h"
#include "kernel/tracestream.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace tcpscope;

namespace {

struct DiagnoseOptions
{
    bool watch = false, json = false, forceProc = false, exact = false;
    int intervalMs = 1000;
    double sampleS = 2;
    QString language = QStringLiteral("en");
    DiagnosisThresholds thresholds;
    NetnsSelection netns;
};

QString parse(const QStringList &args, DiagnoseOptions &o)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        const QString v = i + 1 < args.size() ? args[i + 1] : QString();
        bool ok = true;
        if (a == u"--watch") {
            o.watch = true;
            continue;
        }
        if (a == u"--proc") {
            o.forceProc = true;
            continue;
        }
        if (a == u"--exact") {
            o.exact = true;
            continue;
        }
        ++i; // every other option takes a value
        if (a == u"--format" && (v == u"json" || v == u"text"))
            o.json = v == u"json";
        else if (a == u"--language" && (v == u"en" || v == u"zh"))
            o.language = v;
        else if (a == u"--interval" && (o.intervalMs = v.toInt(&ok), ok) && o.intervalMs >= 100
                 && o.intervalMs <= 10000)
            continue;
        else if (a == u"--sample" && (o.sampleS = v.toDouble(&ok), ok) && o.sampleS >= 0
                 && o.sampleS <= 600)
            continue;
        else if (a == u"--netns") {
            QString error;
            const auto netns = parseNetnsOption(v, &error);
            if (!netns || netns->kind == NetnsSelection::Kind::All)
                return netns ? QStringLiteral("--netns all: diagnose one namespace at a time")
                             : error;
            o.netns = *netns;
        } else if (a == u"--threshold") {
            QString error;
            if (!setThreshold(o.thresholds, v, &error))
                return error;
        } else
            return QStringLiteral("bad option or value: '%1 %2'").arg(a, v).trimmed();
    }
    return {};
}

std::string render(const DiagnosisEngine &engine, const DiagnoseOptions &o, double time,
                   int sockets)
{
    std::string out;
    if (o.json) {
        JsonWriter w(out);
        w.beginObject();
        w.key("time");
        w.value(time, 3);
        w.field("sockets", sockets);
        w.plainField("worst",
                     engine.findings().empty() ? "none" : findingLevelName(engine.worstLevel()));
        w.key("findings");
        writeFindingsJson(w, engine.findings());
        w.endObject();
        out += '\n';
    } else if (engine.findings().empty()) {
        out = "no findings (" + std::to_string(sockets) + " sockets)\n";
    } else {
        out = findingsText(engine.findings(), o.language);
    }
    return out;
}

// What a change is worth printing for: the findings and their levels.
QString signature(const std::vector<Finding> &findings)
{
    QString s;
    for (const Finding &f : findings)
        s += f.key + u'=' + QLatin1String(findingLevelName(f.level)) + u';';
    return s;
}

// --exact: the kernel's own transitions since the last poll, for the connects and refusals a
// poll cannot see. False once the trace has ended.
bool feedTrace(TraceStream &trace, std::uint32_t netns, DiagnosisEngine &engine)
{
    std::vector<TracedEvent> events;
    TraceStream::Status st = TraceStream::Status::Events;
    for (int reads = 0; reads < 256 && st == TraceStream::Status::Events; ++reads)
        st = trace.read(events, 0);
    std::vector<Transition> ts;
    for (const TracedEvent &e : events) {
        if (changesState(e) && (!netns || e.raw.netns == netns))
            ts.push_back(toTransition(e));
    }
    engine.addTransitions(ts);
    return st != TraceStream::Status::Ended;
}

std::unique_ptr<TraceStream> startTrace()
{
    auto trace = std::make_unique<TraceStream>();
    QString error;
    if (trace->start(&error)) {
        std::fprintf(stderr, "tcpscope-cli diagnose: exact transitions from the kernel (eBPF)\n");
        return trace;
    }
    std::fprintf(stderr,
                 "tcpscope-cli diagnose: no exact transitions (%s): diagnosing from polls "
                 "alone, without refused connects\n",
                 qPrintable(error.simplified()));
    return nullptr;
}

} // namespace

int runDiagnose(const QStringList &args)
{
    DiagnoseOptions o;
    if (const QString err = parse(args, o); !err.isEmpty()) {
        std::fprintf(stderr, "tcpscope-cli diagnose: %s (see tcpscope-cli --help)\n",
                     qPrintable(err));
        return 2;
    }
    KernelTableOptions ko;
    ko.forceProc = o.forceProc;
    if (const QByteArray root = qgetenv("TCPSCOPE_PROC_ROOT"); !root.isEmpty())
        ko.procRoot = QString::fromLocal8Bit(root);
    ko.netns = o.netns;
    KernelTable table(ko);
    if (table.source() == TableSource::None) {
        std::fprintf(stderr, "tcpscope-cli diagnose: %s\n", qPrintable(table.notice()));
        return 2;
    }
    DiagnosisEngine engine(o.thresholds, ko.procRoot);
    std::unique_ptr<TraceStream> trace = o.exact ? startTrace() : nullptr;
    auto pollOnce = [&] {
        if (trace && !feedTrace(*trace, table.namespaceInode(), engine)) {
            std::fprintf(stderr, "tcpscope-cli diagnose: the trace ended: %s\n",
                         qPrintable(trace->errorText().simplified()));
            trace.reset();
        }
        const KernelPollBatch batch = pollBatch(table);
        engine.addPoll(batch.stats.time, *batch.rows, table.hostFacts()); // the namespace's own
        return batch.stats;
    };
    if (!o.watch) {
        PollStats stats = pollOnce();
        for (double waited = 0; waited < o.sampleS; waited += o.intervalMs / 1000.0) {
            QThread::msleep(unsigned(o.intervalMs));
            stats = pollOnce();
        }
        if (!table.notice().isEmpty())
            std::fprintf(stderr, "tcpscope-cli diagnose: %s\n", qPrintable(table.notice()));
        std::string out = render(engine, o, stats.time, stats.sockets);
        writeStdout(out);
        return engine.countAtLeast(FindingLevel::Warning) > 0 ? 1 : 0;
    }

    const std::unique_ptr<QSocketNotifier> stop = quitOnSignals();
    if (!stop)
        return 2;
    QString last = QStringLiteral("(nothing printed yet)");
    auto step = [&] {
        const PollStats stats = pollOnce();
        const QString now = signature(engine.findings());
        if (now == last)
            return;
        last = now;
        std::string out = render(engine, o, stats.time, stats.sockets);
        if (!o.json)
            out = "# " + std::to_string(qint64(stats.time)) + "\n" + out;
        writeStdout(out);
    };
    step();
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, step);
    timer.start(o.intervalMs);
    QCoreApplication::exec();
    return engine.countAtLeast(FindingLevel::Warning) > 0 ? 1 : 0;
}
