// tcpscope: the desktop application. With --export it draws its pictures and writes its data
// without a window (the offscreen platform) and exits.
#include "diagnose/diagnosisengine.h"
#include "export/windowexport.h"
#include "ipaddress.h"
#include "kernel/kernelpoller.h"
#include "ladder/ladderpane.h"
#include "ladder/ladderview.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "models/packetconnectionmodel.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "remote/remotesource.h"
#include "theme.h"
#include "uilanguage.h"
#include "versions.h"

#include <QApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QGuiApplication>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QTimeZone>

#include <cstdio>
#include <cstring>

namespace {

const char *const kExportHelp =
    "usage: tcpscope [--allow-special-files] [--prometheus URL] [FILE...]\n"
    "       tcpscope --remote USER@HOST[:PORT] [--remote-command PATH]\n"
    "       tcpscope --export KIND=PATH [--export KIND=PATH...] [--from CAPTURE]\n"
    "                [--connection N|KEY|LOCAL-REMOTE] [--segment N] [--at TIME]\n"
    "                [--scale 1|2|3] [--size WxH | --width W --height H] [--page a4|letter]\n"
    "                [--screen-style] [--no-caption] [--caption TEXT] [--language en|zh]\n"
    "                [--allow-special-files]\n"
    "--prometheus URL opens the Fleet tab on that Prometheus server (http://host:9090): the\n"
    "  hosts that run `tcpscope-cli serve`, their counts, findings and history.\n"
    "Pictures (.png, .svg or .pdf by PATH's extension): diagram, chart, table, history, ladder,\n"
    "  window.\n"
    "Data (.csv or .json): connections, transitions, selected-transitions, counts, findings,\n"
    "  segments.\n"
    "Without --from, the views show the kernel's socket table now (one poll).\n"
    "--connection selects a connection as a click in the table does (history,\n"
    "  selected-transitions): a capture's connection number (as tcpscope-cli numbers them),\n"
    "  or a kernel socket's key or LOCAL-REMOTE, e.g. 127.0.0.1:8080-127.0.0.1:41234.\n"
    "  ladder and segments: the selected capture connection's segments and both ends' states.\n"
    "--segment N (with --connection) selects the connection's Nth segment (0-based) in its\n"
    "  ladder: the diagram, table and explanation just after it; the ladder tab in front.\n"
    "--at shows a capture as it was at TIME: seconds after its first connection's first\n"
    "  packet (1.5), or an ISO-8601 time (2026-11-24T11:02:28.379Z; UTC without a zone).\n"
    "--size (or --width/--height) is the logical size of the diagram, chart and window\n"
    "  pictures before --scale; tables are as large as their text. --page: a table's PDF pages.\n"
    "--remote opens a tab with that host's kernel table over ssh (your keys, agent and\n"
    "  ~/.ssh/config; never a password); --remote-command: tcpscope-cli's path there.\n"
    "--allow-special-files reads a FILE or CAPTURE that is a named pipe or a device (refused\n"
    "  otherwise: one no one writes to would wait forever).\n";

// The offscreen platform says this of every window shown; it means nothing for an export.
QtMessageHandler g_previousHandler = nullptr;

void quietOffscreen(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(u"This plugin does not support propagateSizeHints()"))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
    else
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

// "2026-11-24T11:02:28.379208Z" (any number of decimals up to nanoseconds; no zone: UTC).
std::optional<std::int64_t> parseIsoNs(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    QDateTime base = QDateTime::fromString(m.captured(1).replace(u' ', u'T'), Qt::ISODate);
    if (!base.isValid())
        return std::nullopt;
    const QString zone = m.captured(3);
    if (zone.isEmpty() || zone == u"Z") {
        base.setTimeZone(QTimeZone::utc());
    } else {
        QString hhmm = zone.mid(1);
        hhmm.remove(u':');
        const int offset = (hhmm.left(2).toInt() * 3600 + hhmm.mid(2).toInt() * 60)
                           * (zone.startsWith(u'-') ? -1 : 1);
        base.setTimeZone(QTimeZone(offset));
    }
    const QString frac = m.captured(2).leftJustified(9, u'0');
    return base.toSecsSinceEpoch() * 1'000'000'000LL + frac.toLongLong();
}

// "127.0.0.1:8080" or "[::1]:8080"
std::optional<std::pair<tcpscope::IpAddress, std::uint16_t>> parseEndpoint(QString text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const tcpscope::IpAddress address = tcpscope::IpAddress::parse(host);
    if (!ok || port > 65535 || address.family == 0)
        return std::nullopt;
    return std::pair(address, std::uint16_t(port));
}

bool parseSize(const QString &text, QSize *size)
{
    const QStringList parts = text.toLower().split(u'x');
    bool okW = false, okH = false;
    const int w = parts.value(0).toInt(&okW), h = parts.value(1).toInt(&okH);
    if (parts.size() != 2 || !okW || !okH || w < 50 || h < 50 || w > 10000 || h > 10000)
        return false;
    *size = QSize(w, h);
    return true;
}

int fail(int code, const QString &message)
{
    std::fprintf(stderr, "tcpscope: %s\n", qPrintable(message));
    return code;
}

struct ExportRequest
{
    QString kind, path;
};

// Selects the row of `table` for which `matches` holds (a click in the table); false if none.
template<typename Match>
bool selectRow(QTableView *table, Match matches)
{
    const QAbstractItemModel *model = table->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (matches(model->index(r, 0))) {
            table->selectRow(r);
            QApplication::processEvents();
            return true;
        }
    }
    return false;
}

