// bench_gui [HOLDER_PID...]: the window under a big kernel table (run it where the sockets
// are: see gui_bench.sh). Reports the time to apply one poll to the table model (with its
// sorted, filtered view), one replot of a 24-hour chart at 1-second resolution, and the GUI
// thread's longest stall while the real poller runs for ten seconds. Given the socket holders'
// pids, it then makes the bursts users meet — every held connection reset at once (vanishing
// in one poll), as many opened at once, all closed gracefully at once (half to TIME_WAIT) —
// and the TIME_WAITs made at the start expiring together, and reports the longest stall after
// each; and the first filter keystroke and a sort by Process at that size.
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/kernelpage.h"
#include "widgets/statecountchart.h"

#include "models/socketfilterproxy.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include <signal.h>

using namespace tcpscope;

namespace {

// CLOCK_MONOTONIC, to find a burst in a profile (perf record -k CLOCK_MONOTONIC).
double monotonicSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// This thread's CPU time (ms): what a turn cost, whatever else loads the machine.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Stall
{
    double wallMs = 0; // the longest gap between two 5 ms ticks, beyond 5 ms
    double cpuMs = 0;  // the most CPU time this thread spent between two ticks
    double totalCpuMs = 0;
    double cpuAt = 0; // when the turn of cpuMs began (CLOCK_MONOTONIC s), to find it in a profile
};

// The GUI thread's longest stall between now and `untilMs` (a 5 ms timer that should fire on
// time; what it is late by is the stall), in wall time and in this thread's CPU time (on a
// loaded machine the wall time holds other processes' turns too).
Stall measureStall(int untilMs)
{
    QElapsedTimer clock, sinceTick;
    clock.start();
    sinceTick.start();
    Stall worst;
    const double cpuStart = threadCpuMs();
    double cpuAtTick = cpuStart, tickAt = monotonicSeconds();
    QTimer tick;
    QEventLoop loop;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const double cpu = threadCpuMs();
        worst.wallMs = std::max(worst.wallMs, sinceTick.nsecsElapsed() / 1e6 - 5.0);
        if (cpu - cpuAtTick > 10 && std::getenv("BENCH_TICKS")) // to find it in a profile
            std::printf("    turn at monotonic %.3f s: %.1f ms CPU\n", tickAt, cpu - cpuAtTick);
        if (cpu - cpuAtTick > worst.cpuMs) {
            worst.cpuMs = cpu - cpuAtTick;
            worst.cpuAt = tickAt;
        }
        cpuAtTick = cpu;
        tickAt = monotonicSeconds();
        sinceTick.restart();
        if (clock.elapsed() > untilMs)
            loop.quit();
    });
    tick.start(5);
    loop.exec();
    worst.totalCpuMs = threadCpuMs() - cpuStart;
    return worst;
}

double longestStall(int untilMs) { return measureStall(untilMs).wallMs; }

void signalAll(const std::vector<pid_t> &holders, int sig)
{
    for (pid_t p : holders)
        ::kill(p, sig);
}

