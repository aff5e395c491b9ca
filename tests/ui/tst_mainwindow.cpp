// The main window opens, is titled, and its About box names the library versions in use.
#include "kernel/kernelpoller.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "packets/capturereader.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "support/loopsockets.h"
#include "versions.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <pcap/pcap.h>
#include <qcustomplot.h>

using namespace tcpscope;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void opensTitled();
    void aboutNamesVersions();
    void versionTextMatchesLibraries();
    void liveConnectionAppearsWithOurPid();
    void captureFileOpensInATab();
    void pauseFreezesThePictureNotTheRecord();
    void badCaptureSaysSoAndChangesNothing();
};

void TestMainWindow::opensTitled()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.windowTitle().startsWith(u"tcpscope"));
    QStringList menus;
    for (QAction *a : w.menuBar()->actions())
        menus << a->text().remove(u'&');
    QVERIFY2(menus.contains(u"Help"), qPrintable(menus.join(u',')));
}

void TestMainWindow::aboutNamesVersions()
{
    const QString text = MainWindow::aboutText();
    QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(QCUSTOMPLOT_VERSION_STR)), qPrintable(text));
    // pcap_lib_version() says "libpcap version 1.10.3 (...)"; the About box gives the number.
    const QString pcap = QString::fromLatin1(pcap_lib_version()).section(u' ', 2, 2);
    QVERIFY(!pcap.isEmpty());
    QVERIFY2(text.contains(pcap), qPrintable(text));
}

void TestMainWindow::versionTextMatchesLibraries()
{
    const QString v = versionText(QStringLiteral("tcpscope"));
    QCOMPARE(v.split(u'\n', Qt::SkipEmptyParts).size(), 4);
    QVERIFY(v.contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())));
    // The CLI reads the QCustomPlot version from the header at configure time; it must be the
    // header the GUI was compiled against.
    QVERIFY(v.contains(QStringLiteral("QCustomPlot " QCUSTOMPLOT_VERSION_STR)));
}

void TestMainWindow::liveConnectionAppearsWithOurPid()
{
    QSettings().clear(); // no filters remembered from an earlier run
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    const QString portText = u':' + QString::number(port);
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QVERIFY(c >= 0 && a >= 0);

    auto findRow = [&](const QString &state) {
        const QAbstractItemModel *m = w.kernelPage()->table()->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, KernelSocketModel::Remote).data().toString().endsWith(portText)
                && m->index(r, KernelSocketModel::State).data().toString() == state)
                return r;
        }
        return -1;
    };
    const QString me = QStringLiteral("(%1)").arg(QCoreApplication::applicationPid());
    QTRY_VERIFY_WITH_TIMEOUT(findRow(u"ESTABLISHED"_qs) >= 0, 5000);
    const int est = findRow(u"ESTABLISHED"_qs);
    QVERIFY2(w.kernelPage()
                 ->table()
                 ->model()
                 ->index(est, KernelSocketModel::Process)
                 .data()
                 .toString()
                 .contains(me),
             qPrintable(w.kernelPage()
                            ->table()
                            ->model()
                            ->index(est, KernelSocketModel::Process)
                            .data()
                            .toString()));

    s.close(c); // the client closes first: its socket goes to TIME_WAIT
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    QTRY_VERIFY_WITH_TIMEOUT(findRow(u"TIME_WAIT"_qs) >= 0, 5000);

    // Filter to TIME_WAIT: only TIME_WAIT rows remain, ours among them.
    w.kernelPage()->stateFilter()->setCurrentIndex(index(TcpState::TimeWait) + 1);
    const QAbstractItemModel *m = w.kernelPage()->table()->model();
    QVERIFY(m->rowCount() >= 1);
    for (int r = 0; r < m->rowCount(); ++r)
        QCOMPARE(m->index(r, KernelSocketModel::State).data().toString(), u"TIME_WAIT"_qs);
    // Free text narrows further, to our port.
    w.kernelPage()->filterEdit()->setText(portText.mid(1));
    QTRY_COMPARE(m->rowCount(), 1);

    // Selecting it shows its history: it was ESTABLISHED, it is TIME_WAIT now.
    w.kernelPage()->table()->selectRow(0);
    QTRY_VERIFY(w.kernelPage()->historyView()->topLevelItemCount() >= 1);
    const QTreeWidgetItem *last = w.kernelPage()->historyView()->topLevelItem(
        w.kernelPage()->historyView()->topLevelItemCount() - 1);
    QCOMPARE(last->text(2), u"TIME_WAIT"_qs);

    // Sorting uses raw values: Recv-Q sorts numerically.
    w.kernelPage()->filterEdit()->clear();
    w.kernelPage()->stateFilter()->setCurrentIndex(0);
    w.kernelPage()->table()->sortByColumn(KernelSocketModel::Age, Qt::DescendingOrder);
    double previous = 1e18;
    for (int r = 0; r < m->rowCount(); ++r) {
        const double age =
            m->index(r, KernelSocketModel::Age).data(KernelSocketModel::SortRole).toDouble();
        QVERIFY(age <= previous);
        previous = age;
    }

    // A series toggles, and the chart has been fed by the polls.
    QVERIFY(w.kernelPage()->chart()->sampleCount() >= 2);
    QVERIFY(w.kernelPage()->chart()->isSeriesVisible(TcpState::TimeWait));
    w.kernelPage()->chart()->setSeriesVisible(TcpState::TimeWait, false);
    QVERIFY(!w.kernelPage()->chart()->isSeriesVisible(TcpState::TimeWait));
    w.kernelPage()->chart()->clear();
    QCOMPARE(w.kernelPage()->chart()->sampleCount(), 0);
}

