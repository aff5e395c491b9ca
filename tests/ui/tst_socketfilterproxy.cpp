// The kernel table's own sorting and filtering, on real loopback sockets polled from the real
// kernel table: after the first poll (inserted a chunk per event-loop turn) and after a poll
// that closes, resets, opens and fills sockets at once (merged into the kept order), the rows
// shown are exactly those an independent predicate accepts, in exactly the order of an
// independent sort of the same records — by the column's raw value, then by socket key.
#include "kernel/kerneltable.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "support/loopsockets.h"
#include "support/netns.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>
#include <tuple>

#include <sys/socket.h>
#include <unistd.h>

using namespace tcpscope;

namespace {

// Real sockets in every kind of row: a listener, ESTABLISHED pairs (some with unread bytes),
// TIME_WAITs, and connections reset into "closed (was …)"; change() moves many at once.
struct Traffic
{
    LoopSockets s;
    int listener = -1, port = 0;
    std::vector<std::pair<int, int>> pairs; // client, server

    explicit Traffic(int n)
    {
        listener = s.listen("127.0.0.1", 4096);
        port = LoopSockets::port(listener);
        open(n);
    }
    void open(int n)
    {
        for (int i = 0; i < n; ++i) {
            const int c = s.connect("127.0.0.1", port);
            pairs.emplace_back(c, s.accept(listener));
        }
    }
    // Resets the first `resets` pairs, closes the next `closes` (the client first: TIME_WAIT
    // there), writes to the next `writes` (unread bytes), and opens `opens` new ones.
    void change(int resets, int closes, int writes, int opens)
    {
        std::size_t i = 0;
        const linger now{1, 0};
        for (; resets-- > 0; ++i) {
            ::setsockopt(pairs[i].first, SOL_SOCKET, SO_LINGER, &now, sizeof now);
            s.close(pairs[i].first);
            s.close(pairs[i].second);
        }
        for (; closes-- > 0; ++i) { // the client first: its end goes to TIME_WAIT
            s.close(pairs[i].first);
            s.close(pairs[i].second);
        }
        static const char bytes[16] = "unread bytes...";
        for (; writes-- > 0; ++i) // 5 to 11 unread bytes at the server
            [[maybe_unused]] auto w = ::write(pairs[i].first, bytes, 5 + i % 7);
        pairs.erase(pairs.begin(), pairs.begin() + std::ptrdiff_t(i));
        open(opens);
    }
};

// A poll, and the event-loop turns its new rows take.
void poll(KernelTable &table, KernelSocketModel &model)
{
    const KernelPollBatch b = pollBatch(table);
    model.apply(b);
    QTRY_COMPARE(model.rowCount(), int(b.rows->size()));
}

// The sort the table promises, done here over the same records.
std::vector<quint64> independentOrder(const KernelSocketModel &m, int column, bool descending)
{
    using Value = std::tuple<std::uint8_t, std::array<std::uint8_t, 16>, int, double, QString>;
    std::vector<std::pair<Value, quint64>> rows;
    for (int r = 0; r < m.rowCount(); ++r) {
        const SocketRow &row = m.socketAt(r).row;
        const SocketRecord &rec = row.record;
        Value v{};
        switch (column) {
        case KernelSocketModel::Local:
            v = {rec.localAddress.family, rec.localAddress.bytes, rec.localPort, 0, {}};
            break;
        case KernelSocketModel::Remote:
            v = {rec.remoteAddress.family, rec.remoteAddress.bytes, rec.remotePort, 0, {}};
            break;
        case KernelSocketModel::State:
            std::get<3>(v) = m.index(r, 0).data(KernelSocketModel::StateRole).toInt();
            break;
        case KernelSocketModel::Process:
            std::get<4>(v) = m.index(r, KernelSocketModel::Process).data().toString();
            break;
        case KernelSocketModel::Age: // the youngest first
            std::get<3>(v) = m.now() - row.firstSeen;
            break;
        case KernelSocketModel::RecvQ:
            std::get<3>(v) = rec.recvQ;
            break;
        }
        rows.emplace_back(v, row.key);
    }
    std::sort(rows.begin(), rows.end(), [&](const auto &a, const auto &b) {
        if (a.first != b.first)
            return descending ? b.first < a.first : a.first < b.first;
        return a.second < b.second;
    });
    std::vector<quint64> keys;
    for (const auto &r : rows)
        keys.push_back(r.second);
    return keys;
}

std::vector<quint64> shownKeys(const QAbstractItemModel &proxy)
{
    std::vector<quint64> keys;
    for (int r = 0; r < proxy.rowCount(); ++r)
        keys.push_back(proxy.index(r, 0).data(KernelSocketModel::KeyRole).toULongLong());
    return keys;
}

// The filter the table promises, tested here on what each row shows.
bool independentlyAccepted(const KernelSocketModel &m, int r, const QList<TcpState> &states,
                           const QString &text)
{
    const QModelIndex first = m.index(r, 0);
    if (!states.isEmpty()
        && (first.data(KernelSocketModel::GoneRole).toBool()
            || !states.contains(stateAt(first.data(KernelSocketModel::StateRole).toInt()))))
        return false;
    for (const QString &w : text.toLower().split(u' ', Qt::SkipEmptyParts)) {
        if (w.startsWith(u"pid:")) {
            if (!m.ownerPids(r).contains(w.mid(4).toLongLong()))
                return false;
            continue;
        }
        bool hit = false;
        for (int c : {int(KernelSocketModel::Local), int(KernelSocketModel::Remote),
                      int(KernelSocketModel::Process), int(KernelSocketModel::State)})
            hit |= m.index(r, c).data().toString().toLower().contains(w);
        if (!hit)
            return false;
    }
    return true;
}

} // namespace

