// The kernel page as a user meets it, on the real kernel table with real loopback sockets:
// ages that do not pretend to know more than tcpscope saw, a process filter by pid, the record
// of sockets long gone, a burst that keeps the selection, a saved session's title, the status
// bar's count of shown rows; and a window closed while it reads a big file.
#include "kernel/kerneltable.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "support/loopsockets.h"

#include <QFile>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace tcpscope;

namespace {

const QString kPackets = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

// The model rows whose local or remote port is `port`.
QList<int> rowsOfPort(const KernelSocketModel &m, int port)
{
    QList<int> rows;
    const QString suffix = u':' + QString::number(port);
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, KernelSocketModel::Local).data().toString().endsWith(suffix)
            || m.index(r, KernelSocketModel::Remote).data().toString().endsWith(suffix))
            rows << r;
    }
    return rows;
}

QString cell(const KernelSocketModel &m, int row, int column, int role = Qt::DisplayRole)
{
    return m.index(row, column).data(role).toString();
}

int rowInState(const KernelSocketModel &m, int port, const QString &state)
{
    for (int r : rowsOfPort(m, port)) {
        if (cell(m, r, KernelSocketModel::State) == state)
            return r;
    }
    return -1;
}

// A poll, and the event-loop turns its new rows take (a chunk per turn).
void applyAll(KernelPage &page, KernelTable &table)
{
    const KernelPollBatch b = pollBatch(table);
    page.applyBatch(b);
    QTRY_COMPARE(page.model()->rowCount(), int(b.rows->size()));
}

} // namespace

class TestKernelPage : public QObject
{
    Q_OBJECT
private slots:
    void agesAreLowerBoundsForSocketsOlderThanTheWatch();
    void timeWaitAgeIsExactAndOrphanTimerNamed();
    void filterToThisProcessTakesThePid();
    void vanishedSocketsKeepTheirTransitions();
    void burstKeepsTheSelection();
    void savedSessionIsTitledAndStatusCountsShownRows();
    void closingTheWindowWhileReadingIsSafe();
};

void TestKernelPage::agesAreLowerBoundsForSocketsOlderThanTheWatch()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    KernelTable table;
    KernelPage page(false);
    applyAll(page, table); // the listener was there before the watch began
    const KernelSocketModel &m = *page.model();
    const int listener = rowInState(m, port, u"LISTEN"_qs);
    QVERIFY(listener >= 0);
    QVERIFY2(cell(m, listener, KernelSocketModel::Age).startsWith(u"≥ "),
             qPrintable(cell(m, listener, KernelSocketModel::Age)));
    QVERIFY(cell(m, listener, KernelSocketModel::Age, Qt::ToolTipRole).contains(u"At least"));

    // A connection made after the first poll: tcpscope saw it appear, its age is no bound.
    const int c = s.connect("127.0.0.1", port);
    s.accept(l);
    QTest::qWait(50);
    applyAll(page, table);
    const int est = rowInState(m, port, u"ESTABLISHED"_qs);
    QVERIFY(est >= 0);
    QVERIFY(!cell(m, est, KernelSocketModel::Age).startsWith(u"≥"));
    QVERIFY(!cell(m, est, KernelSocketModel::InState).startsWith(u"≥"));
    QVERIFY(cell(m, est, KernelSocketModel::Age, Qt::ToolTipRole).isEmpty());
    s.close(c);
}

