// Live capture in the window (offscreen): as root, the helper on lo while the test opens
// and closes a connection, and the tab's table fills with it; without the capability, the
// message with the command that grants it, and the window goes on.
#include "diagram/statediagramview.h"
#include "ladder/ladderpane.h"
#include "ladder/ladderview.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "models/packetconnectionmodel.h"
#include "packets/capturefile.h"
#include "packets/ladder.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "support/loopsockets.h"
#include "support/pcapfeed.h"
#include "support/smalltmpfs.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>

using namespace tcpscope;
using namespace std::chrono_literals;

namespace {
// Starts a live capture of `port` on lo and waits until the helper has the interface open.
bool startCapture(LiveCapturePage *live, int port)
{
    QSignalSpy started(live, &LiveCapturePage::started);
    live->start(QStringLiteral("lo"), QStringLiteral("tcp port %1").arg(port));
    return QTest::qWaitFor([&] { return started.count() == 1; }, 10000);
}
// The capture helper this test process started (its child named tcpscope-capture).
pid_t helperChild()
{
    const QStringList pids = QDir(u"/proc"_qs).entryList(QDir::Dirs);
    for (const QString &p : pids) {
        QFile stat(u"/proc/"_qs + p + u"/stat"_qs);
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        const QList<QByteArray> rest = line.mid(close + 2).split(' ');
        if (line.contains("(tcpscope-captur") && rest.size() > 1
            && rest[1].toInt() == int(::getpid()))
            return pid_t(p.toInt());
    }
    return -1;
}
} // namespace

class TestLiveCaptureGui : public QObject
{
    Q_OBJECT
private slots:
    void connectionShowsUp();
    void withoutCapabilitySaysHow();
    void bothSourcesOneRow();
    void killedHelperIsSaid();
    void streamWithRetirementKeepsModelSound();
    void timeWaitsRetiredStayCounted();
    void ladderGrowsWhileSelected();
    void fullTmpdirIsSaidAndSaveCountsWhatIsMissing();
};

void TestLiveCaptureGui::connectionShowsUp()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    MainWindow w(false);
    w.show();
    LiveCapturePage *live = w.openLiveCapture();
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    QVERIFY(startCapture(live, port));
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QVERIFY(c >= 0 && a >= 0);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    QTest::qWait(500);
    QSignalSpy stopped(live, &LiveCapturePage::stopped);
    live->stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000);
    QVERIFY2(live->message().isEmpty(), qPrintable(live->message()));
    const QAbstractItemModel *m = live->page()->table()->model();
    QCOMPARE(m->rowCount(), 1);
    QCOMPARE(m->index(0, PacketConnectionModel::ClientState).data().toString(), u"TIME_WAIT"_qs);
    QCOMPARE(m->index(0, PacketConnectionModel::ServerState).data().toString(), u"CLOSED"_qs);
    // The diagram saw the same: every transition of the connection sent along its arrow, and
    // the counts are the engine's (the client's TIME_WAIT).
    const StateDiagramView *diagram = live->page()->views().diagram;
    int animated = 0;
    for (const auto &started : diagram->animator().startedLog())
        animated += started.count;
    QCOMPARE(animated, int(live->page()->model()->history(0).size()));
    QCOMPARE(diagram->counts()[std::size_t(index(TcpState::TimeWait))], 1);
    // The ladder of the selected connection, read again from the kept packets: every segment,
    // both ends' states after the last.
    live->page()->table()->selectRow(0);
    const auto ladder = live->page()->ladderPane()->view()->ladder();
    QVERIFY(ladder);
    QCOMPARE(ladder->rows.size(), std::size_t(live->page()->model()->result().tcpPackets));
    QCOMPARE(ladder->rows.front().role, SegmentRole::Handshake1);
    const int client = ladder->left;
    QCOMPARE(ladder->rows.back().after[std::size_t(client)], TcpState::TimeWait);
    QCOMPARE(ladder->rows.back().after[std::size_t(1 - client)], TcpState::Closed);
    // File ▸ Save packets: a pcapng that reads back as the same connection.
    QTemporaryDir dir;
    const QString saved = dir.filePath(u"live.pcapng"_qs);
    w.tabs()->setCurrentWidget(live);
    QString error;
    QVERIFY2(w.savePackets(saved, &error), qPrintable(error));
    const CaptureResult back = readCapture(saved);
    QVERIFY2(back.tracker, qPrintable(back.error));
    QCOMPARE(back.packets, live->page()->model()->result().packets);
    QCOMPARE(back.tracker->connections().size(), std::size_t(1));
    QCOMPARE(back.tracker->connections()[0].ep[0].state, TcpState::TimeWait);
}