class TestSocketFilterProxy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void sortEqualsAnIndependentSort_data();
    void sortEqualsAnIndependentSort();
    void filterEqualsAnIndependentPredicate_data();
    void filterEqualsAnIndependentPredicate();
    void selectionFollowsItsSocket();
    void burstAppliedInSlices();

private:
    std::unique_ptr<TestNetns> m_netns;
};

// As root, in a network namespace of its own: the table then holds only this suite's sockets
// (in the host's, other suites' thousands of TIME_WAITs change between two polls what a step
// here counts). Without root, the host's table.
void TestSocketFilterProxy::initTestCase()
{
    if (!TestNetns::canCreate())
        return;
    m_netns = std::make_unique<TestNetns>(QStringLiteral("filterproxy"));
    QVERIFY2(m_netns->ok() && m_netns->enter(), qPrintable(m_netns->name()));
}

void TestSocketFilterProxy::sortEqualsAnIndependentSort_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    for (const auto &[name, column] : {std::pair("Local", int(KernelSocketModel::Local)),
                                       std::pair("Remote", int(KernelSocketModel::Remote)),
                                       std::pair("State", int(KernelSocketModel::State)),
                                       std::pair("Process", int(KernelSocketModel::Process)),
                                       std::pair("Age", int(KernelSocketModel::Age)),
                                       std::pair("Recv-Q", int(KernelSocketModel::RecvQ))}) {
        QTest::addRow("%s ascending", name) << column << false;
        QTest::addRow("%s descending", name) << column << true;
    }
}

