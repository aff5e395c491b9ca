// The socket-table model under QAbstractItemModelTester, fed real polls of the kernel table
// while real loopback sockets come and go: inserts and removes, never a reset, and a
// selection that survives every poll.
#include "kernel/kerneltimeline.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "support/loopsockets.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace tcpscope;

class TestKernelSocketModel : public QObject
{
    Q_OBJECT
private slots:
    void incrementalUnderTester();
};

namespace {

int rowOfPort(const QAbstractItemModel &m, int port, int column)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, column).data().toString().endsWith(u':' + QString::number(port)))
            return r;
    }
    return -1;
}

// The poll with only the rows of the test's port: the host's other sockets (thousands while
// the rest of the suite runs) would make the model tester's per-signal checks take minutes
// under ASan without testing anything more.
KernelPollBatch onlyPort(KernelPollBatch b, int port)
{
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    for (const auto &r : *b.rows) {
        if (r.row.record.localPort == port || r.row.record.remotePort == port)
            rows->push_back(r);
    }
    b.rows = std::move(rows);
    return b;
}
} // namespace

void TestKernelSocketModel::incrementalUnderTester()
{
    KernelSocketModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(KernelSocketModel::State);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    KernelTable table;         // with process attribution, as the window polls
    KernelTimelineStore store; // the record the history reads
    int port = 0;
    auto feed = [&](const KernelPollBatch &all) { // what the kernel page does with each poll
        const KernelPollBatch b = onlyPort(all, port);
        store.record(b);
        model.apply(b);
        QTRY_COMPARE(model.rowCount(), int(b.rows->size())); // new rows: a chunk per turn
    };
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    port = LoopSockets::port(l);
    feed(pollBatch(table));
    QVERIFY(rowOfPort(model, port, KernelSocketModel::Local) >= 0);

    // A selection the user holds must survive every poll.
    QItemSelectionModel selection(&proxy);
    const int listenerRow = rowOfPort(proxy, port, KernelSocketModel::Local);
    selection.select(proxy.index(listenerRow, 0),
                     QItemSelectionModel::Select | QItemSelectionModel::Rows);

    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    feed(pollBatch(table));
    QVERIFY(inserted.count() >= 1);
    QVERIFY(rowOfPort(model, port, KernelSocketModel::Remote) >= 0);

    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    // The server socket vanishes: it stays (gone, fading) for the linger time, then goes.
    bool sawGone = false;
    for (int i = 0; i < 50 && removed.isEmpty(); ++i) {
        feed(pollBatch(table));
        for (int r = 0; r < model.rowCount(); ++r)
            sawGone |= model.index(r, 0).data(KernelSocketModel::GoneRole).toBool();
        QTest::qWait(100);
    }
    QVERIFY(sawGone);
    QVERIFY(!removed.isEmpty());
    QCOMPARE(resets.count(), 0);
    QVERIFY(selection.hasSelection());
    const QModelIndex still = selection.selectedRows().value(0);
    QVERIFY(still.data().toString().startsWith(u"IPv4"));
    QCOMPARE(proxy.index(still.row(), KernelSocketModel::Local).data().toString(),
             QStringLiteral("127.0.0.1:%1").arg(port));

    // The TIME_WAIT left by the client, with its countdown, and its history.
    int tw = -1;
    for (int r = 0; r < model.rowCount(); ++r) {
        if (model.index(r, KernelSocketModel::Remote)
                .data()
                .toString()
                .endsWith(u':' + QString::number(port))
            && model.index(r, KernelSocketModel::State).data().toString() == u"TIME_WAIT")
            tw = r;
    }
    QVERIFY(tw >= 0);
    QVERIFY(model.index(tw, KernelSocketModel::Timer).data().toString().startsWith(u"timewait "));
    QVERIFY(
        model.index(tw, KernelSocketModel::Process).data().toString().contains(u"no descriptor"));
    const auto history =
        store.history(model.index(tw, 0).data(KernelSocketModel::KeyRole).toULongLong());
    QVERIFY(!history.empty());
    QCOMPARE(history.back().to, TcpState::TimeWait);
}

QTEST_MAIN(TestKernelSocketModel)
#include "tst_kernelsocketmodel.moc"