void TestKernelPage::timeWaitAgeIsExactAndOrphanTimerNamed()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    // A TIME_WAIT made before the watch began...
    const int c1 = s.connect("127.0.0.1", port);
    const int a1 = s.accept(l);
    s.close(c1);
    QVERIFY(LoopSockets::drainToEof(a1));
    s.close(a1);
    // ... and an orphaned FIN_WAIT_2: the client closes, its peer never does.
    const int c2 = s.connect("127.0.0.1", port);
    const int a2 = s.accept(l);
    s.close(c2);
    QTest::qWait(1500);
    KernelTable table;
    KernelPage page(false);
    applyAll(page, table);
    const KernelSocketModel &m = *page.model();

    const int tw = rowInState(m, port, u"TIME_WAIT"_qs);
    QVERIFY(tw >= 0);
    // Its time in TIME_WAIT is 60 s less what its timer has left, whatever tcpscope saw.
    const QString timer = cell(m, tw, KernelSocketModel::Timer); // "timewait 58.4 s"
    QVERIFY2(timer.startsWith(u"timewait "), qPrintable(timer));
    const double left = timer.section(u' ', 1, 1).toDouble();
    QCOMPARE(cell(m, tw, KernelSocketModel::InState), durationText(60 - left));
    QVERIFY(60 - left >= 1.0); // it has been in TIME_WAIT for the 1.5 s waited
    QVERIFY(cell(m, tw, KernelSocketModel::InState, Qt::ToolTipRole).contains(u"Exact"));
    QVERIFY(cell(m, tw, KernelSocketModel::Age).startsWith(u"≥ ")); // its age is still a bound

    const int fw2 = rowInState(m, port, u"FIN_WAIT_2"_qs);
    QVERIFY(fw2 >= 0);
    QVERIFY(cell(m, fw2, KernelSocketModel::Process).contains(u"closed by its application"));
    QVERIFY2(cell(m, fw2, KernelSocketModel::Timer).startsWith(u"fin_timeout "),
             qPrintable(cell(m, fw2, KernelSocketModel::Timer)));
    QVERIFY(cell(m, fw2, KernelSocketModel::Timer, Qt::ToolTipRole).contains(u"tcp_fin_timeout"));
    s.close(a2);
}

void TestKernelPage::filterToThisProcessTakesThePid()
{
    // Two processes of the same name, each with a listener: this test and a forked child (forked
    // first, so that it shares none of our sockets).
    int ready[2], hold[2];
    QVERIFY(::pipe(ready) == 0 && ::pipe(hold) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(hold[1]); // so that the parent closing its end ends the read below
        ::close(ready[0]);
        LoopSockets own;
        const int port = LoopSockets::port(own.listen("127.0.0.1"));
        [[maybe_unused]] auto w = ::write(ready[1], &port, sizeof port);
        char c;
        [[maybe_unused]] auto r = ::read(hold[0], &c, 1); // until the parent closes the pipe
        ::_exit(0);
    }
    int theirs = 0;
    QVERIFY(::read(ready[0], &theirs, sizeof theirs) == sizeof theirs);
    LoopSockets s;
    const int mine = LoopSockets::port(s.listen("127.0.0.1"));
    KernelTable table;
    KernelPage page(false);
    page.show();
    applyAll(page, table);
    const KernelSocketModel &m = *page.model();
    QVERIFY(rowInState(m, mine, u"LISTEN"_qs) >= 0 && rowInState(m, theirs, u"LISTEN"_qs) >= 0);

    // Right-click our listener ▸ Filter to this process.
    const QModelIndex ours =
        page.proxy()->mapFromSource(m.index(rowInState(m, mine, u"LISTEN"_qs), 0));
    QMenu menu;
    page.fillContextMenu(&menu, ours);
    QAction *filter = nullptr;
    for (QAction *a : menu.actions())
        filter = a->text() == u"Filter to this process" ? a : filter;
    QVERIFY(filter);
    filter->trigger();
    QCOMPARE(page.filterEdit()->text(), QStringLiteral("pid:%1").arg(::getpid()));
    const QAbstractItemModel *shown = page.proxy();
    bool sawMine = false;
    for (int r = 0; r < shown->rowCount(); ++r) {
        const QString local = shown->index(r, KernelSocketModel::Local).data().toString();
        QVERIFY2(!local.endsWith(u':' + QString::number(theirs)), "the child's socket is shown");
        QVERIFY(shown->index(r, KernelSocketModel::Process)
                    .data()
                    .toString()
                    .contains(QString::number(::getpid())));
        sawMine |= local.endsWith(u':' + QString::number(mine));
    }
    QVERIFY2(
        sawMine,
        qPrintable(QStringLiteral("%1 rows shown, ours :%2").arg(shown->rowCount()).arg(mine)));
    ::close(hold[1]);
    ::waitpid(child, nullptr, 0);
    ::close(hold[0]);
    ::close(ready[0]);
    ::close(ready[1]);
}

