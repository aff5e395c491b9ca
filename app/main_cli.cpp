// tcpscope-cli: the command-line companion. Links no Gui or Widgets.
#include "versions.h"

#include <QCoreApplication>
#include <QStringList>

#include <cstdio>

namespace {

void printUsage(FILE *to)
{
    std::fputs("usage: tcpscope-cli [--version] [--help] COMMAND [ARGS]\n"
               "\n"
               "  --version   print the versions of tcpscope, Qt, libpcap and QCustomPlot\n"
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
    std::fprintf(stderr, "tcpscope-cli: unknown command '%s' (see tcpscope-cli --help)\n",
                 qPrintable(cmd));
    return 2;
}
