// The kernel table's record (KernelTimelineStore) stays within its bound under churn: real
// polls of loopback connections made and closed between them (what a paused kernel view goes
// on recording), with a small bound; the oldest transitions go first and are counted, each
// socket's history keeps only what is still held, the newest sockets' whole.
#include "kernel/kerneltimeline.h"
#include "support/loopsockets.h"

#include <QTest>

using namespace tcpscope;

class TestKernelTimeline : public QObject
{
    Q_OBJECT
private slots:
    void churnStaysWithinTheBound();
};

void TestKernelTimeline::churnStaysWithinTheBound()
{
    constexpr std::size_t bound = 40;
    KernelTimelineStore store(bound, 10);
    KernelTable table;
    store.record(pollBatch(table)); // the host's sockets as they are: transitions from here on
    std::uint64_t total = store.transitionCount();
    LoopSockets s;
    const int listener = s.listen("127.0.0.1");
    const int port = LoopSockets::port(listener);
    for (int round = 0; round < 30; ++round) {
        const int c = s.connect("127.0.0.1", port);
        const int a = s.accept(listener);
        QVERIFY(c >= 0 && a >= 0);
        KernelPollBatch batch = pollBatch(table); // both ends ESTABLISHED
        total += batch.transitions.size();
        store.record(batch);
        s.close(a);
        s.close(c);
        batch = pollBatch(table); // closed: TIME_WAIT or gone
        total += batch.transitions.size();
        store.record(batch);
        QVERIFY2(store.transitionCount() <= bound,
                 qPrintable(QString::number(store.transitionCount())));
        QVERIFY(store.samples().size() <= 10);
    }
    QVERIFY2(total > 2 * bound, "the churn made too few transitions");
    QCOMPARE(store.transitionCount(), bound);
    QCOMPARE(store.droppedTransitions() + store.transitionCount(), total);
    // What each socket's history holds adds up to what the store holds, oldest first.
    const std::vector<Transition> all = store.allTransitions();
    QCOMPARE(all.size(), bound);
    std::size_t inHistories = 0;
    QSet<quint64> keys;
    for (const Transition &t : all)
        keys.insert(t.connection);
    for (quint64 key : keys)
        inHistories += store.history(key).size();
    QCOMPARE(inHistories, bound);
}

QTEST_GUILESS_MAIN(TestKernelTimeline)
#include "tst_kerneltimeline.moc"
