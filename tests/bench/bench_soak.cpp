// bench_soak (--live PORT | --kernel) [--minutes M] [--no-kernel-poll]: the real window for M
// minutes (default 10), as a user runs it — MainWindow with its kernel-table poller every
// second (--no-kernel-poll: without, so that a live capture is measured alone) — either
// capturing live on lo ("tcp port PORT", through the real helper) or just watching the kernel
// table. Every 10 s it prints the resident memory, the longest event-loop stall of those 10 s
// (the gap between ticks of a 10 ms timer, less 10 ms), the kernel table's rows and the
// transitions its record keeps, and for a live capture the packets,
// the connections kept and the helper's drop report; at the end a summary: the RSS range
// and its growth over the second half (after warm-up), and the longest stall after the first
// 5 s. Run it under xvfb-run (tests/bench/soak_live.sh, soak_kernel.sh).
// With TCPSCOPE_SLOW_EVENTS=MS it also prints, to stderr, every event of the GUI thread that
// took longer than MS milliseconds: its type and its receiver's class (where a stall comes from).
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "timedapplication.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double rssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    }
    return -1;
}

struct Sample
{
    int seconds;
    double rss;
    double stallMs;
};

} // namespace

int main(int argc, char *argv[])
{
    tcpscope::bench::TimedApplication app(argc, argv);
    QStringList args = QApplication::arguments().mid(1);
    int port = 0;
    double minutes = 10;
    const bool poll = !args.contains(u"--no-kernel-poll"_qs);
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--live" && i + 1 < args.size())
            port = args[++i].toInt();
        else if (args[i] == u"--minutes" && i + 1 < args.size())
            minutes = args[++i].toDouble();
    }
    tcpscope::MainWindow window(poll);
    window.resize(1400, 900);
    window.show();
    tcpscope::LiveCapturePage *live = nullptr;
    tcpscope::LiveDelta last;
    if (port > 0) {
        live = window.openLiveCapture();
        QObject::connect(live, &tcpscope::LiveCapturePage::deltaShown,
                         [&](const tcpscope::LiveDelta &d) {
                             last.packets = d.packets;
                             last.connections = d.connections;
                             if (!d.dropReport.isEmpty())
                                 last.dropReport = d.dropReport;
                         });
        live->start(QStringLiteral("lo"), QStringLiteral("tcp port %1").arg(port));
    }
    QElapsedTimer clock;
    clock.start();
    qint64 lastTick = 0, worst = 0;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (lastTick > 0)
            worst = std::max(worst, now - lastTick - 10'000'000);
        lastTick = now;
    });
    tick.start(10);
    std::vector<Sample> samples;
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, [&] {
        const int t = int(clock.elapsed() / 1000);
        samples.push_back({t, rssMb(), double(worst) / 1e6});
        std::printf("soak: %4d s  rss %7.1f MB  longest stall %6.1f ms", t, samples.back().rss,
                    samples.back().stallMs);
        const tcpscope::KernelPage *kernel = window.kernelPage();
        std::printf("  table rows %d  transitions kept %zu", kernel->model()->rowCount(),
                    kernel->store().transitionCount());
        if (live)
            std::printf("  packets %llu  kept %u  %s", (unsigned long long)last.packets,
                        last.connections, qPrintable(last.dropReport));
        std::printf("\n");
        std::fflush(stdout);
        worst = 0;
    });
    report.start(10000);
    const auto summary = [&] {
        const std::size_t half = samples.size() / 2;
        double lo = 1e18, hi = 0, stall = 0;
        for (std::size_t i = half; i < samples.size(); ++i) {
            lo = std::min(lo, samples[i].rss);
            hi = std::max(hi, samples[i].rss);
        }
        for (const Sample &s : samples)
            stall = s.seconds > 10 ? std::max(stall, s.stallMs) : stall;
        const double span =
            samples.size() > half + 1 ? (samples.back().seconds - samples[half].seconds) / 60.0 : 0;
        const double growth = span > 0 ? (samples.back().rss - samples[half].rss) / span : 0;
        std::printf("soak summary: %.1f min; second half rss %.1f..%.1f MB (%+.1f MB/min); "
                    "longest stall after the first 10 s %.1f ms%s%s%s\n",
                    minutes, lo, hi, growth, stall, live ? "; helper: " : "",
                    live ? qPrintable(last.dropReport) : "",
                    live ? qPrintable(u" "_qs + live->message()) : "");
        std::fflush(stdout);
        QTimer::singleShot(1000, &app, &QApplication::quit);
    };
    QTimer::singleShot(int(minutes * 60'000), [&] {
        if (!live)
            return summary();
        // The final delta carries the helper's last drop report.
        QObject::connect(live, &tcpscope::LiveCapturePage::stopped, summary);
        live->stop();
    });
    return app.exec();
}
