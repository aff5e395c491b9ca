// tcpscope-cli: the command-line companion. Links no Gui or Widgets.
#include "cli_diagnose.h"
#include "cli_export.h"
#include "cli_kernel.h"
#include "cli_lab.h"
#include "cli_netns.h"
#include "cli_packets.h"
#include "cli_serve.h"
#include "cli_trace.h"
#include "cli_usage.h"
#include "versions.h"

#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

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
        if (args.size() > 1 && cmd == u"help") // help COMMAND
            return printCommandUsage(args[1]) ? 0 : 2;
        printUsage(stdout);
        return 0;
    }
    if (asksForHelp(args.mid(1)) && printCommandUsage(cmd))
        return 0; // COMMAND --help: that command's usage, whatever else is on the line
    if (cmd == u"snapshot")
        return runSnapshot(args.mid(1));
    if (cmd == u"watch")
        return runWatch(args.mid(1));
    if (cmd == u"netns")
        return runNetns(args.mid(1));
    if (cmd == u"settings")
        return runSettings(args.mid(1));
    if (cmd == u"diagnose")
        return runDiagnose(args.mid(1));
    if (cmd == u"serve")
        return runServe(args.mid(1));
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
