// bench_gui: the window under a big kernel table (run it where the sockets are: see
// gui_bench.sh). Reports the time to apply one poll to the table model (with its sorted,
// filtered view), one replot of a 24-hour chart at 1-second resolution, and the GUI thread's
// longest stall while the real poller runs for ten seconds.
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/kernelpage.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace tcpscope;

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
        QElapsedTimer clock, sinceTick;
        clock.start();
        sinceTick.start();
        double worst = 0;
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, [&] {
            worst = std::max(worst, sinceTick.nsecsElapsed() / 1e6 - 5.0);
            sinceTick.restart();
            if (clock.elapsed() > 10000)
                QCoreApplication::quit();
        });
        tick.start(5); // from the start: the first poll, with every row new, counts too
        QApplication::exec();
        std::printf(
            "GUI thread's longest stall over 10 s of 1 s polls, the first included: %.1f ms\n",
            worst);
    }
    return 0;
}