void TestKernelPage::vanishedSocketsKeepTheirTransitions()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    KernelTable table;
    KernelPage page(false);
    page.applyBatch(pollBatch(table));
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QTest::qWait(20);
    page.applyBatch(pollBatch(table)); // both ends appear
    const linger now{1, 0};            // reset: both ends vanish at once, no TIME_WAIT
    ::setsockopt(c, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    s.close(c);
    s.close(a);
    // Poll past the fade until the rows are gone from the table.
    for (int i = 0; i < 60 && rowsOfPort(*page.model(), port).size() > 1; ++i) {
        QTest::qWait(100);
        page.applyBatch(pollBatch(table));
    }
    QCOMPARE(rowsOfPort(*page.model(), port).size(), 1); // the listener alone
    // The record still has the connection: appeared, then CLOSED, for both ends.
    const DataTable all = page.exportTarget().transitions();
    const int localPort = int(all.keys.indexOf(u"local_port"_qs)),
              remotePort = int(all.keys.indexOf(u"remote_port"_qs)),
              to = int(all.keys.indexOf(u"to"_qs));
    QVERIFY(localPort >= 0 && remotePort >= 0 && to >= 0);
    int closed = 0;
    for (const QStringList &row : all.rows) {
        const bool ours = row[remotePort] == QString::number(port)
                          || (row[localPort] == QString::number(port) && row[remotePort] != u"0");
        closed += ours && row[to] == u"CLOSED";
    }
    QCOMPARE(closed, 2);
}

void TestKernelPage::burstKeepsTheSelection()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1", 4096);
    const int port = LoopSockets::port(l);
    std::vector<int> fds;
    for (int i = 0; i < 1100; ++i) { // 2,200 sockets: more than one poll applies row by row
        fds.push_back(s.connect("127.0.0.1", port));
        fds.push_back(s.accept(l));
    }
    KernelTable table;
    KernelPage page(false);
    page.resize(900, 600);
    page.show();
    applyAll(page, table); // inserted a chunk per event-loop turn
    QVERIFY(page.model()->rowCount() >= 2201);
    const QModelIndex listener = page.proxy()->mapFromSource(
        page.model()->index(rowInState(*page.model(), port, u"LISTEN"_qs), 0));
    page.table()->selectRow(listener.row());
    const quint64 key = listener.data(KernelSocketModel::KeyRole).toULongLong();
    // Sorted youngest first and scrolled down a way: the socket at the top must stay there.
    page.table()->sortByColumn(KernelSocketModel::Age, Qt::AscendingOrder);
    page.table()->scrollTo(page.proxy()->index(page.proxy()->rowCount() / 2, 0),
                           QAbstractItemView::PositionAtTop);
    const auto topKey = [&] {
        return page.table()->indexAt(QPoint(0, 0)).data(KernelSocketModel::KeyRole).toULongLong();
    };
    const quint64 top = topKey();
    const int selectedRow = page.table()->selectionModel()->selectedRows().value(0).row();

    QSignalSpy resets(page.proxy(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(page.proxy(), &QAbstractItemModel::rowsInserted);
    const linger now{1, 0};
    for (int fd : fds) {
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
        s.close(fd);
    }
    for (int i = 0; i < 1100; ++i) { // and as many new ones come, above them all
        s.connect("127.0.0.1", port);
        s.accept(l);
    }
    applyAll(page, table);       // 2,200 rows turn "gone", 2,200 appear at the top
    QCOMPARE(resets.count(), 0); // the view is never reset: rows move, come and go
    QVERIFY(!inserted.isEmpty());
    QCOMPARE(topKey(), top);
    const QModelIndexList selected = page.table()->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(KernelSocketModel::KeyRole).toULongLong(), key);
    QVERIFY(selected.first().row() >= selectedRow + 2200); // it moved down with the rest

    // Their fade over, the 2,200 gone rows leave in one poll: one reset of the model (one pass
    // over its rows), none of the view.
    QSignalSpy modelResets(page.model(), &QAbstractItemModel::modelReset);
    std::vector<quint64> gone;
    for (int r : rowsOfPort(*page.model(), port)) {
        if (page.model()->index(r, 0).data(KernelSocketModel::GoneRole).toBool())
            gone.push_back(
                page.model()->index(r, 0).data(KernelSocketModel::KeyRole).toULongLong());
    }
    QCOMPARE(int(gone.size()), 2200);
    const auto anyLeft = [&] {
        return std::any_of(gone.begin(), gone.end(),
                           [&](quint64 k) { return page.model()->rowOf(k).has_value(); });
    };
    for (int i = 0; i < 50 && anyLeft(); ++i) {
        QTest::qWait(100);
        applyAll(page, table);
    }
    QVERIFY(!anyLeft());
    QCOMPARE(modelResets.count(), 1);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(page.proxy()->rowCount(), page.model()->rowCount());
    QCOMPARE(page.table()
                 ->selectionModel()
                 ->selectedRows()
                 .value(0)
                 .data(KernelSocketModel::KeyRole)
                 .toULongLong(),
             key);
}

