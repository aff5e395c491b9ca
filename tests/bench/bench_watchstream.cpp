// bench_watchstream FILE: what a remote tab spends reading a recorded watch stream (e.g. made
// by `tcpscope-cli watch --format stream > FILE` at 100k sockets): the thread CPU time of
// parsing each poll's lines and of turning the poll into the GUI's batch (RemoteFeed: the
// diff, the owners, the diagnoses), for the snapshot and as the median of the later polls.
#include "formats/watchstream.h"
#include "remote/remotefeed.h"

#include <QFile>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace tcpscope;

namespace {
double cpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}
double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_watchstream FILE\n");
        return 2;
    }
    QFile f(QString::fromLocal8Bit(argv[1]));
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "bench_watchstream: cannot read %s\n", argv[1]);
        return 1;
    }
    WatchStreamParser parser;
    RemoteFeed feed;
    std::vector<double> parse, apply;
    std::size_t sockets = 0;
    double t0 = cpuMs();
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (!line.endsWith('\n'))
            break; // cut off where the recording stopped
        const auto kind = parser.feed(QByteArrayView(line).chopped(1));
        if (kind == WatchStreamParser::Line::Error) {
            std::fprintf(stderr, "bench_watchstream: %s\n", qPrintable(parser.error()));
            return 1;
        }
        if (kind != WatchStreamParser::Line::Poll)
            continue;
        const double t1 = cpuMs();
        const KernelPollBatch batch = feed.apply(parser);
        const double t2 = cpuMs();
        parse.push_back(t1 - t0);
        apply.push_back(t2 - t1);
        sockets = batch.rows->size();
        t0 = cpuMs();
    }
    if (parse.empty()) {
        std::fprintf(stderr, "bench_watchstream: no poll in the file\n");
        return 1;
    }
    std::printf("%zu sockets: snapshot parse %.0f ms + feed %.0f ms; later polls (%zu) median "
                "parse %.1f ms + feed %.1f ms (thread CPU time)\n",
                sockets, parse.front(), apply.front(), parse.size() - 1,
                median({parse.begin() + 1, parse.end()}), median({apply.begin() + 1, apply.end()}));
    return 0;
}