// --connection on a capture: its connection number.
int selectCaptureConnection(tcpscope::CapturePage *page, const QString &which)
{
    bool ok = false;
    const uint n = which.toUInt(&ok);
    if (!ok)
        return fail(2, QStringLiteral("--connection takes a connection number for a capture, "
                                      "not '%1'")
                           .arg(which));
    const int count = page->model()->rowCount();
    if (!selectRow(page->table(), [n](const QModelIndex &i) {
            return i.data(tcpscope::PacketConnectionModel::ConnectionRole).toUInt() == n;
        }))
        return fail(1, count > 0 ? QStringLiteral("the capture has %1 connections (0 to %2); "
                                                  "there is no %3")
                                       .arg(count)
                                       .arg(count - 1)
                                       .arg(n)
                                 : QStringLiteral("the capture has no connections"));
    return 0;
}

// --segment N: a row of the selected capture connection's ladder.
int selectSegment(tcpscope::CapturePage *page, const QString &connection, const QString &which)
{
    if (!page || connection.isEmpty())
        return fail(2, QStringLiteral("--segment goes with --from CAPTURE --connection N"));
    bool ok = false;
    const int n = which.toInt(&ok);
    const auto ladder = page->ladderPane()->view()->ladder();
    const int rows = ladder ? int(ladder->rows.size()) : 0;
    if (!ok || n < 0)
        return fail(2, QStringLiteral("--segment takes a segment number, not '%1'").arg(which));
    if (n >= rows)
        return fail(1, QStringLiteral("connection %1 has %2 segments (0 to %3); there is no %4")
                           .arg(connection)
                           .arg(rows)
                           .arg(rows - 1)
                           .arg(n));
    page->views().showLadder();
    page->ladderPane()->view()->selectRow(n);
    QApplication::processEvents();
    return 0;
}

