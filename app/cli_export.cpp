#include "cli_export.h"
#include "cli_output.h"

#include "formats/dataexport.h"
#include "packets/capturereader.h"

#include <QFile>

#include <cstdio>

using namespace tcpscope;

namespace {

int usageError(const QString &message)
{
    std::fprintf(stderr, "tcpscope-cli export: %s (see tcpscope-cli --help)\n",
                 qPrintable(message));
    return 2;
}

} // namespace

int runExport(const QStringList &args)
{
    QString what, file, output, format;
    std::optional<std::uint32_t> connection;
    bool allowSpecial = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--allow-special-files") {
            allowSpecial = true;
        } else if (a == u"--format" && i + 1 < args.size()) {
            format = args[++i];
            if (format != u"csv" && format != u"json")
                return usageError(QStringLiteral("--format takes csv or json"));
        } else if ((a == u"-o" || a == u"--output") && i + 1 < args.size()) {
            output = args[++i];
        } else if (a == u"--connection" && i + 1 < args.size()) {
            bool ok = false;
            connection = args[++i].toUInt(&ok);
            if (!ok)
                return usageError(QStringLiteral("--connection takes a connection number"));
        } else if (a.startsWith(u"--") || (a.startsWith(u'-') && a != u"-")) {
            return usageError(QStringLiteral("unknown option '%1'").arg(a));
        } else if (what.isEmpty()) {
            what = a;
        } else if (file.isEmpty()) {
            file = a;
        } else {
            return usageError(QStringLiteral("one capture at a time"));
        }
    }
    if (what != u"connections" && what != u"transitions" && what != u"counts")
        return usageError(QStringLiteral("say what to export: connections, transitions or counts"));
    if (file.isEmpty())
        return usageError(QStringLiteral("name a capture file, or - for standard input"));
    if (connection && what != u"transitions")
        return usageError(QStringLiteral("--connection goes with transitions"));
    if (format.isEmpty()) // from the output's name, else CSV
        format = output.endsWith(u".json", Qt::CaseInsensitive) ? u"json"_qs : u"csv"_qs;

    CaptureReader reader;
    reader.setAllowSpecialFiles(allowSpecial);
    QString error;
    if (!reader.open(file, &error)) {
        std::fprintf(stderr, "tcpscope-cli export: %s\n", qPrintable(error));
        return 1;
    }
    TcpTracker tracker;
    const bool complete = reader.read(tracker, &error);
    tracker.finish(reader.stats().lastTimeNs);
    if (connection && *connection >= tracker.connections().size()) {
        std::fprintf(stderr,
                     "tcpscope-cli export: %s has %zu connections (0 to %zu); there is no %u\n",
                     qPrintable(file), tracker.connections().size(),
                     tracker.connections().size() - 1, *connection);
        return 1;
    }
    const int digits = reader.stats().precisionDigits;
    const DataTable table = what == u"connections"   ? connectionsTable(tracker, digits)
                            : what == u"transitions" ? transitionsTable(tracker, connection, digits)
                                                     : countsTable(countsOverTime(tracker), digits);
    const QByteArray bytes = format == u"json" ? toJson(table) : toCsv(table);
    if (output.isEmpty() || output == u"-") {
        std::string text(bytes.constData(), std::size_t(bytes.size()));
        writeStdout(text);
    } else {
        QFile out(output);
        if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size()) {
            std::fprintf(stderr, "tcpscope-cli export: cannot write %s: %s\n", qPrintable(output),
                         qPrintable(out.errorString()));
            return 1;
        }
    }
    if (!complete) {
        std::fprintf(stderr, "tcpscope-cli export: %s (what was read is exported)\n",
                     qPrintable(error));
        return 1;
    }
    return 0;
}
