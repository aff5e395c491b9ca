// tcpscope: the desktop application. With --export it draws its pictures and writes its data
// without a window (the offscreen platform) and exits.
#include "export/windowexport.h"
#include "kernel/kernelpoller.h"
#include "mainwindow.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "theme.h"
#include "uilanguage.h"
#include "versions.h"

#include <QApplication>
#include <QGuiApplication>
#include <QSettings>

#include <cstdio>
#include <cstring>

namespace {

const char *const kExportHelp =
    "usage: tcpscope [FILE...]\n"
    "       tcpscope --export KIND=PATH [--export KIND=PATH...] [--from CAPTURE]\n"
    "                [--scale 1|2|3] [--screen-style] [--no-caption] [--caption TEXT]\n"
    "                [--language en|zh]\n"
    "Pictures (PNG, SVG or PDF by PATH's extension): diagram, chart, table, history, window.\n"
    "Data (CSV or JSON): connections, transitions, counts.\n"
    "Without --from, the views show the kernel's socket table now (one poll).\n";

int fail(int code, const QString &message)
{
    std::fprintf(stderr, "tcpscope: %s\n", qPrintable(message));
    return code;
}

struct ExportRequest
{
    QString kind, path;
};

int runHeadless(const QStringList &args)
{
    std::vector<ExportRequest> exports;
    QString from, language = QStringLiteral("en");
    tcpscope::PictureOptions options;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        const bool hasValue = i + 1 < args.size();
        if (a == u"--export" && hasValue) {
            const QString spec = args[++i];
            const qsizetype eq = spec.indexOf(u'=');
            if (eq <= 0 || eq + 1 == spec.size())
                return fail(2,
                            QStringLiteral("--export takes KIND=PATH, e.g. diagram=diagram.svg"));
            const QString kind = spec.left(eq);
            if (!tcpscope::pictureKinds().contains(kind) && !tcpscope::dataKinds().contains(kind))
                return fail(2, QStringLiteral("cannot export \"%1\": pictures are %2; data is %3")
                                   .arg(kind, tcpscope::pictureKinds().join(u", "),
                                        tcpscope::dataKinds().join(u", ")));
            exports.push_back({kind, spec.mid(eq + 1)});
        } else if (a == u"--from" && hasValue) {
            from = args[++i];
        } else if (a == u"--scale" && hasValue) {
            bool ok = false;
            options.scale = args[++i].toDouble(&ok);
            if (!ok || options.scale < 1 || options.scale > 4)
                return fail(2, QStringLiteral("--scale takes 1, 2 or 3"));
        } else if (a == u"--screen-style") {
            options.printStyle = false;
        } else if (a == u"--no-caption") {
            options.caption = false;
        } else if (a == u"--caption" && hasValue) {
            options.captionText = args[++i];
        } else if (a == u"--language" && hasValue) {
            language = args[++i];
            if (language != u"en" && language != u"zh")
                return fail(2, QStringLiteral("--language takes en or zh"));
        } else {
            return fail(
                2, QStringLiteral("unknown argument '%1'\n%2").arg(a, QLatin1String(kExportHelp)));
        }
    }
    tcpscope::UiLanguage::instance().set(language);
    tcpscope::MainWindow window(false);
    window.resize(1440, 900);
    window.show();
    if (!from.isEmpty()) {
        QString error;
        if (!window.openCaptureNow(from, &error) && !window.showingSession())
            return fail(1, error);
    } else {
        tcpscope::KernelTable table;
        window.kernelPage()->applyBatch(tcpscope::pollBatch(table));
    }
    QApplication::processEvents();
    const tcpscope::ExportTarget target = window.exportTarget();
    for (const ExportRequest &e : exports) {
        QString error;
        const bool ok = tcpscope::pictureKinds().contains(e.kind)
                            ? tcpscope::exportPicture(target, e.kind, e.path, options, &error)
                            : tcpscope::exportData(target, e.kind, e.path, &error);
        if (!ok)
            return fail(1, error);
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    bool headless = false;
    // --version needs no display: answer it before QApplication looks for one.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::fputs(qPrintable(tcpscope::versionText(QStringLiteral("tcpscope"))), stdout);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0) {
            std::fputs(kExportHelp, stdout);
            return 0;
        }
        headless = headless || std::strcmp(argv[i], "--export") == 0;
    }
    if (headless && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const bool haveDisplay = qEnvironmentVariableIsSet("DISPLAY")
                             || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
                             || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
    if (!haveDisplay) {
        std::fputs("tcpscope: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
                   "  Run it in a desktop session, over ssh -X, or with a virtual display:\n"
                   "    xvfb-run -a tcpscope\n"
                   "  tcpscope --export ... draws pictures without one; tcpscope-cli gives the\n"
                   "  same data in a terminal.\n",
                   stderr);
        return 2;
    }

    QApplication app(argc, argv);
    Q_INIT_RESOURCE(resources);
    QApplication::setApplicationName(QStringLiteral("tcpscope"));
    QApplication::setOrganizationName(QStringLiteral("tcpscope"));
    QApplication::setApplicationVersion(tcpscope::tcpscopeVersion());
    if (headless)
        return runHeadless(QApplication::arguments().mid(1));

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
