// The socket-table model under QAbstractItemModelTester, fed real polls of the kernel table
// while real loopback sockets come and go: inserts and removes, never a reset, and a
// selection that survives every poll. And a burst of rows leaving, left by the poll for the
// next event-loop turn: the model and its sorted view consistent in between and after.
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
    void burstLeavesInTheNextTurn();
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
// A made-up poll at `time` of the sockets with these keys (ESTABLISHED, 10.0.0.1:key
// → 10.0.0.2:80).
KernelPollBatch madeUpPoll(double time, quint64 firstKey, quint64 lastKey)
{
    KernelPollBatch b;
    b.stats.time = time;
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    const std::uint8_t local[4] = {10, 0, 0, 1}, remote[4] = {10, 0, 0, 2};
    for (quint64 key = firstKey; key <= lastKey; ++key) {
        KernelPollBatch::Row r;
        r.row.key = key;
        r.row.firstSeen = r.row.stateSince = 1000;
        r.row.record.state = TcpState::Established;
        r.row.record.localAddress = IpAddress::v4(local);
        r.row.record.remoteAddress = IpAddress::v4(remote);
        r.row.record.localPort = std::uint16_t(key);
        r.row.record.remotePort = 80;
        r.row.record.inode = key;
        rows->push_back(r);
    }
    b.rows = std::move(rows);
    return b;
}

std::vector<quint64> keysShown(const QAbstractItemModel &m)
{
    std::vector<quint64> keys;
    for (int r = 0; r < m.rowCount(); ++r)
        keys.push_back(m.index(r, 0).data(KernelSocketModel::KeyRole).toULongLong());
    return keys;
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

// 3,000 rows, then a poll without 2,500 of them and with 100 new ones: it updates the rest at
// once, and the 2,500 leave in the next event-loop turn (one reset of the model, none of the
// sorted view, the selection kept); a poll that comes before that turn removes them first.
void TestKernelSocketModel::burstLeavesInTheNextTurn()
{
    KernelSocketModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(KernelSocketModel::Local, Qt::DescendingOrder);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.apply(madeUpPoll(1000, 1, 3000));
    QTRY_COMPARE(model.rowCount(), 3000);
    QTRY_COMPARE(proxy.pendingRows(), std::size_t(0));
    QItemSelectionModel selection(&proxy);
    selection.select(proxy.index(*proxy.rowOfKey(3000), 0),
                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSignalSpy modelResets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy proxyResets(&proxy, &QAbstractItemModel::modelReset);

    KernelPollBatch b = madeUpPoll(1001, 2501, 3100);
    model.apply(b);
    QCOMPARE(modelResets.count(), 0);       // not yet: the rows gone are still there
    QCOMPARE(model.rowCount(), 3000 + 100); // and the new ones are in (one chunk)
    QVERIFY(model.rowOf(1).has_value());
    QCOMPARE(proxy.rowCount(), model.rowCount()); // the sorted view shows the same rows
    QTRY_VERIFY(!model.rowOf(1).has_value());     // the next turn
    QCOMPARE(modelResets.count(), 1);
    QCOMPARE(model.rowCount(), 600);
    QTRY_COMPARE(proxy.pendingRows(), std::size_t(0));
    std::vector<quint64> expected;
    for (quint64 key = 3100; key >= 2501; --key) // by local port, descending
        expected.push_back(key);
    QCOMPARE(keysShown(proxy), expected);
    QCOMPARE(proxyResets.count(), 0);
    const auto selectedKey = [&] {
        const QModelIndexList rows = selection.selectedRows();
        return rows.size() == 1 ? rows.first().data(KernelSocketModel::KeyRole).toULongLong() : 0;
    };
    QCOMPARE(selectedKey(), quint64(3000));

    // A poll before that turn: the last poll's burst leaves first, then this one applies.
    model.apply(madeUpPoll(1002, 1, 3100)); // 2,500 back (new rows now), nothing gone
    QTRY_COMPARE(model.rowCount(), 3100);
    model.apply(madeUpPoll(1003, 2901, 3100)); // 2,900 gone: left for the next turn
    QCOMPARE(model.rowCount(), 3100);
    model.apply(madeUpPoll(1004, 2901, 3000)); // at once after: those leave before it applies,
    QCOMPARE(model.rowCount(), 100);           // and its own 100 gone leave at once
    QTRY_COMPARE(proxy.pendingRows(), std::size_t(0));
    QTest::qWait(20); // the next turns: nothing more leaves
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(proxy.rowCount(), 100);
    QCOMPARE(keysShown(proxy).front(), quint64(3000));
    QCOMPARE(keysShown(proxy).back(), quint64(2901));
    QCOMPARE(selectedKey(), quint64(3000));
    QCOMPARE(proxyResets.count(), 0);
}

QTEST_MAIN(TestKernelSocketModel)
#include "tst_kernelsocketmodel.moc"