void TestLiveCaptureGui::withoutCapabilitySaysHow()
{
    if (::geteuid() == 0) { // the real helper, run as nobody without capabilities
        qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_SOURCE_DIR "/tests/tools/helper_as_nobody.sh");
        qputenv("TCPSCOPE_REAL_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    } else {
        qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    }
    MainWindow w(false);
    w.show();
    LiveCapturePage *live = w.openLiveCapture();
    QSignalSpy stopped(live, &LiveCapturePage::stopped);
    live->start(QStringLiteral("lo"), QStringLiteral("tcp"));
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 10000);
    QVERIFY2(live->message().contains(u"setcap cap_net_raw,cap_net_admin+ep"),
             qPrintable(live->message()));
    QVERIFY(!live->isRunning());
    QCOMPARE(w.tabs()->count(), 2); // the kernel table and this tab: nothing else broke
}

void TestLiveCaptureGui::bothSourcesOneRow()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    MainWindow w; // the kernel table polls too
    w.show();
    LiveCapturePage *live = w.openLiveCapture();
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    QVERIFY(startCapture(live, port));
    const int c = s.connect("127.0.0.1", port);
    QVERIFY(c >= 0 && s.accept(l) >= 0);
    QVERIFY(::write(c, "x", 1) == 1); // a packet after the handshake makes the capture publish
    const QString clientPort = QStringLiteral(":%1").arg(port);
    auto mergedRows = [&] {
        const QAbstractItemModel *m = w.kernelPage()->model();
        int n = 0;
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, KernelSocketModel::Local).data().toString().endsWith(clientPort)
                || m->index(r, KernelSocketModel::Remote).data().toString().endsWith(clientPort)) {
                if (m->index(r, KernelSocketModel::Source).data().toString()
                        == u"kernel + packets: ESTABLISHED (peer ESTABLISHED)"
                    && m->index(r, KernelSocketModel::State).data().toString() == u"ESTABLISHED")
                    ++n;
            }
        }
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(mergedRows(), 2, 8000); // both ends of the connection, one row each
    live->stop();
}

void TestLiveCaptureGui::killedHelperIsSaid()
{
    if (::geteuid() != 0)
        QSKIP("live capture needs root or cap_net_raw,cap_net_admin on tcpscope-capture");
    qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    MainWindow w(false);
    w.show();
    LiveCapturePage *live = w.openLiveCapture();
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    QVERIFY(startCapture(live, port));
    const int c = s.connect("127.0.0.1", port);
    QVERIFY(c >= 0 && s.accept(l) >= 0);
    QVERIFY(::write(c, "x", 1) == 1);
    const QAbstractItemModel *m = live->page()->table()->model();
    QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 1, 5000);
    const pid_t helper = helperChild();
    QVERIFY(helper > 0);
    QSignalSpy stopped(live, &LiveCapturePage::stopped);
    QCOMPARE(::kill(helper, SIGKILL), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000);
    QVERIFY2(live->message().contains(u"killed (signal 9, SIGKILL)"), qPrintable(live->message()));
    QVERIFY(!live->isRunning());
    // Everything read so far is still shown.
    QCOMPARE(m->rowCount(), 1);
    QCOMPARE(m->index(0, PacketConnectionModel::ClientState).data().toString(), u"ESTABLISHED"_qs);
    QVERIFY(live->page()->model()->result().packets >= 4);
}

// A recording played on its own clock, published often, retiring all but 2 finished
// connections at once.
static LiveCaptureOptions retiringAllButTwo()
{
    LiveCaptureOptions o;
    o.wallClock = false;
    o.keepFinished = 2;
    o.retireAfterNs = 0;
    o.publishIntervalMs = 10;
    o.keepPackets = false;
    return o;
}

