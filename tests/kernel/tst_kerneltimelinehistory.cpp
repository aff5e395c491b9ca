// The session's record of transitions (KernelTimelineStore): each socket's history, oldest
// first, is exactly its transitions in the order recorded, among thousands of sockets
// interleaved; past the bound the oldest go first, are counted, and a history holds only what
// is kept; a cleared or reloaded record starts again. Checked against a plain list of what was
// recorded, filtered per socket.
#include "kernel/kerneltimeline.h"

#include <QTest>

#include <algorithm>
#include <random>

using namespace tcpscope;

namespace {

// The states a socket goes through, in the kernel's order (a client that closes first).
constexpr TcpState kPath[] = {TcpState::SynSent,  TcpState::Established, TcpState::FinWait1,
                              TcpState::FinWait2, TcpState::TimeWait,    TcpState::Closed};

// `sockets` sockets' transitions interleaved as a busy host's are: socket k's i-th step at a
// random moment after its previous one.
std::vector<Transition> interleaved(int sockets, unsigned seed)
{
    std::mt19937 rng(seed);
    std::vector<int> steps(std::size_t(sockets), 0);
    std::vector<Transition> out;
    std::vector<int> open(static_cast<std::size_t>(sockets));
    for (int k = 0; k < sockets; ++k)
        open[std::size_t(k)] = k;
    double time = 1.7e9;
    while (!open.empty()) {
        const std::size_t pick = rng() % open.size();
        const int k = open[pick];
        int &i = steps[std::size_t(k)];
        Transition t;
        t.time = time += 1e-4;
        t.connection = 0x9e3779b97f4a7c15ULL * std::uint64_t(k + 1);
        t.from = i == 0 ? TcpState::Closed : kPath[i - 1];
        t.to = kPath[i];
        t.localPort = std::uint16_t(k);
        out.push_back(t);
        if (++i == int(std::size(kPath))) {
            open[pick] = open.back();
            open.pop_back();
        }
    }
    return out;
}

std::vector<Transition> expectedHistory(const std::vector<Transition> &kept, quint64 key)
{
    std::vector<Transition> out;
    std::copy_if(kept.begin(), kept.end(), std::back_inserter(out),
                 [key](const Transition &t) { return t.connection == key; });
    return out;
}

bool same(const std::vector<Transition> &a, const std::vector<Transition> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const Transition &x, const Transition &y) {
                          return x.time == y.time && x.connection == y.connection
                                 && x.from == y.from && x.to == y.to;
                      });
}

} // namespace

class TestKernelTimelineHistory : public QObject
{
    Q_OBJECT
private slots:
    void historiesOfInterleavedSockets();
    void boundDropsTheOldest();
    void clearAndLoad();
    void tupleNamesTheSocketThatLastAppeared();
    void queuedReadsAsFiled();
};

void TestKernelTimelineHistory::historiesOfInterleavedSockets()
{
    const std::vector<Transition> all = interleaved(2000, 1);
    KernelTimelineStore store;
    store.recordTransitions(all);
    QCOMPARE(store.transitionCount(), all.size());
    QCOMPARE(store.droppedTransitions(), std::uint64_t(0));
    for (int k = 0; k < 2000; k += 7) {
        const quint64 key = 0x9e3779b97f4a7c15ULL * std::uint64_t(k + 1);
        const std::vector<Transition> h = store.history(key);
        QCOMPARE(h.size(), std::size(kPath));
        QVERIFY(same(h, expectedHistory(all, key)));
    }
    QVERIFY(store.history(12345).empty());
}

void TestKernelTimelineHistory::boundDropsTheOldest()
{
    const std::vector<Transition> all = interleaved(500, 2);
    const std::size_t bound = 1000; // of 3,000: most sockets lose their oldest steps, or all
    KernelTimelineStore store(bound);
    store.recordTransitions(all);
    QCOMPARE(store.transitionCount(), bound);
    QCOMPARE(store.droppedTransitions(), std::uint64_t(all.size() - bound));
    const std::vector<Transition> kept(all.end() - std::ptrdiff_t(bound), all.end());
    QVERIFY(same(store.allTransitions(), kept));
    int partial = 0, gone = 0;
    for (int k = 0; k < 500; ++k) {
        const quint64 key = 0x9e3779b97f4a7c15ULL * std::uint64_t(k + 1);
        const std::vector<Transition> expected = expectedHistory(kept, key);
        QVERIFY(same(store.history(key), expected));
        partial += !expected.empty() && expected.size() < std::size(kPath);
        gone += expected.empty();
    }
    QVERIFY(partial > 0); // the test covers chains cut in the middle
    QVERIFY(gone > 0);    // and sockets dropped whole
}

