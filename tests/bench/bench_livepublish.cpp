// bench_livepublish [CONNECTIONS] [--churn]: a generated live capture, written as pcap bytes
// into a pipe, through the real LiveCaptureWorker and the real LiveCapturePage (offscreen),
// in publishes of about 2,000 changes (300 new connections opening, 150 earlier ones
// closing). Prints, near 10k, 100k and 1M connections kept, the worker's cost of one publish,
// the GUI's cost of applying it, the GUI thread's longest stall, and RSS per connection.
// --churn: every connection opens and is reset (finished at once), so the bound on finished
// connections (LiveCaptureOptions::keepFinished) holds the view while the count grows.
#include "loopbackpackets.h"
#include "pages/capturepage.h"
#include "pages/livecapture.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace tcpscope;

namespace {

struct Conn
{
    std::uint32_t client;
    std::uint16_t cport;
    std::uint32_t cseq, sseq;
};

constexpr std::uint32_t kServer = 0x7f000001u;
constexpr std::uint16_t kServerPort = 8080;
constexpr std::uint8_t A = 0x10, S = 0x02, F = 0x01, R = 0x04;

double rssMb()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> v = f.readAll().split(' ');
    return v.size() > 1 ? double(v[1].toLongLong()) * double(::sysconf(_SC_PAGESIZE)) / 1e6 : 0;
}

// Writes batches into the pipe, each only once the page has shown the previous one.
class Generator
{
public:
    Generator(FILE *out, long total, bool churn)
        : m_out(out)
        , m_total(total)
        , m_churn(churn)
    {}
    void run(const std::atomic<std::uint64_t> &shown, const std::atomic<bool> &quit)
    {
        const std::uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
        std::fwrite(header, 4, 6, m_out);
        while (m_started < m_total && !quit) {
            batch();
            std::fflush(m_out);
            while (shown.load() < m_packets && !quit)
                std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        std::fclose(m_out);
    }

private:
    void packet(const Conn &c, bool fromClient, std::uint32_t seq, std::uint32_t ack,
                std::uint8_t flags)
    {
        m_ts += m_churn ? 100 : 1;
        if (fromClient)
            loopback::writePacket(m_out, m_ts, c.client, kServer, c.cport, kServerPort, seq, ack,
                                  flags, 0);
        else
            loopback::writePacket(m_out, m_ts, kServer, c.client, kServerPort, c.cport, seq, ack,
                                  flags, 0);
        ++m_packets;
    }
    void batch()
    {
        for (int i = 0; i < 300 && m_started < m_total; ++i, ++m_started) {
            const Conn c{0x7f000002u + std::uint32_t(m_started / 60000),
                         std::uint16_t(1024 + m_started % 60000), next(), next()};
            packet(c, true, c.cseq, 0, S);
            packet(c, false, c.sseq, c.cseq + 1, S | A);
            packet(c, true, c.cseq + 1, c.sseq + 1, A);
            if (m_churn)
                packet(c, true, c.cseq + 1, c.sseq + 1, R | A);
            else
                m_open.push_back(c);
        }
        for (int i = 0; i < 150 && m_open.size() > 1000; ++i) {
            const std::size_t k = next() % m_open.size();
            const Conn c = m_open[k];
            m_open[k] = m_open.back();
            m_open.pop_back();
            packet(c, true, c.cseq + 1, c.sseq + 1, F | A);
            packet(c, false, c.sseq + 1, c.cseq + 2, A);
            packet(c, false, c.sseq + 1, c.cseq + 2, F | A);
            packet(c, true, c.cseq + 2, c.sseq + 2, A);
        }
    }
    std::uint32_t next() { return m_rng = m_rng * 1664525u + 1013904223u; }

    FILE *m_out;
    long m_total;
    bool m_churn;
    long m_started = 0;
    std::uint64_t m_packets = 0;
    std::uint64_t m_ts = 1732440000000000ull;
    std::uint32_t m_rng = 12345;
    std::vector<Conn> m_open;
};

// Numbers over a window of publishes.
struct Window
{
    int publishes = 0;
    double buildSum = 0, buildMax = 0, applySum = 0, applyMax = 0, stallMax = 0;
    std::size_t changes = 0;
    void add(double buildMs, double applyMs, std::size_t n)
    {
        ++publishes;
        buildSum += buildMs;
        buildMax = std::max(buildMax, buildMs);
        applySum += applyMs;
        applyMax = std::max(applyMax, applyMs);
        changes += n;
    }
};

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const long total = argc > 1 && argv[1][0] != '-' ? std::atol(argv[1]) : 1'000'000;
    const bool churn = app.arguments().contains(QStringLiteral("--churn"));
    LiveCapturePage live;
    live.resize(1400, 900);
    live.show();
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
        return 1;
    LiveCaptureOptions o;
    o.wallClock = false;
    o.publishIntervalMs = 10;
    const double rss0 = rssMb();
    std::atomic<std::uint64_t> shown{0};
    std::atomic<bool> quit{false};
    Generator gen(::fdopen(p[1], "wb"), total, churn);
    // The GUI thread's heartbeat: the longest gap between two 1 ms ticks is its longest stall.
    QElapsedTimer beat;
    beat.start();
    double lastBeat = 0, stall = 0;
    QTimer heartbeat;
    heartbeat.setInterval(1);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const double now = double(beat.nsecsElapsed()) / 1e6;
        stall = std::max(stall, now - lastBeat - 1);
        lastBeat = now;
    });
    heartbeat.start();
    std::printf("%s: %ld connections, publishes of ~2,000 changes, keepFinished %zu\n",
                churn ? "churn (every connection reset at once)" : "accumulate", total,
                o.keepFinished);
    std::printf("%10s %9s %9s %9s %9s %9s %9s %9s %9s %8s\n", "kept", "total", "changes",
                "build ms", "max", "apply ms", "max", "stall ms", "RSS MB", "B/conn");
    std::vector<long> marks{10'000, 100'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000};
    std::size_t mark = 0;
    Window w;
    bool measuring = false;
    const auto report = [&](const LiveDelta &d) {
        const double rss = rssMb();
        const std::uint64_t all = d.connections + live.page()->model()->retired().connections;
        std::printf("%10u %9llu %9zu %9.3f %9.3f %9.3f %9.3f %9.1f %9.0f %8.0f\n", d.connections,
                    (unsigned long long)all, w.changes / std::size_t(std::max(1, w.publishes)),
                    w.buildSum / w.publishes, w.buildMax, w.applySum / w.publishes, w.applyMax,
                    w.stallMax, rss, (rss - rss0) * 1e6 / double(std::max<std::uint64_t>(all, 1)));
        std::fflush(stdout);
    };
    QObject::connect(&live, &LiveCapturePage::deltaShown, [&](const LiveDelta &d) {
        const std::uint64_t all = d.connections + live.page()->model()->retired().connections;
        if (!measuring && mark < marks.size() && all >= std::uint64_t(marks[mark])) {
            measuring = true;
            w = {};
            stall = 0;
        }
        if (measuring) {
            w.add(double(d.buildNs) / 1e6, double(live.lastApplyNs()) / 1e6, d.changes.size());
            w.stallMax = std::max(w.stallMax, stall);
            if (w.publishes == 20 || d.final) {
                report(d);
                measuring = false;
                ++mark;
            }
        }
        shown = d.packets;
    });
    QObject::connect(&live, &LiveCapturePage::stopped, &app, &QApplication::quit);
    live.startStream(p[0], QStringLiteral("generated"), o);
    std::thread writer([&] { gen.run(shown, quit); });
    app.exec();
    quit = true;
    writer.join();
    return 0;
}