// A recorded capture through a pipe into the real page, retiring all but 2 finished
// connections: the model stays sound under QAbstractItemModelTester, a held selection
// survives the removals, and the rows kept are bounded.
void TestLiveCaptureGui::streamWithRetirementKeepsModelSound()
{
    LiveCapturePage live;
    live.show();
    QAbstractItemModelTester tester(live.page()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(live.page()->table()->model(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    LiveCaptureOptions o = retiringAllButTwo();
    o.twoMslNs = 1'000'000; // TIME_WAIT 1 ms: the recording's connections finish as it plays
    int p[2];
    QCOMPARE(::pipe2(p, O_CLOEXEC), 0);
    const QString file = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
    QSignalSpy stopped(&live, &LiveCapturePage::stopped);
    int mostRows = 0;
    QPersistentModelIndex held;
    connect(&live, &LiveCapturePage::deltaShown, &live, [&] {
        const QAbstractItemModel *m = live.page()->table()->model();
        mostRows = std::max(mostRows, m->rowCount());
        if (!held.isValid() && m->rowCount() > 0) { // hold the newest row, as a user would
            live.page()->table()->selectRow(m->rowCount() - 1);
            held = m->index(m->rowCount() - 1, 0);
        }
    });
    live.startStream(p[0], u"many_short"_qs, o);
    {
        test::PcapFeeder feed(test::splitPcap(file), p[1], 4, 15ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    }
    const RetiredSummary &retired = live.page()->model()->retired();
    QVERIFY(retired.connections > 0);
    QVERIFY2(mostRows <= 2 + 16 + 8, qPrintable(QString::number(mostRows)));
    QVERIFY(live.message().isEmpty());
    QVERIFY(held.isValid());
    QVERIFY(live.page()->table()->selectionModel()->isRowSelected(held.row(), {}));
    // Each kept connection's history, its index renumbered at every retirement, is its changes.
    const TcpTracker &view = *live.page()->model()->result().tracker;
    for (std::uint32_t c = 0; c < view.connections().size(); ++c) {
        std::vector<StateChange> want;
        for (const StateChange &ch : view.changes()) {
            if (ch.connection == c)
                want.push_back(ch);
        }
        const std::vector<StateChange> got = live.page()->model()->history(c);
        QCOMPARE(got.size(), want.size());
        for (std::size_t k = 0; k < got.size(); ++k) {
            QCOMPARE(got[k].connection, c);
            QCOMPARE(got[k].timeNs, want[k].timeNs);
            QVERIFY(got[k].to == want[k].to);
        }
    }
}

// A TIME_WAIT storm in miniature: the recording's clients stay in TIME_WAIT (60 s, longer
// than the file), and all but 2 finished connections are retired. The rows are bounded, yet
// the counts the diagram and chart show keep every TIME_WAIT the file has, and the page
// says that retired endpoints are still counted there.
void TestLiveCaptureGui::timeWaitsRetiredStayCounted()
{
    const QString file = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
    const CaptureResult want = readCapture(file);
    QVERIFY2(want.tracker, qPrintable(want.error));
    const int timeWaits = want.tracker->counts()[std::size_t(index(TcpState::TimeWait))];
    QVERIFY2(timeWaits > 20, qPrintable(QString::number(timeWaits)));
    LiveCapturePage live;
    live.show();
    const LiveCaptureOptions o = retiringAllButTwo();
    int p[2];
    QCOMPARE(::pipe2(p, O_CLOEXEC), 0);
    QSignalSpy stopped(&live, &LiveCapturePage::stopped);
    live.startStream(p[0], u"many_short"_qs, o);
    {
        test::PcapFeeder feed(test::splitPcap(file), p[1], 4, 15ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    }
    const PacketConnectionModel *model = live.page()->model();
    QVERIFY2(model->rowCount() <= 2 + 16 + 8, qPrintable(QString::number(model->rowCount())));
    QVERIFY(model->retired().timeWait > 0);
    QCOMPARE(model->result().tracker->counts(), want.tracker->counts());
    bool said = false;
    for (const QLabel *l : live.findChildren<QLabel *>())
        said = said || (l->isVisible() && l->text().contains(u"still in TIME_WAIT"_qs));
    QVERIFY2(said, "the page does not say that retired TIME_WAITs are still counted");
}

// A connection selected at its first packet: its ladder grows with every delta, the selected
// segment staying selected, without the kept packets (not kept here), to the file's ladder.
void TestLiveCaptureGui::ladderGrowsWhileSelected()
{
    const QString file = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");
    const CaptureResult want = readCapture(file);
    QVERIFY2(want.segments, qPrintable(want.error));
    const Ladder wanted = buildLadder(*want.tracker, *want.segments, 0);
    LiveCapturePage live;
    live.resize(1300, 800);
    live.show();
    LiveCaptureOptions o;
    o.wallClock = false;
    o.publishIntervalMs = 10;
    o.keepPackets = false;
    int p[2];
    QCOMPARE(::pipe2(p, O_CLOEXEC), 0);
    QSignalSpy stopped(&live, &LiveCapturePage::stopped);
    LadderView *view = live.page()->ladderPane()->view();
    std::vector<std::size_t> sizes;
    connect(&live, &LiveCapturePage::deltaShown, &live, [&] {
        if (live.page()->table()->selectionModel()->selectedRows().isEmpty()
            && live.page()->model()->rowCount() > 0) {
            live.page()->table()->selectRow(0);
            view->selectRow(0, false);
        }
        if (view->ladder() && (sizes.empty() || sizes.back() != view->ladder()->rows.size()))
            sizes.push_back(view->ladder()->rows.size());
    });
    live.startStream(p[0], u"client_close"_qs, o);
    {
        test::PcapFeeder feed(test::splitPcap(file), p[1], 1, 40ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    }
    QVERIFY2(sizes.size() > 2, qPrintable(QString::number(sizes.size()))); // it grew, step by step
    const auto ladder = view->ladder();
    QVERIFY(ladder);
    QCOMPARE(ladder->rows.size(), wanted.rows.size());
    for (std::size_t i = 0; i < wanted.rows.size(); ++i)
        QCOMPARE(ladderLabel(ladder->rows[i], true), ladderLabel(wanted.rows[i], true));
    QCOMPARE(ladder->final, wanted.final);
    QCOMPARE(view->selectedRow(), 0);
    if (const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS"); !dir.isEmpty()) {
        live.page()->views().showLadder();
        QTest::qWait(100);
        live.grab().save(dir + u"/live-ladder.png"_qs);
    }
}

// The kept packets file on a full TMPDIR (a real tmpfs with 12 KB free, no runtime dir, so
// the window's own private directory goes there): the banner says so, and File ▸ Save
// packets saves what was kept but does not call it a success: it says how many are missing.
void TestLiveCaptureGui::fullTmpdirIsSaidAndSaveCountsWhatIsMissing()
{
    test::SmallTmpfs disk(256);
    if (!disk.isMounted())
        QSKIP("mounting a small tmpfs needs root");
    QVERIFY(disk.fillLeaving(12 * 1024));
    const QByteArray oldTmp = qgetenv("TMPDIR"), oldRuntime = qgetenv("XDG_RUNTIME_DIR");
    qputenv("TMPDIR", QFile::encodeName(disk.path()));
    qunsetenv("XDG_RUNTIME_DIR");
    MainWindow w(false);
    w.show();
    LiveCapturePage *live = w.openLiveCapture();
    LiveCaptureOptions o;
    o.wallClock = false;
    o.publishIntervalMs = 10;
    int p[2];
    QCOMPARE(::pipe2(p, O_CLOEXEC), 0);
    const QString file = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
    QSignalSpy stopped(live, &LiveCapturePage::stopped);
    live->startStream(p[0], u"many_short"_qs, o);
    {
        test::PcapFeeder feed(test::splitPcap(file), p[1], 50, 15ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    }
    const bool kept = live->packetsFile().startsWith(disk.path());
    qputenv("TMPDIR", oldTmp);
    if (!oldRuntime.isEmpty())
        qputenv("XDG_RUNTIME_DIR", oldRuntime);
    QVERIFY2(kept, qPrintable(live->packetsFile()));
    QVERIFY2(live->message().contains(u"can no longer be kept"), qPrintable(live->message()));
    QVERIFY2(live->message().contains(u"No space left on device"), qPrintable(live->message()));
    const std::uint64_t read = live->packetsRead(), keptPackets = live->packetsKept();
    QVERIFY2(keptPackets > 0 && keptPackets < read,
             qPrintable(QStringLiteral("%1 of %2").arg(keptPackets).arg(read)));
    QTemporaryDir out;
    const QString saved = out.filePath(u"saved.pcapng"_qs);
    QString error;
    QVERIFY(!w.savePackets(saved, &error));
    QVERIFY2(error.contains(QStringLiteral("Only %1 of the %2 packets captured were saved")
                                .arg(keptPackets)
                                .arg(read)),
             qPrintable(error));
    QVERIFY2(
        error.contains(QStringLiteral("the last %1 could not be kept").arg(read - keptPackets)),
        qPrintable(error));
    const CaptureResult back = readCapture(saved);
    QVERIFY2(back.error.isEmpty(), qPrintable(back.error));
    QCOMPARE(back.packets, keptPackets);
}

QTEST_MAIN(TestLiveCaptureGui)
#include "tst_livecapture_gui.moc"
