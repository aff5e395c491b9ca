#include "cli_packets.h"
#include "cli_output.h"

#include "formats/liveprinter.h"
#include "formats/summaryformat.h"
#include "nanoseconds.h"
#include "packets/capturehelper.h"
#include "packets/capturereader.h"
#include "packets/interfaces.h"
#include "packets/pipelinedread.h"

#include <QCoreApplication>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unistd.h>

using namespace tcpscope;

namespace {

int usageError(const char *command, const QString &message)
{
    std::fprintf(stderr, "tcpscope-cli %s: %s (see tcpscope-cli --help)\n", command,
                 qPrintable(message));
    return 2;
}

} // namespace

int runSummarize(const QStringList &args)
{
    bool json = true;
    double timeWaitSeconds = 60;
    QString file;
    bool allowSpecial = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--allow-special-files") {
            allowSpecial = true;
        } else if (a == u"--format" && i + 1 < args.size()) {
            const QString v = args[++i];
            if (v != u"json" && v != u"text")
                return usageError("summarize", QStringLiteral("--format takes json or text"));
            json = v == u"json";
        } else if (a == u"--time-wait" && i + 1 < args.size()) {
            bool ok = false;
            timeWaitSeconds = args[++i].toDouble(&ok);
            if (!ok || timeWaitSeconds <= 0 || !nsFromSeconds(timeWaitSeconds))
                return usageError("summarize",
                                  QStringLiteral("--time-wait takes seconds (2·MSL, 60 on Linux)"));
        } else if (a.startsWith(u"--") && a != u"-") {
            return usageError("summarize", QStringLiteral("unknown option '%1'").arg(a));
        } else if (file.isEmpty()) {
            file = a;
        } else {
            return usageError("summarize", QStringLiteral("one capture at a time"));
        }
    }
    if (file.isEmpty())
        return usageError("summarize",
                          QStringLiteral("name a capture file, or - for standard input"));

    CaptureReader reader;
    reader.setAllowSpecialFiles(allowSpecial);
    QString error;
    if (!reader.open(file, &error)) {
        std::fprintf(stderr, "tcpscope-cli summarize: %s\n", qPrintable(error));
        return 1;
    }
    TcpTracker tracker(*nsFromSeconds(timeWaitSeconds));
    reader.reserveFor(tracker);
    const bool complete = readPipelined(reader, tracker, &error);
    tracker.finish(reader.stats().lastTimeNs);
    std::string out;
    if (json) {
        writeSummaryJson(out, tracker, reader.stats(), writeStdout);
    } else {
        writeSummaryText(out, tracker, reader.stats());
    }
    writeStdout(out);
    if (!complete) {
        std::fprintf(stderr, "tcpscope-cli summarize: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}

namespace {

struct CaptureOptions
{
    QString iface;
    QString filter = QStringLiteral("tcp");
    QString saveTo;
    double duration = 0;
    bool json = false;
    std::size_t keepFinished = 50'000;
};

// The options, or the exit code of a usage error.
std::optional<int> parseCaptureOptions(const QStringList &args, CaptureOptions &o)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if ((a == u"-i" || a == u"--interface") && hasValue) {
            o.iface = args[++i];
        } else if ((a == u"-f" || a == u"--filter") && hasValue) {
            o.filter = args[++i];
        } else if ((a == u"-w" || a == u"--write") && hasValue) {
            o.saveTo = args[++i];
        } else if (a == u"--duration" && hasValue) {
            bool ok = false;
            o.duration = args[++i].toDouble(&ok);
            if (!ok || o.duration <= 0)
                return usageError("capture", QStringLiteral("--duration takes seconds"));
        } else if (a == u"--format" && hasValue) {
            const QString v = args[++i];
            if (v != u"json" && v != u"text")
                return usageError("capture", QStringLiteral("--format takes json or text"));
            o.json = v == u"json";
        } else if (a == u"--keep-finished" && hasValue) {
            bool ok = false;
            const qulonglong n = args[++i].toULongLong(&ok);
            if (!ok || n > 100'000'000)
                return usageError("capture",
                                  QStringLiteral("--keep-finished takes a count (0 to 100000000)"));
            o.keepFinished = std::size_t(n);
        } else {
            return usageError("capture", QStringLiteral("unknown option '%1'").arg(a));
        }
    }
    if (o.iface.isEmpty())
        return usageError("capture", QStringLiteral("-i INTERFACE is required (lo, any, eth0...)"));
    return std::nullopt;
}

// Starts the helper and opens its stream (saved too, with -w); the exit code on a failure.
std::optional<int> openCapture(const CaptureOptions &o, CaptureHelper &proc, CaptureReader &reader)
{
    QString error;
    if (!proc.start(captureHelperPath(),
                    {QStringLiteral("-i"), o.iface, QStringLiteral("-f"), o.filter}, &error)) {
        std::fprintf(stderr, "tcpscope-cli capture: %s\n", qPrintable(error));
        return 1;
    }
    if (!reader.open(proc.takeOutput(), QStringLiteral("the capture on ") + o.iface, &error)) {
        const int code = proc.wait();
        const QString why = proc.errorText().trimmed();
        std::fprintf(stderr, "tcpscope-cli capture: %s\n", qPrintable(why.isEmpty() ? error : why));
        return code == 0 ? 1 : code;
    }
    if (!o.saveTo.isEmpty() && !reader.saveTo(o.saveTo, &error)) {
        std::fprintf(stderr, "tcpscope-cli capture: %s\n", qPrintable(error));
        proc.stop();
        return 1;
    }
    return std::nullopt;
}

// Reads the stream to its end, printing each transition as the tracker records it and
// retiring finished connections beyond the bound (formats/liveprinter.h). False at a read
// error (*error says which).
bool printTransitionsLive(const CaptureOptions &o, CaptureHelper &proc, CaptureReader &reader,
                          QString *error)
{
    TcpTracker tracker;
    LivePrinterOptions po;
    po.json = o.json;
    po.keepFinished = o.keepFinished;
    LivePrinter printer(tracker, po);
    std::string out;
    reader.setSegmentObserver([&](const Segment &) {
        printer.afterSegment(out, reader.stats().lastTimeNs);
        if (!out.empty())
            writeStdout(out);
    });
    proc.stopAfter(o.duration); // and on SIGINT/SIGTERM: the helper ends, the stream ends
    const bool clean = reader.read(tracker, error);
    printer.flush(out);
    if (!out.empty())
        writeStdout(out);
    if (printer.retired() > 0)
        std::fprintf(stderr,
                     "tcpscope-cli capture: %llu connections, %llu finished ones no longer kept "
                     "in memory (--keep-finished %zu)\n",
                     (unsigned long long)printer.connectionsSeen(),
                     (unsigned long long)printer.retired(), o.keepFinished);
    if (!reader.saveError().isEmpty())
        proc.stop(); // -w could not be written: capturing on would lose packets unsaid
    return clean;
}

// The drop report and what the helper said; the exit code.
int reportCaptureEnd(const CaptureOptions &o, CaptureHelper &proc, const CaptureReader &reader,
                     bool clean, const QString &error)
{
    const int code = proc.wait();
    const QString stats = proc.lastStats();
    const bool died = code != 0 && !proc.stoppedByUs();
    if (!stats.isEmpty())
        std::fprintf(stderr, "tcpscope-cli capture: %llu packets, %s%s\n",
                     (unsigned long long)reader.stats().packets,
                     died ? "the helper's last drop report, from before it ended: " : "",
                     qPrintable(stats));
    if (!reader.saveError().isEmpty()) {
        std::fprintf(stderr, "tcpscope-cli capture: %s; the capture was stopped\n",
                     qPrintable(reader.saveError()));
        return 1;
    }
    const QString why = proc.errorText().trimmed();
    if (code != 0 && !why.isEmpty()) {
        std::fprintf(stderr, "tcpscope-cli capture: %s\n", qPrintable(why));
        return code;
    }
    if (died) { // what was printed stays
        const int sig = proc.termSignal();
        const char *name = sig ? sigabbrev_np(sig) : nullptr;
        const QString how = sig ? QStringLiteral("was killed (signal %1, SIG%2)")
                                      .arg(sig)
                                      .arg(QLatin1String(name ? name : "?"))
                                : QStringLiteral("exited with code %1").arg(code);
        std::fprintf(stderr,
                     "tcpscope-cli capture: the capture helper %s: the capture has stopped; "
                     "the %llu packets read until then were printed%s%s\n",
                     qPrintable(how), (unsigned long long)reader.stats().packets,
                     o.saveTo.isEmpty() ? "" : " and saved to ", qPrintable(o.saveTo));
        return 1;
    }
    if (!clean && !proc.stoppedByUs()) {
        std::fprintf(stderr, "tcpscope-cli capture: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}

} // namespace

// tcpscope-cli capture: starts the capture helper, reads its pcap stream with the same reader
// as files, and prints each transition as it happens.
int runCapture(const QStringList &args)
{
    CaptureOptions o;
    if (const std::optional<int> code = parseCaptureOptions(args, o))
        return *code;
    CaptureHelper proc;
    CaptureReader reader;
    if (const std::optional<int> code = openCapture(o, proc, reader))
        return *code;
    std::fprintf(stderr, "tcpscope-cli capture: capturing on %s (filter \"%s\")%s; Ctrl-C stops\n",
                 qPrintable(o.iface), qPrintable(o.filter),
                 o.duration > 0 ? qPrintable(QStringLiteral(" for %1 s").arg(o.duration)) : "");
    QString error;
    const bool clean = printTransitionsLive(o, proc, reader, &error);
    return reportCaptureEnd(o, proc, reader, clean, error);
}