void TestKernelPage::savedSessionIsTitledAndStatusCountsShownRows()
{
    LoopSockets s;
    const int port = LoopSockets::port(s.listen("127.0.0.1"));
    KernelTable table;
    MainWindow w(false);
    KernelPage *page = w.kernelPage();
    QSignalSpy status(page, &KernelPage::statusChanged);
    applyAll(*page, table); // every row in, so that the count below is the whole table's
    QCOMPARE(w.tabs()->tabText(0), u"Kernel table (live)"_qs);
    page->filterEdit()->setText(QStringLiteral(":%1").arg(port));
    // (typed less than 150 ms after the last filter, it applies after that pause)
    QTRY_VERIFY(!status.isEmpty() && page->proxy()->text() == page->filterEdit()->text());
    const QString text = status.last().first().toString();
    QVERIFY2(text.contains(QStringLiteral("%1 of %2 rows shown by the filter")
                               .arg(page->proxy()->rowCount())
                               .arg(page->model()->rowCount())),
             qPrintable(text));

    w.loadSession(page->timeline(), u"/tmp/some-session.pcapng"_qs);
    QCOMPARE(w.tabs()->tabText(0), u"Kernel table (saved session)"_qs);
    page->setPaused(false); // back to live
    QCOMPARE(w.tabs()->tabText(0), u"Kernel table (live)"_qs);
}

void TestKernelPage::closingTheWindowWhileReadingIsSafe()
{
    // A big capture made from a recorded one: its packets again and again.
    QFile in(kPackets + u"client_close.lo.pcap"_qs);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray file = in.readAll();
    const QByteArray header = file.left(24), records = file.mid(24);
    QTemporaryDir dir;
    const QString big = dir.filePath(u"big.pcap"_qs);
    QFile out(big);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(header);
    for (int i = 0; i < 30000; ++i)
        out.write(records);
    out.close();

    for (int round = 0; round < 3; ++round) {
        auto w = std::make_unique<MainWindow>(false);
        QSignalSpy opened(w.get(), &MainWindow::captureOpened);
        w->openCapture(big);
        w.reset(); // closed mid-read: the read must not reach the window
        QTest::qWait(round == 2 ? 6000 : 300);
        QCOMPARE(opened.count(), 0);
    }
    // And a window that stays gets the file.
    MainWindow w(false);
    QSignalSpy opened(&w, &MainWindow::captureOpened);
    w.openCapture(big);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 60000);
    QCOMPARE(w.tabs()->count(), 2);
}

QTEST_MAIN(TestKernelPage)
#include "tst_kernelpage.moc"
