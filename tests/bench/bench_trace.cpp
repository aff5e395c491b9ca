// The exact transitions under a storm of short loopback connections (issue 16, Speed): for
// SECONDS (default 30) THREADS threads (default 2) connect, accept and close as fast as they
// can — the client closes first, as a web client does —, while tcpscope-trace traces and,
// alongside, libbpf-tools' tcpstates (the ground truth, when installed). Prints connections
// per second, traced transitions per second, events lost in the ring buffer, the helper's
// CPU, events per connection (ten expected), and what tcpstates managed to print and said it
// lost. Run by hand as root (tests/bench/trace_bench.sh), never under CTest.
#include "kernel/tracestream.h"
#include "loopbackstorm.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace tcpscope;

namespace {

bench::Storm g_storm;

// utime + stime of the helper (the child named tcpscope-trace), in seconds.
double helperCpuSeconds()
{
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = stat.readAll();
        if (!s.contains("(tcpscope-trace)"))
            continue;
        const QList<QByteArray> f = s.mid(s.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 13 && f[1].toInt() == ::getpid())
            return double(f[11].toLongLong() + f[12].toLongLong()) / double(sysconf(_SC_CLK_TCK));
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 30;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    TraceStream trace;
    QString error;
    if (!trace.start(&error, 60000)) {
        std::fprintf(stderr, "bench_trace: cannot trace: %s\n", qPrintable(error));
        return 1;
    }
    const int l = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(l, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    ::listen(l, 4096);
    socklen_t len = sizeof addr;
    ::getsockname(l, reinterpret_cast<sockaddr *>(&addr), &len);
    const int port = ntohs(addr.sin_port);

    QProcess tcpstates;
    tcpstates.start(QStringLiteral("stdbuf"), {QStringLiteral("-oL"), QStringLiteral("tcpstates")});
    tcpstates.waitForReadyRead(60000); // its header: attached
    QByteArray tcpstatesOut = tcpstates.readAllStandardOutput();

    std::uint64_t events = 0, ours = 0;
    std::vector<TracedEvent> batch;
    auto drain = [&](int ms) {
        batch.clear();
        trace.read(batch, ms);
        events += batch.size();
        for (const TracedEvent &e : batch)
            ours += (e.raw.sport == port || e.raw.dport == port) && changesState(e) ? 1 : 0;
    };
    const double cpu0 = helperCpuSeconds();
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([&] { g_storm.run(l, addr); });
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < seconds * 1000) {
        drain(20);
        tcpstates.waitForReadyRead(0); // QProcess reads the pipe only when asked
        tcpstatesOut += tcpstates.readAllStandardOutput();
    }
    g_storm.stop = true;
    for (std::thread &w : workers)
        w.join();
    const double wall = double(t.elapsed()) / 1000;
    const double cpu = helperCpuSeconds() - cpu0;
    QElapsedTimer tail;
    tail.start();
    while (tail.elapsed() < 3000) { // what is still in the pipes
        drain(50);
        tcpstates.waitForReadyRead(10);
        tcpstatesOut += tcpstates.readAllStandardOutput();
    }
    tcpstates.terminate();
    tcpstates.waitForFinished(5000);
    tcpstatesOut += tcpstates.readAllStandardOutput();
    std::uint64_t truth = 0;
    const QByteArray needle = " " + QByteArray::number(port) + " ";
    for (const QByteArray &line : tcpstatesOut.split('\n'))
        truth += line.contains(needle) && line.contains("->") ? 1 : 0;
    std::printf("connections: %llu in %.1f s = %.0f/s (%d threads)\n",
                static_cast<unsigned long long>(g_storm.connections.load()), wall,
                double(g_storm.connections) / wall, threads);
    std::printf("traced events: %llu (%.0f/s), of the storm's port: %llu transitions\n",
                static_cast<unsigned long long>(events), double(events) / wall,
                static_cast<unsigned long long>(ours));
    std::printf("lost in the ring buffer: %llu (helper says %llu written)\n",
                static_cast<unsigned long long>(trace.eventsLost()),
                static_cast<unsigned long long>(trace.eventsWritten()));
    std::printf("helper CPU: %.2f s = %.1f%% of one core\n", cpu, 100 * cpu / wall);
    // Every connection makes ten: the client's CLOSED > SYN_SENT > ESTABLISHED > FIN_WAIT_1 >
    // FIN_WAIT_2 > (its minisocket), the server's LISTEN > SYN_RECEIVED > ESTABLISHED >
    // CLOSE_WAIT > LAST_ACK > CLOSED.
    std::uint64_t lostByTcpstates = 0;
    for (const QByteArray &line : tcpstates.readAllStandardError().split('\n')) {
        if (line.contains("lost")) // "lost N events on CPU #C"
            lostByTcpstates += line.simplified().split(' ').value(1).toULongLong();
    }
    std::printf("events per connection: %.3f (10 expected)\n",
                double(events) / double(g_storm.connections));
    std::printf("tcpstates printed %llu transitions of the port and reported %llu events lost; "
                "traced / printed by tcpstates: %.1f%%\n",
                static_cast<unsigned long long>(truth),
                static_cast<unsigned long long>(lostByTcpstates),
                truth ? 100.0 * double(ours) / double(truth) : 0);
    ::close(l);
    trace.stop();
    return 0;
}
