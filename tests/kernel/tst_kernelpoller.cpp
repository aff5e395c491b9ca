// The poller thread: polls on its own thread, at the interval asked (clamped to 100 ms–10 s),
// and hands over batches in which a real loopback connection appears with our pid.
#include "kernel/kernelpoller.h"
#include "support/loopsockets.h"

#include <QSignalSpy>
#include <QTest>

using namespace tcpscope;

class TestKernelPoller : public QObject
{
    Q_OBJECT
private slots:
    void intervalIsClamped_data();
    void intervalIsClamped();
    void pollsOnItsOwnThread();
    void connectionAppearsInBatches();
};

void TestKernelPoller::intervalIsClamped_data()
{
    QTest::addColumn<int>("asked");
    QTest::addColumn<int>("got");
    QTest::newRow("too fast") << 10 << 100;
    QTest::newRow("lowest") << 100 << 100;
    QTest::newRow("default") << 1000 << 1000;
    QTest::newRow("highest") << 10000 << 10000;
    QTest::newRow("too slow") << 60000 << 10000;
}

void TestKernelPoller::intervalIsClamped()
{
    QFETCH(int, asked);
    QFETCH(int, got);
    KernelPoller p;
    QCOMPARE(p.setInterval(asked), got);
    QCOMPARE(p.interval(), got);
}

void TestKernelPoller::pollsOnItsOwnThread()
{
    KernelPoller p;
    QThread *pollThread = nullptr;
    int polls = 0;
    connect(
        &p, &KernelPoller::polled, this,
        [&](const KernelPollBatch &) {
            ++polls;
            pollThread = QThread::currentThread();
        },
        Qt::DirectConnection);
    p.start(100);
    QTRY_VERIFY_WITH_TIMEOUT(polls >= 3, 5000);
    p.stop();
    QVERIFY(pollThread);
    QVERIFY(pollThread != QThread::currentThread());
    const int after = polls;
    QTest::qWait(300);
    QCOMPARE(polls, after); // stopped means stopped
}

void TestKernelPoller::connectionAppearsInBatches()
{
    KernelPoller p;
    QSignalSpy spy(&p, &KernelPoller::polled);
    p.start(100);
    QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 5000);

    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    QVERIFY(s.connect("127.0.0.1", port) >= 0);
    QVERIFY(s.accept(l) >= 0);

    bool appeared = false;
    bool attributed = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QList<QVariant> &args : std::as_const(spy)) {
                const auto batch = args.at(0).value<KernelPollBatch>();
                for (const Transition &t : batch.transitions)
                    appeared |=
                        t.firstSeen && t.to == TcpState::Established && t.remotePort == port;
                for (const auto &row : *batch.rows) {
                    if (row.row.record.remotePort == port && !row.processes.empty())
                        attributed |=
                            row.processes.front().pid == int(QCoreApplication::applicationPid());
                }
            }
            return appeared && attributed;
        }(),
        5000);
    const auto last = spy.last().at(0).value<KernelPollBatch>();
    QCOMPARE(last.source, TableSource::SockDiag);
    QVERIFY(last.counts[index(TcpState::Established)] >= 2);
    QVERIFY(last.stats.sockets >= 3);
    QVERIFY(last.stats.readMs >= 0 && last.stats.diffMs >= 0);
}

QTEST_GUILESS_MAIN(TestKernelPoller)
#include "tst_kernelpoller.moc"