void TestKernelTimelineHistory::clearAndLoad()
{
    const std::vector<Transition> all = interleaved(100, 3);
    const quint64 key = 0x9e3779b97f4a7c15ULL * 5;
    KernelTimelineStore store(50);
    store.recordTransitions(all);
    store.clear();
    QCOMPARE(store.transitionCount(), std::size_t(0));
    QVERIFY(store.history(key).empty());
    store.recordTransitions({all.begin(), all.begin() + 40});
    QVERIFY(same(store.history(key), expectedHistory({all.begin(), all.begin() + 40}, key)));
    KernelTimeline saved;
    saved.transitions = all;
    KernelTimelineStore reloaded;
    reloaded.load(saved);
    QVERIFY(same(reloaded.history(key), expectedHistory(all, key)));
}

// A 4-tuple reused (a new connection on the ports of a TIME_WAIT) names the new socket, even
// when the old one's last transition comes after; the reversed tuple is the other end; a
// socket whose transitions were all dropped leaves the index.
void TestKernelTimelineHistory::tupleNamesTheSocketThatLastAppeared()
{
    const IpAddress a = IpAddress::v4("\x7f\x00\x00\x01"), b = IpAddress::v4("\x0a\x00\x00\x02");
    const auto step = [&](quint64 socket, std::uint16_t localPort, std::uint16_t remotePort,
                          TcpState from, TcpState to) {
        Transition t;
        t.connection = socket;
        t.localAddress = a;
        t.remoteAddress = b;
        t.localPort = localPort;
        t.remotePort = remotePort;
        t.from = from;
        t.to = to;
        return t;
    };
    KernelTimelineStore store(3);
    store.recordTransitions({step(1, 40000, 80, TcpState::Established, TcpState::TimeWait),
                             step(2, 40000, 80, TcpState::Closed, TcpState::SynSent),
                             step(1, 40000, 80, TcpState::TimeWait, TcpState::Closed)});
    QCOMPARE(store.socketWithTuple(a, 40000, b, 80), std::optional<quint64>(2));
    QCOMPARE(store.socketWithTuple(b, 80, a, 40000), std::nullopt);
    QCOMPARE(store.socketWithTuple(a, 40000, b, 81), std::nullopt);
    // Three more transitions of socket 3: sockets 1 and 2 are dropped whole.
    for (int i = 0; i < 3; ++i)
        store.recordTransitions({step(3, 40001, 80, TcpState::Closed, TcpState::SynSent)});
    QCOMPARE(store.socketWithTuple(a, 40000, b, 80), std::nullopt);
    QCOMPARE(store.socketWithTuple(a, 40001, b, 80), std::optional<quint64>(3));
}

// A burst is queued, then filed a slice at a time: at every point a socket's history is what
// the whole record will hold (the queue read where it is, the bound applied), and the counts
// file the rest first.
void TestKernelTimelineHistory::queuedReadsAsFiled()
{
    const std::vector<Transition> all = interleaved(500, 4); // 3,000
    const std::size_t bound = 2500;
    KernelTimelineStore store(bound);
    store.recordTransitions({all.begin(), all.begin() + 1000});
    QVERIFY(store.hasQueued());
    QVERIFY(!store.fileQueued(1000));
    store.recordTransitions({all.begin() + 1000, all.end()});
    const std::vector<Transition> kept(all.end() - std::ptrdiff_t(bound), all.end());
    for (const std::size_t slice : {std::size_t(0), std::size_t(700), std::size_t(700)}) {
        store.fileQueued(slice);
        QVERIFY(store.hasQueued());
        for (int k = 0; k < 500; k += 3) {
            const quint64 key = 0x9e3779b97f4a7c15ULL * std::uint64_t(k + 1);
            QVERIFY2(same(store.history(key), expectedHistory(kept, key)),
                     qPrintable(QStringLiteral("socket %1 after filing %2").arg(k).arg(slice)));
        }
    }
    QCOMPARE(store.transitionCount(), bound); // files the rest
    QVERIFY(!store.hasQueued());
    QCOMPARE(store.droppedTransitions(), std::uint64_t(all.size() - bound));
    QVERIFY(same(store.allTransitions(), kept));
}

QTEST_GUILESS_MAIN(TestKernelTimelineHistory)
#include "tst_kerneltimelinehistory.moc"