void TestMainWindow::pauseFreezesThePictureNotTheRecord()
{
    MainWindow w(false);
    w.show();
    KernelTable table;
    auto feedOne = [&] {
        w.kernelPage()->applyBatch(pollBatch(table));
        QCoreApplication::processEvents(); // queued row inserts
    };
    LoopSockets s;
    auto listenerShown = [&](int port) {
        const QAbstractItemModel *m = w.kernelPage()->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, KernelSocketModel::Local).data().toString()
                == QStringLiteral("127.0.0.1:%1").arg(port))
                return true;
        }
        return false;
    };
    feedOne();
    const int samples = w.kernelPage()->chart()->sampleCount();
    w.kernelPage()->setPaused(true);
    const int port = LoopSockets::port(s.listen("127.0.0.1"));
    feedOne();
    QVERIFY(!listenerShown(port));                                 // the picture is frozen
    QCOMPARE(w.kernelPage()->chart()->sampleCount(), samples + 1); // the record goes on
    w.kernelPage()->setPaused(false);
    QCoreApplication::processEvents();
    QVERIFY(listenerShown(port)); // and catches up on resume
}

void TestMainWindow::captureFileOpensInATab()
{
    const QString path = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
    MainWindow w(false);
    w.show();
    QSignalSpy opened(&w, &MainWindow::captureOpened);
    w.openCapture(path);
    QTRY_COMPARE(opened.count(), 1);
    QCOMPARE(w.tabs()->count(), 2);
    auto *page = qobject_cast<CapturePage *>(w.tabs()->currentWidget());
    QVERIFY(page);

    // The table holds the engine's connections, one row each, with their final states.
    CaptureReader reader;
    QString error;
    TcpTracker tracker;
    QVERIFY(reader.open(path, &error) && reader.read(tracker, &error));
    tracker.finish(reader.stats().lastTimeNs);
    const QAbstractItemModel *m = page->table()->model();
    QCOMPARE(m->rowCount(), int(tracker.connections().size()));
    for (int r = 0; r < m->rowCount(); ++r) {
        const int conn = m->index(r, 0).data(PacketConnectionModel::ConnectionRole).toInt();
        const Connection &c = tracker.connections()[std::size_t(conn)];
        QCOMPARE(m->index(r, PacketConnectionModel::ClientState).data().toString(),
                 rfcName(c.ep[0].state));
        QCOMPARE(m->index(r, PacketConnectionModel::ServerState).data().toString(),
                 rfcName(c.ep[1].state));
    }
    // Selecting one lists its history, step by step.
    page->table()->selectRow(0);
    const int conn = m->index(0, 0).data(PacketConnectionModel::ConnectionRole).toInt();
    int changes = 0;
    for (const StateChange &c : tracker.changes())
        changes += int(c.connection) == conn;
    QCOMPARE(page->historyView()->topLevelItemCount(), changes);
    QVERIFY(page->chart()->sampleCount() >= 2);
    // A click on the chart shows the connections as they were at that moment.
    const StateChange &mid = tracker.changes()[tracker.changes().size() / 2];
    const double t = double(mid.timeNs) / 1e9;
    Q_EMIT page->chart()->momentClicked(t);
    for (int r = 0; r < m->rowCount(); ++r) {
        const int id = m->index(r, 0).data(PacketConnectionModel::ConnectionRole).toInt();
        const Connection &c = tracker.connections()[std::size_t(id)];
        QString expected = u"(not yet)"_qs;
        if (c.firstSeenNs <= mid.timeNs) {
            TcpState client = c.ep[0].role == Role::Server ? TcpState::Listen : TcpState::Closed;
            for (const StateChange &ch : tracker.changes()) {
                if (int(ch.connection) == id
                    && ch.endpoint == (c.ep[0].role == Role::Server ? 1 : 0)
                    && ch.timeNs <= mid.timeNs)
                    client = ch.to;
            }
            expected = rfcName(client);
        }
        QCOMPARE(m->index(r, PacketConnectionModel::ClientState).data().toString(), expected);
    }
    // Replay as fast as possible: the moment moves through the capture and ends on its final
    // picture.
    QSignalSpy finished(page, &CapturePage::replayFinished);
    page->startReplay(0);
    QVERIFY(page->isReplaying());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QVERIFY(!page->model()->moment().has_value());
    QCOMPARE(m->index(0, PacketConnectionModel::ClientState).data().toString(),
             rfcName(tracker
                         .connections()[std::size_t(
                             m->index(0, 0).data(PacketConnectionModel::ConnectionRole).toInt())]
                         .ep[0]
                         .state));
    page->chart()->setStacked(true);
    QVERIFY(page->chart()->isStacked());
    // And it is remembered among the recent files.
    QVERIFY(QSettings().value(QStringLiteral("files/recent")).toStringList().contains(path));
}

void TestMainWindow::badCaptureSaysSoAndChangesNothing()
{
    MainWindow w(false);
    w.show();
    const QString path =
        QStringLiteral(TCPSCOPE_TEST_DATA "/kernel/loopback/ss.txt"); // not a capture
    w.openCapture(path);
    QTRY_VERIFY(w.findChild<QMessageBox *>());
    auto *box = w.findChild<QMessageBox *>();
    QVERIFY2(box->text().contains(path) && box->text().contains(u"not a pcap or pcapng capture"),
             qPrintable(box->text()));
    box->accept();
    QCOMPARE(w.tabs()->count(), 1); // the live table is still there, nothing else opened
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    Q_INIT_RESOURCE(resources);
    TestMainWindow t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_mainwindow.moc"
