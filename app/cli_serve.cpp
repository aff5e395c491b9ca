// tcpscope-cli serve --listen ADDRESS:PORT: a KernelPoller polls the table on its own thread
// every interval; Qt's HTTP server answers /metrics on the main thread from the last poll (a
// scrape never waits for a dump). The text is rendered by capture/formats/metricsexposition.
#include "cli_serve.h"
#include "cli_signals.h"

#include "diagnose/diagnosisengine.h"
#include "formats/metricsexposition.h"
#include "formats/prometheustext.h"
#include "kernel/kernelpoller.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <optional>

using namespace tcpscope;

namespace {

struct ServeOptions
{
    QHostAddress address;
    int port = -1;
    int intervalMs = 5000;
    bool processes = true, forceProc = false;
    MetricsOptions metrics;
    DiagnosisThresholds thresholds;
};

// "127.0.0.1:9464", "[::1]:9464", "localhost:9464", ":9464" or "*:9464" (every address).
bool parseListen(const QString &text, ServeOptions &o)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const int port = text.mid(colon + 1).toInt(&ok);
    if (colon < 0 || !ok || port < 0 || port > 65535)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || host == u"*")
        o.address = QHostAddress::Any;
    else if (host == u"localhost")
        o.address = QHostAddress::LocalHost;
    else if (!o.address.setAddress(host))
        return false;
    o.port = port;
    return true;
}

QString parse(const QStringList &args, ServeOptions &o)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--no-process") {
            o.processes = false;
            continue;
        }
        if (a == u"--proc") {
            o.forceProc = true;
            continue;
        }
        if (i + 1 >= args.size())
            return QStringLiteral("unknown option or missing value: '%1'").arg(a);
        const QString v = args[++i];
        bool ok = false;
        if (a == u"--listen") {
            if (!parseListen(v, o))
                return QStringLiteral("--listen takes ADDRESS:PORT (127.0.0.1:9464, "
                                      "[::1]:9464, :9464), not '%1'")
                    .arg(v);
        } else if (a == u"--interval") {
            o.intervalMs = v.toInt(&ok);
            if (!ok || o.intervalMs < KernelPoller::kMinIntervalMs
                || o.intervalMs > KernelPoller::kMaxIntervalMs)
                return QStringLiteral("--interval takes milliseconds from 100 to 10000");
        } else if (a == u"--top") {
            o.metrics.topProcesses = v.toInt(&ok);
            if (!ok || o.metrics.topProcesses < 0 || o.metrics.topProcesses > 1000)
                return QStringLiteral("--top takes a number of processes from 0 to 1000");
        } else if (a == u"--threshold") {
            QString error;
            if (!setThreshold(o.thresholds, v, &error))
                return error;
        } else {
            return QStringLiteral("unknown option '%1'").arg(a);
        }
    }
    if (o.port < 0)
        return QStringLiteral("--listen ADDRESS:PORT is needed (e.g. --listen 127.0.0.1:9464)");
    return {};
}

// The last poll and what all polls cost, kept on the main thread for the scrapes.
struct Exporter
{
    std::optional<KernelPollBatch> last;
    MetricsSource source;
    QString procRoot;
    MetricsOptions options;

    void take(const KernelPollBatch &b)
    {
        last = b;
        ++source.polls;
        source.pollSecondsTotal +=
            (b.stats.readMs + b.stats.processMs + b.stats.diffMs + b.diagnoseMs) / 1000;
    }
    QByteArray render()
    {
        source.last = last ? &*last : nullptr;
        source.counters = readNetstatCounters(procRoot); // a small file, not a dump
        std::string out;
        out.reserve(16384);
        writeMetrics(out, source, options);
        return QByteArray(out.data(), qsizetype(out.size()));
    }
};

} // namespace

int runServe(const QStringList &args)
{
    ServeOptions o;
    if (const QString err = parse(args, o); !err.isEmpty()) {
        std::fprintf(stderr, "tcpscope-cli serve: %s (see tcpscope-cli --help)\n", qPrintable(err));
        return 2;
    }
    KernelTableOptions ko;
    ko.processes = o.processes;
    ko.forceProc = o.forceProc;
    if (const QByteArray root = qgetenv("TCPSCOPE_PROC_ROOT"); !root.isEmpty())
        ko.procRoot = QString::fromLocal8Bit(root);
    Exporter exporter;
    exporter.procRoot = ko.procRoot;
    exporter.options = o.metrics;
    exporter.source.intervalS = o.intervalMs / 1000.0;

    QHttpServer server;
    server.route(QStringLiteral("/metrics"), [&exporter] {
        QHttpServerResponse r(kPrometheusContentType, exporter.render());
        return r;
    });
    server.route(QStringLiteral("/"), [] {
        return QHttpServerResponse(
            "text/html; charset=utf-8",
            "<html><head><title>tcpscope</title></head><body><h1>tcpscope</h1>"
            "<p><a href=\"/metrics\">Metrics</a></p></body></html>\n");
    });
    const quint16 port = server.listen(o.address, quint16(o.port));
    if (port == 0) {
        std::fprintf(stderr,
                     "tcpscope-cli serve: cannot listen on %s:%d (in use, or not an "
                     "address of this host)\n",
                     qPrintable(o.address.toString()), o.port);
        return 1;
    }
    KernelPoller poller(ko);
    QObject::connect(&poller, &KernelPoller::polled, &server,
                     [&exporter](const KernelPollBatch &b) { exporter.take(b); });
    poller.start(o.intervalMs);
    poller.setDiagnosisThresholds(o.thresholds);
    const QString host = o.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + o.address.toString() + u']'
                             : o.address.toString();
    std::fprintf(stderr,
                 "tcpscope-cli serve: http://%s:%u/metrics; polling every %d ms; Ctrl-C stops\n",
                 qPrintable(host), unsigned(port), o.intervalMs);
    std::fflush(stderr);
    const std::unique_ptr<QSocketNotifier> stop = quitOnSignals();
    if (!stop)
        return 1;
    std::signal(SIGPIPE, SIG_IGN); // a scraper that goes away is no reason to stop
    const int code = QCoreApplication::exec();
    poller.stop();
    return code;
}