// --connection on the kernel table: a socket's key, or LOCAL-REMOTE.
int selectKernelSocket(tcpscope::KernelPage *page, const QString &which)
{
    using tcpscope::KernelSocketModel;
    bool isKey = false;
    const quint64 key = which.toULongLong(&isKey);
    std::optional<std::pair<QString, QString>> tuple;
    if (!isKey) {
        const qsizetype dash = which.indexOf(u'-');
        const auto local = parseEndpoint(which.left(dash));
        const auto remote = parseEndpoint(which.mid(dash + 1));
        if (dash <= 0 || !local || !remote)
            return fail(2, QStringLiteral("--connection takes a socket key or LOCAL-REMOTE "
                                          "(127.0.0.1:8080-127.0.0.1:41234), not '%1'")
                               .arg(which));
        tuple = {tcpscope::endpointText(local->first, local->second),
                 tcpscope::endpointText(remote->first, remote->second)};
    }
    const bool found = selectRow(page->table(), [&](const QModelIndex &i) {
        if (isKey)
            return i.data(KernelSocketModel::KeyRole).toULongLong() == key;
        const auto cell = [&](int column) {
            return i.sibling(i.row(), column).data().toString();
        };
        return cell(KernelSocketModel::Local) == tuple->first
               && cell(KernelSocketModel::Remote) == tuple->second;
    });
    if (!found)
        return fail(1, QStringLiteral("no socket %1 in the kernel table").arg(which));
    return 0;
}

