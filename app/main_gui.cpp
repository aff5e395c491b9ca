// tcpscope: the desktop application.
#include "mainwindow.h"
#include "theme.h"
#include "uilanguage.h"
#include "versions.h"

#include <QApplication>
#include <QGuiApplication>
#include <QSettings>

#include <cstdio>
#include <cstring>

int main(int argc, char *argv[])
{
    // --version needs no display: answer it before QApplication looks for one.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::fputs(qPrintable(tcpscope::versionText(QStringLiteral("tcpscope"))), stdout);
            return 0;
        }
    }
    const bool haveDisplay = qEnvironmentVariableIsSet("DISPLAY")
                             || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
                             || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
    if (!haveDisplay) {
        std::fputs("tcpscope: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                   "  Run it in a desktop session, over ssh -X, or with a virtual display:\n"
                   "    xvfb-run -a tcpscope\n"
                   "  For a terminal-only machine, tcpscope-cli gives the same data.\n",
                   stderr);
        return 2;
    }

    QApplication app(argc, argv);
    Q_INIT_RESOURCE(resources);
    QApplication::setApplicationName(QStringLiteral("tcpscope"));
    QApplication::setOrganizationName(QStringLiteral("tcpscope"));
    QApplication::setApplicationVersion(tcpscope::tcpscopeVersion());

    tcpscope::applyTheme(
        QSettings().value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString());
    tcpscope::UiLanguage::instance().set(tcpscope::UiLanguage::preferred());

    tcpscope::MainWindow window;
    window.show();
    // `tcpscope capture.pcapng ...`: each file opens in a tab of its own.
    for (const QString &arg : QApplication::arguments().mid(1)) {
        if (!arg.startsWith(u'-'))
            window.openCapture(arg);
    }
    return app.exec();
}