void massChanges(const std::vector<pid_t> &holders)
{
    MainWindow w(true); // the real poller, on its thread, every second
    w.resize(1280, 820);
    w.show();
    std::printf("mass changes (the real poller every 1 s):\n");
    std::fflush(stdout);
    const Stall first = measureStall(8000);
    std::printf("  first polls: longest stall %.1f ms (GUI thread CPU: longest turn %.1f ms)\n",
                first.wallMs, first.cpuMs);
    const std::pair<const char *, int> bursts[] = {
        {"every held connection reset at once (rows vanish)", SIGUSR1},
        {"as many connections opened at once (rows appear)", SIGUSR2},
        {"every held connection closed at once (TIME_WAIT / vanish)", SIGHUP}};
    for (const auto &[what, sig] : bursts) {
        const int before = w.kernelPage()->model()->rowCount();
        std::printf("  [monotonic %.3f s] %s\n", monotonicSeconds(), what);
        signalAll(holders, sig);
        const Stall stall = measureStall(8000);
        std::printf("  %s: %d -> %d rows, longest stall %.1f ms (GUI thread CPU: longest turn "
                    "%.1f ms at monotonic %.3f s, %.0f ms in 8 s)\n",
                    what, before, w.kernelPage()->model()->rowCount(), stall.wallMs, stall.cpuMs,
                    stall.cpuAt, stall.totalCpuMs);
    }
    // The TIME_WAITs made before the bench started expire about 60 s after they were made.
    std::printf("  [monotonic %.3f s] the first TIME_WAITs expiring\n", monotonicSeconds());
    const int before = w.kernelPage()->model()->rowCount();
    const Stall stall = measureStall(45000);
    std::printf("  the first TIME_WAITs expiring (45 s watched): %d -> %d rows, longest stall "
                "%.1f ms (GUI thread CPU: longest turn %.1f ms at monotonic %.3f s)\n",
                before, w.kernelPage()->model()->rowCount(), stall.wallMs, stall.cpuMs,
                stall.cpuAt);
    // Keystrokes in the filter, and sorts, at this size.
    const int rows = w.kernelPage()->model()->rowCount();
    for (const char *typed : {"1", "12", "127.0.0.1:"}) {
        QElapsedTimer t;
        t.start();
        w.kernelPage()->filterEdit()->setText(QString::fromLatin1(typed));
        QCoreApplication::processEvents();
        const double ms = t.nsecsElapsed() / 1e6;
        std::printf("  filter keystroke \"%s\" at %d rows: %.1f ms, %d rows shown (and %.1f ms "
                    "stall after)\n",
                    typed, rows, ms, w.kernelPage()->proxy()->rowCount(), longestStall(1500));
    }
    w.kernelPage()->filterEdit()->clear();
    longestStall(1500);
    QElapsedTimer t;
    for (int column : {int(KernelSocketModel::Local), int(KernelSocketModel::State)}) {
        t.restart();
        w.kernelPage()->table()->sortByColumn(column, Qt::DescendingOrder);
        QCoreApplication::processEvents();
        std::printf(
            "  sort by %s: %.1f ms\n",
            qPrintable(w.kernelPage()->model()->headerData(column, Qt::Horizontal).toString()),
            t.nsecsElapsed() / 1e6);
    }
    t.restart();
    w.kernelPage()->table()->sortByColumn(KernelSocketModel::Process, Qt::AscendingOrder);
    QCoreApplication::processEvents();
    std::printf("  sort by Process: %.1f ms\n", t.nsecsElapsed() / 1e6);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Q_INIT_RESOURCE(resources);
    {
        MainWindow w(false);
        w.resize(1280, 820);
        w.show();
        KernelTable table;
        // The first poll: every row new, inserted a chunk per event-loop turn.
        QElapsedTimer load;
        load.start();
        const KernelPollBatch first = pollBatch(table);
        double longestTurn = 0;
        {
            QElapsedTimer t;
            t.start();
            w.kernelPage()->applyBatch(first);
            longestTurn = t.nsecsElapsed() / 1e6;
        }
        while (w.kernelPage()->model()->rowCount() < int(first.rows->size())) {
            QElapsedTimer t;
            t.start();
            QCoreApplication::processEvents();
            longestTurn = std::max(longestTurn, t.nsecsElapsed() / 1e6);
        }
        std::printf(
            "first poll: %d rows in the table after %.0f ms, longest event-loop turn %.1f ms\n",
            w.kernelPage()->model()->rowCount(), load.nsecsElapsed() / 1e6, longestTurn);
        std::vector<double> applyMs;
        for (int i = 0; i < 5; ++i) {
            const KernelPollBatch b = pollBatch(table);
            QElapsedTimer t;
            t.start();
            w.kernelPage()->applyBatch(b);
            QCoreApplication::processEvents(); // the view's own work on the update
            applyMs.push_back(t.nsecsElapsed() / 1e6);
        }
        std::sort(applyMs.begin(), applyMs.end());
        std::printf("apply one poll to the model + view: median %.1f ms, max %.1f ms\n", applyMs[2],
                    applyMs.back());
    }
    {
        StateCountChart chart;
        chart.resize(1280, 300);
        chart.show();
        StateCounts c{};
        const double start = 1.7e9;
        for (int s = 0; s < 86400; ++s) {
            for (int i = 0; i < kTcpStateCount; ++i)
                c[std::size_t(i)] = (s / (i + 1)) % 5000;
            chart.addSample(start + s, c);
        }
        chart.setWindow(0); // the whole 24 hours
        std::vector<double> ms;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            chart.replot(QCustomPlot::rpImmediateRefresh);
            ms.push_back(t.nsecsElapsed() / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        std::printf("replot of a 24 h, 1 s chart (86,400 samples x 11 series): median %.1f ms\n",
                    ms[2]);
    }
    {
        MainWindow w(true); // the real poller, on its thread
        w.show();
        // from the start: the first poll, with every row new, counts too
        const Stall steady = measureStall(10000);
        std::printf("GUI thread's longest stall over 10 s of 1 s polls, the first included: %.1f "
                    "ms (GUI thread CPU: longest turn %.1f ms, %.0f ms in 10 s)\n",
                    steady.wallMs, steady.cpuMs, steady.totalCpuMs);
    }
    std::vector<pid_t> holders;
    for (int i = 1; i < argc; ++i)
        holders.push_back(pid_t(std::atoi(argv[i])));
    if (!holders.empty())
        massChanges(holders);
    return 0;
}