int runHeadless(const QStringList &args)
{
    std::vector<ExportRequest> exports;
    QString from, language = QStringLiteral("en"), connection, at, segment;
    bool allowSpecial = false;
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
            const QString path = spec.mid(eq + 1);
            const bool picture = tcpscope::pictureKinds().contains(kind);
            const QStringList formats =
                picture ? tcpscope::pictureFormats() : tcpscope::dataFormats();
            const QString ext = QFileInfo(path).suffix().toLower();
            if (!formats.contains(ext)) {
                QStringList dotted;
                for (const QString &f : formats)
                    dotted << u'.' + f;
                return fail(2,
                            QStringLiteral("cannot write %1 as \"%2\": %3 is written as %4")
                                .arg(kind, ext.isEmpty() ? path : u'.' + ext,
                                     picture ? u"a picture"_qs : u"data"_qs, dotted.join(u", ")));
            }
            exports.push_back({kind, path});
        } else if (a == u"--allow-special-files") {
            allowSpecial = true;
        } else if (a == u"--connection" && hasValue) {
            connection = args[++i];
        } else if (a == u"--segment" && hasValue) {
            segment = args[++i];
        } else if (a == u"--at" && hasValue) {
            at = args[++i];
        } else if (a == u"--size" && hasValue) {
            if (!parseSize(args[++i], &options.size))
                return fail(2, QStringLiteral("--size takes WIDTHxHEIGHT, e.g. 1200x800"));
        } else if ((a == u"--width" || a == u"--height") && hasValue) {
            bool ok = false;
            const int v = args[++i].toInt(&ok);
            if (!ok || v < 50 || v > 10000)
                return fail(2, QStringLiteral("%1 takes a size in pixels (50 to 10000)").arg(a));
            if (a == u"--width")
                options.size.setWidth(v);
            else
                options.size.setHeight(v);
        } else if (a == u"--page" && hasValue) {
            const QString page = args[++i].toLower();
            if (page != u"a4" && page != u"letter")
                return fail(2, QStringLiteral("--page takes a4 or letter"));
            options.paper = page == u"a4" ? tcpscope::PaperSize::A4 : tcpscope::PaperSize::Letter;
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
    if (!at.isEmpty() && from.isEmpty())
        return fail(2, QStringLiteral("--at goes with --from CAPTURE: the kernel table is "
                                      "polled now"));
    // --at: an absolute time, or seconds after the capture's start (made absolute once read).
    std::optional<std::int64_t> atNs;
    bool atRelative = false;
    if (!at.isEmpty()) {
        const double seconds = at.toDouble(&atRelative);
        if (atRelative && seconds >= 0)
            atNs = std::llround(seconds * 1e9);
        else if (!atRelative)
            atNs = parseIsoNs(at);
        if (!atNs)
            return fail(2, QStringLiteral("--at takes seconds into the capture (1.5) or an "
                                          "ISO-8601 time (2026-11-24T11:02:28.379Z), not '%1'")
                               .arg(at));
    }
    tcpscope::UiLanguage::instance().set(language);
    tcpscope::MainWindow window(false);
    window.resize(1440, 900);
    window.show();
    tcpscope::CapturePage *capture = nullptr;
    QString damage; // read only in part: exported, then said, and exit 1 (as tcpscope-cli)
    if (!from.isEmpty()) {
        capture = window.openCaptureNow(from, &damage, allowSpecial);
        if (!capture && !window.showingSession())
            return fail(1, damage);
    } else {
        tcpscope::KernelTableOptions kernel;
        if (const QByteArray root = qgetenv("TCPSCOPE_PROC_ROOT"); !root.isEmpty())
            kernel.procRoot = QString::fromLocal8Bit(root); // tests: a /proc without net/tcp
        tcpscope::KernelTable table(kernel);
        tcpscope::KernelPollBatch batch = tcpscope::pollBatch(table);
        if (batch.source == tcpscope::TableSource::None) // nothing to draw: no empty picture
            return fail(1, batch.notice);
        // The findings of this one poll (no history yet: a leak shows as a burst until the
        // window has watched it), with the thresholds of the settings.
        tcpscope::DiagnosisEngine engine(tcpscope::thresholdsFromSettings(), kernel.procRoot);
        batch.findings =
            std::make_shared<const std::vector<tcpscope::Finding>>(engine.addPoll(batch));
        window.kernelPage()->applyBatch(std::move(batch));
    }
    QApplication::processEvents();
    if (atNs) {
        if (!capture)
            return fail(2, QStringLiteral("--at goes with a capture; %1 holds none").arg(from));
        if (atRelative) { // seconds after the first connection's first packet
            std::int64_t first = capture->model()->result().lastTimeNs;
            if (const auto &tracker = capture->model()->result().tracker) {
                for (const tcpscope::Connection &c : tracker->connections())
                    first = std::min(first, c.firstSeenNs);
            }
            *atNs += first;
        }
        capture->showMomentAt(*atNs);
        QApplication::processEvents();
    }
    if (!connection.isEmpty()) {
        const int code = capture ? selectCaptureConnection(capture, connection)
                                 : selectKernelSocket(window.kernelPage(), connection);
        if (code != 0)
            return code;
    }
    if (!segment.isEmpty()) {
        if (const int code = selectSegment(capture, connection, segment); code != 0)
            return code;
    }
    const tcpscope::ExportTarget target = window.exportTarget();
    for (const ExportRequest &e : exports) {
        QString error;
        const bool ok = tcpscope::pictureKinds().contains(e.kind)
                            ? tcpscope::exportPicture(target, e.kind, e.path, options, &error)
                            : tcpscope::exportData(target, e.kind, e.path, &error);
        if (!ok)
            return fail(1, error);
    }
    if (!damage.isEmpty())
        return fail(1, damage + QStringLiteral(" (what was read is exported)"));
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
    if (headless)
        g_previousHandler = qInstallMessageHandler(quietOffscreen);
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
    window.showGettingStartedAtStart();
    // `tcpscope capture.pcapng ...`: each file opens in a tab of its own.
    const QStringList args = QApplication::arguments().mid(1);
    const bool allowSpecial = args.contains(u"--allow-special-files"_qs);
    QString remoteCommand; // --remote-command PATH: tcpscope-cli on the remote hosts
    for (qsizetype i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == u"--remote-command")
            remoteCommand = args[i + 1];
    }
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args[i];
        if ((arg == u"--remote" || arg == u"--remote-command") && i + 1 < args.size()) {
            const QString value = args[++i];
            if (arg == u"--remote-command")
                continue;
            const auto target = tcpscope::RemoteTarget::parse(value);
            if (!target) {
                std::fprintf(stderr, "tcpscope: --remote takes user@host[:port], not '%s'\n",
                             qPrintable(value));
                return 2;
            }
            tcpscope::RemoteOptions options = tcpscope::remoteOptionsFor(*target);
            if (!remoteCommand.isEmpty())
                options.command = remoteCommand;
            window.openRemote(options);
        } else if (arg == u"--prometheus" && i + 1 < args.size()) {
            window.showFleet(args[++i]);
        } else if (!arg.startsWith(u'-')) {
            window.openCapture(arg, allowSpecial);
        }
    }
    return app.exec();
}
