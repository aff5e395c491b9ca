// State diagram benchmark (issue: "The animated TCP state diagram"): drives RATE transitions
// a second through the diagram for SECONDS, along the paths a busy host's connections take,
// and prints frame times: each frame is the transitions of 16 ms pushed, the animation
// advanced, and the diagram repainted.
//   bench_diagram [RATE] [SECONDS] [WIDTHxHEIGHT]     (default 10000 10 900x620)
// Run it with QT_QPA_PLATFORM=offscreen, or under xvfb-run for an X11 paint path.
#include "diagram/statediagramview.h"

#include <QApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace tcpscope;
using S = TcpState;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const double rate = argc > 1 ? std::atof(argv[1]) : 10000;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 10;
    int w = 900, h = 620;
    if (argc > 3)
        std::sscanf(argv[3], "%dx%d", &w, &h);

    StateDiagramView view;
    view.resize(w, h);
    view.show();
    QApplication::processEvents();

    // A client-heavy host: connect, establish, close first (TIME_WAIT), and some peers that
    // close first (CLOSE_WAIT → LAST_ACK), a few resets, polls that skip states.
    struct Step
    {
        S from, to;
        bool reset;
    };
    const std::vector<Step> mix = {
        {S::Closed, S::SynSent, false},        {S::SynSent, S::Established, false},
        {S::Established, S::FinWait1, false},  {S::FinWait1, S::FinWait2, false},
        {S::FinWait2, S::TimeWait, false},     {S::TimeWait, S::Closed, false},
        {S::Listen, S::SynReceived, false},    {S::SynReceived, S::Established, false},
        {S::Established, S::CloseWait, false}, {S::CloseWait, S::LastAck, false},
        {S::LastAck, S::Closed, false},        {S::Established, S::Closed, true},
        {S::Established, S::TimeWait, false},  {S::FinWait1, S::TimeWait, false},
    };
    StateCounts counts{};
    std::vector<double> frames;
    QElapsedTimer clock;
    clock.start();
    double pushed = 0;
    std::uint64_t connection = 0;
    std::size_t next = 0;
    while (clock.elapsed() < seconds * 1000) {
        QElapsedTimer frame;
        frame.start();
        const double due = rate * double(clock.nsecsElapsed()) / 1e9;
        for (; pushed < due; pushed += 1) {
            const Step &s = mix[next++ % mix.size()];
            view.addTransition(s.from, s.to, s.reset, false, ++connection);
            if (s.from != S::Closed)
                --counts[std::size_t(index(s.from))];
            if (s.to != S::Closed)
                ++counts[std::size_t(index(s.to))];
        }
        view.setCounts(counts);
        view.animator().advance(view.now());
        view.repaint();
        frames.push_back(double(frame.nsecsElapsed()) / 1e6);
        // The rest of the 16 ms frame: the event loop (the view's own timer also ticks).
        const qint64 left = 16 - qint64(frame.elapsed());
        QElapsedTimer idle;
        idle.start();
        do
            QApplication::processEvents(QEventLoop::AllEvents, int(std::max<qint64>(1, left)));
        while (idle.elapsed() < left);
    }
    std::sort(frames.begin(), frames.end());
    const auto pct = [&](double p) {
        return frames[std::size_t(p * double(frames.size() - 1))];
    };
    double total = 0;
    for (double f : frames)
        total += f;
    std::size_t tokens = 0;
    for (const auto &s : view.animator().startedLog())
        tokens += std::size_t(s.count);
    std::printf("diagram %dx%d, %.0f transitions/s for %.0f s: %zu frames, %.0f transitions\n", w,
                h, rate, seconds, frames.size(), pushed);
    std::printf("frame (push + advance + paint): mean %.2f ms, median %.2f, p95 %.2f, p99 %.2f, "
                "max %.2f ms\n",
                total / double(frames.size()), pct(0.5), pct(0.95), pct(0.99), frames.back());
    std::printf("tokens on screen at the end: %zu (each carries a batch of transitions)\n",
                view.animator().tokens().size());
    return 0;
}