void TestSocketFilterProxy::sortEqualsAnIndependentSort()
{
    QFETCH(int, column);
    QFETCH(bool, descending);
    Traffic traffic(1050); // 2,100 sockets and more: the first poll goes in two chunks
    KernelTable table;
    KernelSocketModel model;
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(column, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    poll(table, model);
    QVERIFY(model.rowCount() >= 2101); // our 2,100 and the listener: more than one chunk
    QCOMPARE(shownKeys(proxy), independentOrder(model, column, descending));

    // Hundreds of rows change at once: merged into the kept order, not sorted again.
    QSignalSpy resets(&proxy, &QAbstractItemModel::modelReset);
    traffic.change(150, 150, 200, 300);
    QTest::qWait(50); // the unread bytes and the closes reach the kernel's table
    poll(table, model);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(shownKeys(proxy), independentOrder(model, column, descending));
    // And the other way round, on the same rows.
    proxy.sort(column, descending ? Qt::AscendingOrder : Qt::DescendingOrder);
    QCOMPARE(shownKeys(proxy), independentOrder(model, column, !descending));
}

void TestSocketFilterProxy::filterEqualsAnIndependentPredicate_data()
{
    QTest::addColumn<int>("state"); // -1: all
    QTest::addColumn<QString>("text");
    const QString pid = QString::number(::getpid());
    QTest::newRow("port") << -1 << u":%1"_qs;
    QTest::newRow("address and port") << -1 << u"127.0.0.1:%1"_qs;
    QTest::newRow("state word") << -1 << u"time_wait :%1"_qs;
    QTest::newRow("closed") << -1 << u"closed"_qs;
    QTest::newRow("pid") << -1 << u"pid:"_qs + pid;
    QTest::newRow("pid and port") << -1 << u"pid:%2 :%1"_qs.arg(u"%1"_qs, pid);
    QTest::newRow("ESTABLISHED") << int(index(TcpState::Established)) << QString();
    QTest::newRow("TIME_WAIT and port") << int(index(TcpState::TimeWait)) << u":%1"_qs;
    QTest::newRow("LISTEN and process") // (the kernel keeps 15 characters of a name)
        << int(index(TcpState::Listen)) << u"tst_socketfilte"_qs;
    QTest::newRow("nothing") << -1 << u"no-such-text"_qs;
}

void TestSocketFilterProxy::filterEqualsAnIndependentPredicate()
{
    QFETCH(int, state);
    QFETCH(QString, text);
    Traffic traffic(300);
    const QString typed = text.contains(u"%1") ? text.arg(traffic.port) : text;
    const QList<TcpState> states = state < 0 ? QList<TcpState>{} : QList{stateAt(state)};
    KernelTable table;
    KernelSocketModel model;
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(KernelSocketModel::State);
    poll(table, model);
    const auto check = [&](const QString &words, bool mustShow) {
        std::vector<quint64> expected;
        const std::vector<quint64> order = independentOrder(model, KernelSocketModel::State, false);
        for (quint64 key : order) {
            if (independentlyAccepted(model, *model.rowOf(key), states, words))
                expected.push_back(key);
        }
        QCOMPARE(shownKeys(proxy), expected);
        if (mustShow) // each case has rows to show once the sockets changed
            QVERIFY(expected.empty() == (words == u"no-such-text"));
    };
    proxy.setStates(states);
    proxy.setText(typed);
    check(typed, false);
    traffic.change(40, 60, 30, 50); // resets ("closed (was …)"), TIME_WAITs, new rows
    QTest::qWait(50);
    poll(table, model);
    check(typed, true);
    proxy.setText(QString()); // and back to every row of the state
    check(QString(), false);
    proxy.setStates({});
    QCOMPARE(proxy.rowCount(), model.rowCount());
}

void TestSocketFilterProxy::selectionFollowsItsSocket()
{
    Traffic traffic(200);
    KernelTable table;
    KernelSocketModel model;
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(KernelSocketModel::RecvQ, Qt::DescendingOrder);
    poll(table, model);
    // Select a connection that will move: its peer fills its queue.
    const auto &[client, server] = traffic.pairs[100];
    QItemSelectionModel selection(&proxy);
    int row = -1;
    for (int r = 0; r < proxy.rowCount() && row < 0; ++r) {
        const SocketRecord &rec =
            model.socketAt(proxy.mapToSource(proxy.index(r, 0)).row()).row.record;
        if (rec.localPort == traffic.port && rec.remotePort != 0) {
            sockaddr_in peer{};
            socklen_t len = sizeof peer;
            ::getpeername(server, reinterpret_cast<sockaddr *>(&peer), &len);
            if (rec.remotePort == ntohs(peer.sin_port))
                row = r;
        }
    }
    QVERIFY(row >= 0);
    const quint64 key = proxy.index(row, 0).data(KernelSocketModel::KeyRole).toULongLong();
    selection.select(proxy.index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    [[maybe_unused]] auto w = ::write(client, "fill the queue", 14);
    traffic.change(20, 20, 0, 20); // and others move, vanish and come around it
    QTest::qWait(50);
    poll(table, model);
    const QModelIndexList selected = selection.selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(KernelSocketModel::KeyRole).toULongLong(), key);
    const std::vector<quint64> order = independentOrder(model, KernelSocketModel::RecvQ, true);
    QCOMPARE(selected.first().row(),
             int(std::find(order.begin(), order.end(), key) - order.begin()));
    QVERIFY(selected.first().row() <= row); // up, past the empty queues
}

// A burst bigger than a slice is taken a slice per event-loop turn: in between, the view is a
// valid model (the tester) with the table's rows not yet placed left where they were; at the
// end it shows exactly the kernel table's rows the filter accepts, in the independent order,
// without a reset, and the selected socket is still selected, at its new place.
void TestSocketFilterProxy::burstAppliedInSlices()
{
    Traffic traffic(600);
    KernelTable table;
    KernelSocketModel model;
    SocketFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setSliceRows(100);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(KernelSocketModel::RecvQ, Qt::DescendingOrder);
    poll(table, model);
    QTRY_COMPARE_WITH_TIMEOUT(proxy.pendingRows(), std::size_t(0), 60000);
    QCOMPARE(shownKeys(proxy), independentOrder(model, KernelSocketModel::RecvQ, true));
    // Select a socket the burst leaves alone (the last pair's server end).
    const int server = traffic.pairs.back().second;
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    ::getpeername(server, reinterpret_cast<sockaddr *>(&peer), &len);
    int row = -1;
    for (int r = 0; r < proxy.rowCount() && row < 0; ++r) {
        const SocketRecord &rec =
            model.socketAt(proxy.mapToSource(proxy.index(r, 0)).row()).row.record;
        if (rec.localPort == traffic.port && rec.remotePort == ntohs(peer.sin_port))
            row = r;
    }
    QVERIFY(row >= 0);
    const quint64 key = proxy.index(row, 0).data(KernelSocketModel::KeyRole).toULongLong();
    QItemSelectionModel selection(&proxy);
    selection.select(proxy.index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);

    QSignalSpy resets(&proxy, &QAbstractItemModel::modelReset);
    traffic.change(150, 150, 150, 150); // ~1,500 rows change, vanish or appear
    QTest::qWait(50);
    const KernelPollBatch b = pollBatch(table);
    model.apply(b);
    QCOMPARE(model.rowCount(), int(b.rows->size())); // the new rows fit in one chunk
    QVERIFY(proxy.pendingRows() > 100);              // the rest waits for later turns
    QVERIFY(proxy.rowCount() < model.rowCount());    // the new rows among them
    QTRY_COMPARE_WITH_TIMEOUT(proxy.pendingRows(), std::size_t(0), 60000);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(proxy.rowCount(), model.rowCount());
    QCOMPARE(shownKeys(proxy), independentOrder(model, KernelSocketModel::RecvQ, true));
    std::vector<quint64> inTable;
    for (const KernelPollBatch::Row &r : *b.rows)
        inTable.push_back(r.row.key);
    std::vector<quint64> shown = shownKeys(proxy);
    std::sort(inTable.begin(), inTable.end());
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, inTable);
    const QModelIndexList selected = selection.selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(KernelSocketModel::KeyRole).toULongLong(), key);

    // A filter and a sort while slices are pending: the same end.
    traffic.change(50, 50, 50, 100); // the selected pair gets unread bytes
    QTest::qWait(50);
    model.apply(pollBatch(table));
    QVERIFY(proxy.pendingRows() > 0);
    proxy.setStates({TcpState::Established});
    proxy.sort(KernelSocketModel::Local, Qt::AscendingOrder);
    QTRY_COMPARE_WITH_TIMEOUT(proxy.pendingRows(), std::size_t(0), 60000);
    std::vector<quint64> expected;
    for (quint64 k : independentOrder(model, KernelSocketModel::Local, false)) {
        if (independentlyAccepted(model, *model.rowOf(k), {TcpState::Established}, {}))
            expected.push_back(k);
    }
    QCOMPARE(shownKeys(proxy), expected);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().first().data(KernelSocketModel::KeyRole).toULongLong(), key);
}

QTEST_MAIN(TestSocketFilterProxy)
#include "tst_socketfilterproxy.moc"
