// Ladder benchmark (issue "The ladder"): one loopback connection of SEGMENTS segments (default
// 100,000: the handshake, request/ACK pairs with an idle gap of 5 s every 5,000 segments, the
// close) written as a pcap, read with its segment index, its ladder built, then the ladder view
// scrolled through FRAMES frames in both time modes; prints the time per frame (each frame a
// scroll step and a full repaint of the view), what building cost, and the memory per segment.
//   bench_ladder [SEGMENTS] [FRAMES] [WIDTHxHEIGHT]     (default 100000 600 900x700)
// Run it with QT_QPA_PLATFORM=offscreen, or under xvfb-run for an X11 paint path.
#include "ladder/ladderview.h"
#include "loopbackpackets.h"
#include "packets/capturefile.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace tcpscope;

namespace {

void writeConnection(const QString &path, long segments)
{
    FILE *f = std::fopen(QFile::encodeName(path).constData(), "wb");
    const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    std::fwrite(header, 4, 6, f);
    const std::uint32_t c = 0x7f000001u, s = 0x7f000001u, A = 0x10, S = 0x02, F = 0x01, P = 0x08;
    std::uint64_t ts = 1732440000000000ull;
    std::uint32_t cseq = 1000, sseq = 5000;
    using loopback::writePacket;
    writePacket(f, ts, c, s, 40000, 8080, cseq, 0, S, 0);
    writePacket(f, ts += 20, s, c, 8080, 40000, sseq, cseq + 1, S | A, 0);
    writePacket(f, ts += 20, c, s, 40000, 8080, ++cseq, ++sseq, A, 0);
    for (long i = 3; i + 4 < segments; i += 2) {
        ts += (i % 5000 == 3) ? 5'000'000 : 30; // an idle gap now and then
        writePacket(f, ts, c, s, 40000, 8080, cseq, sseq, P | A, 100);
        cseq += 100;
        writePacket(f, ts += 15, s, c, 8080, 40000, sseq, cseq, A, 0);
    }
    writePacket(f, ts += 50, c, s, 40000, 8080, cseq, sseq, F | A, 0);
    writePacket(f, ts += 20, s, c, 8080, 40000, sseq, cseq + 1, F | A, 0);
    writePacket(f, ts += 20, c, s, 40000, 8080, cseq + 1, sseq + 1, A, 0);
    std::fclose(f);
}

struct FrameTimes
{
    double median, p99, max;
};

FrameTimes scrollThrough(LadderView &view, int frames)
{
    QScrollBar *bar = view.verticalScrollBar();
    const int step = std::max(1, bar->maximum() / frames);
    std::vector<double> ms;
    QElapsedTimer t;
    for (int i = 0; i < frames; ++i) {
        t.start();
        bar->setValue(std::min(bar->maximum(), i * step));
        view.viewport()->repaint();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back()};
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const long segments = argc > 1 ? std::atol(argv[1]) : 100000;
    const int frames = argc > 2 ? std::atoi(argv[2]) : 600;
    int w = 900, h = 700;
    if (argc > 3)
        std::sscanf(argv[3], "%dx%d", &w, &h);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("one-connection.pcap"));
    writeConnection(path, segments);

    QElapsedTimer t;
    t.start();
    const CaptureResult r = readCapture(path);
    const double readMs = double(t.nsecsElapsed()) / 1e6;
    t.start();
    auto ladder = std::make_shared<const Ladder>(buildLadder(*r.tracker, *r.segments, 0));
    const double buildMs = double(t.nsecsElapsed()) / 1e6;
    std::printf("segments %zu (connections %zu), read + index %.1f ms, ladder %.1f ms\n",
                ladder->rows.size(), r.tracker->connections().size(), readMs, buildMs);
    std::printf("memory per segment: index %zu B, ladder row %zu B\n", sizeof(IndexedSegment),
                sizeof(LadderRow));

    LadderView view;
    view.resize(w, h);
    view.show();
    QApplication::processEvents();
    t.start();
    view.setLadder(ladder, {QStringLiteral("client 127.0.0.1:40000"),
                            QStringLiteral("server 127.0.0.1:8080")});
    std::printf("layout (one row per segment) %.1f ms\n", double(t.nsecsElapsed()) / 1e6);
    for (const LadderTime mode : {LadderTime::OneRowPerSegment, LadderTime::Proportional}) {
        LadderOptions o = view.options();
        o.time = mode;
        t.start();
        view.setOptions(o);
        const double layoutMs = double(t.nsecsElapsed()) / 1e6;
        const FrameTimes f = scrollThrough(view, frames);
        std::printf("%s: layout %.1f ms, %d frames scrolled: median %.2f ms, p99 %.2f ms, max "
                    "%.2f ms (target <= 16 ms); rows painted per frame %d\n",
                    mode == LadderTime::Proportional ? "proportional" : "one row per segment",
                    layoutMs, frames, f.median, f.p99, f.max,
                    view.paintedRows().second - view.paintedRows().first + 1);
    }
    return 0;
}
