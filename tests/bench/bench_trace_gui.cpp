// The window under a storm with exact transitions (issue 16, Speed: "GUI frame time ≤ 16 ms
// and no GUI stall over 50 ms while the diagram animates it"): the kernel tab, polling and
// tracing through tcpscope-trace, while THREADS threads connect, accept and close on loopback
// as fast as they can for SECONDS. Every 16 ms a timer repaints the whole tab at once (the
// diagram's tokens, the chart, the table) and times it: the frame time; the gap between two
// of its ticks beyond 16 ms is the time the event loop was busy elsewhere (the trace's
// batches, polls, the model): the stalls. Prints both, and what was recorded.
//   sudo TCPSCOPE_TRACE_HELPER=build/app/tcpscope-trace bench_trace_gui [SECONDS] [THREADS]
// Run by hand (tests/bench/trace_gui_bench.sh), never under CTest.
#include "diagram/statediagramview.h"
#include "loopbackstorm.h"
#include "pages/kernelpage.h"
#include "pages/kerneltrace.h"
#include "pages/sourceviews.h"
#include "timedapplication.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace tcpscope;

namespace {

bench::Storm g_storm;

struct Stats
{
    std::vector<double> ms;
    double pct(double p)
    {
        std::sort(ms.begin(), ms.end());
        return ms.empty() ? 0 : ms[std::size_t(p * double(ms.size() - 1))];
    }
    double mean() const
    {
        double t = 0;
        for (double m : ms)
            t += m;
        return ms.empty() ? 0 : t / double(ms.size());
    }
};

} // namespace

int main(int argc, char **argv)
{
    tcpscope::bench::TimedApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 15;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    KernelPage page(true);
    page.resize(1400, 900);
    page.show();
    auto *mode = page.findChild<KernelTraceMode *>();
    QElapsedTimer wait;
    wait.start();
    while (mode && !mode->isExact() && mode->notice().isEmpty() && wait.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!mode || !mode->isExact()) {
        std::fprintf(stderr, "not tracing: %s\n", mode ? qPrintable(mode->notice()) : "?");
        return 1;
    }

    const int l = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(l, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    ::listen(l, 4096);
    socklen_t len = sizeof addr;
    ::getsockname(l, reinterpret_cast<sockaddr *>(&addr), &len);
    const std::size_t before = page.store().transitionCount();
    const std::uint64_t droppedBefore = page.store().droppedTransitions();
    const std::size_t tokensBefore = page.sourceViews()->diagram->animator().startedLog().size();
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([&] { g_storm.run(l, addr); });

    Stats frames, gaps;
    QElapsedTimer clock, tick;
    clock.start();
    tick.start();
    QTimer frame;
    frame.setTimerType(Qt::PreciseTimer);
    QObject::connect(&frame, &QTimer::timeout, [&] {
        gaps.ms.push_back(double(tick.nsecsElapsed()) / 1e6);
        tick.restart();
        QElapsedTimer paint;
        paint.start();
        page.repaint(); // the whole tab, synchronously
        frames.ms.push_back(double(paint.nsecsElapsed()) / 1e6);
        if (clock.elapsed() > seconds * 1000)
            QApplication::quit();
    });
    frame.start(16);
    QApplication::exec();
    g_storm.stop = true;
    ::shutdown(l, SHUT_RDWR);
    for (std::thread &w : workers)
        w.join();
    const double wall = double(clock.elapsed()) / 1000.0;
    const std::uint64_t recorded = page.store().transitionCount() - before
                                   + (page.store().droppedTransitions() - droppedBefore);
    const std::size_t tokens =
        page.sourceViews()->diagram->animator().startedLog().size() - tokensBefore;
    const double longest = *std::max_element(gaps.ms.begin(), gaps.ms.end());
    const auto over =
        std::count_if(gaps.ms.begin(), gaps.ms.end(), [](double g) { return g > 50; });
    std::printf("connections: %llu in %.1f s = %.0f/s (%d threads)\n",
                (unsigned long long)g_storm.connections.load(), wall,
                double(g_storm.connections) / wall, threads);
    std::printf("transitions recorded by the tab: %llu = %.0f/s, %.2f per connection (10 made)\n",
                (unsigned long long)recorded, double(recorded) / wall,
                double(recorded) / double(std::max<std::uint64_t>(1, g_storm.connections)));
    std::printf("diagram tokens started: %zu\n", tokens);
    std::printf("frame (repaint of the whole tab): %zu frames, mean %.2f ms, median %.2f, p95 "
                "%.2f, p99 %.2f, max %.2f ms\n",
                frames.ms.size(), frames.mean(), frames.pct(0.5), frames.pct(0.95),
                frames.pct(0.99), frames.pct(1.0));
    std::printf("event loop between 16 ms ticks: median %.2f ms, p99 %.2f, longest %.1f ms; "
                "%lld gaps over 50 ms\n",
                gaps.pct(0.5), gaps.pct(0.99), longest, (long long)over);
    std::printf("status: %s\n", qPrintable(mode->modeText(page.interval())));
    return 0;
}
