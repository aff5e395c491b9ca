#include "cli_packets.h"

#include "capturereader.h"
#include "summaryformat.h"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

using namespace tcpscope;

namespace {

int usageError(const char *command, const QString &message)
{
    std::fprintf(stderr, "tcpscope-cli %s: %s (see tcpscope-cli --help)\n", command,
                 qPrintable(message));
    return 2;
}

void writeOut(std::string &s)
{
    const char *p = s.data();
    std::size_t left = s.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        p += n;
        left -= std::size_t(n);
    }
    s.clear();
}

} // namespace

int runSummarize(const QStringList &args)
{
    bool json = true;
    double timeWaitSeconds = 60;
    QString file;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--format" && i + 1 < args.size()) {
            const QString v = args[++i];
            if (v != u"json" && v != u"text")
                return usageError("summarize", QStringLiteral("--format takes json or text"));
            json = v == u"json";
        } else if (a == u"--time-wait" && i + 1 < args.size()) {
            bool ok = false;
            timeWaitSeconds = args[++i].toDouble(&ok);
            if (!ok || timeWaitSeconds <= 0)
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
    QString error;
    if (!reader.open(file, &error)) {
        std::fprintf(stderr, "tcpscope-cli summarize: %s\n", qPrintable(error));
        return 1;
    }
    TcpTracker tracker(std::int64_t(timeWaitSeconds * 1e9));
    const bool complete = reader.read(tracker, &error);
    tracker.finish(reader.stats().lastTimeNs);
    std::string out;
    if (json) {
        writeSummaryJson(out, tracker, reader.stats(), writeOut);
    } else {
        writeSummaryText(out, tracker, reader.stats());
    }
    writeOut(out);
    if (!complete) {
        std::fprintf(stderr, "tcpscope-cli summarize: %s\n", qPrintable(error));
        return 1;
    }
    return 0;
}
