// A saved session reopens as it was: the kernel table's rows (processes, times in state,
// queues), the chart's samples, every transition, and the packets of the capture tab, from
// one pcapng file that libpcap reads as an ordinary capture. A damaged session keeps its
// packets and says what is wrong.
#include "formats/sessionfile.h"
#include "kernel/kernelpoller.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "packets/capturereader.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "support/loopsockets.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

using namespace tcpscope;

namespace {

const QString kCapture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

QStringList rowsOf(const QAbstractItemModel *m)
{
    QStringList rows;
    for (int r = 0; r < m->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m->columnCount(); ++c)
            cells << m->index(r, c).data().toString();
        rows << cells.join(u'|');
    }
    rows.sort();
    return rows;
}

int packetsIn(const QString &path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path.toLocal8Bit().constData(), errbuf);
    if (!p)
        return -1;
    int n = 0;
    pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1)
        ++n;
    pcap_close(p);
    return n;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT
private slots:
    void savedSessionReopensIdentical();
    void damagedSessionKeepsItsPackets();
    void timelineJsonRoundTrip();
};

void TestSession::savedSessionReopensIdentical()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"session.pcapng"_qs);
    MainWindow w(false);
    w.show();
    // Real sockets, real polls: a listener, a connection that closes into TIME_WAIT.
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    KernelTable table;
    w.kernelPage()->applyBatch(pollBatch(table));
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    QVERIFY(c >= 0 && a >= 0);
    QTest::qWait(30);
    w.kernelPage()->applyBatch(pollBatch(table));
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    QTest::qWait(100);
    w.kernelPage()->applyBatch(pollBatch(table));
    QTRY_VERIFY(w.kernelPage()->model()->rowCount() > 0
                && !w.kernelPage()->store().allTransitions().empty());
    QString error;
    CapturePage *page = w.openCaptureNow(kCapture, &error);
    QVERIFY2(page, qPrintable(error));
    QVERIFY2(w.saveSession(file, &error), qPrintable(error));

    // An ordinary capture to libpcap: the same packets as the capture tab's file.
    QCOMPARE(packetsIn(file), packetsIn(kCapture));

    MainWindow again(false);
    again.show();
    QSignalSpy opened(&again, &MainWindow::captureOpened);
    again.openCapture(file);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QVERIFY(again.showingSession());
    QTRY_COMPARE(again.kernelPage()->model()->rowCount(), w.kernelPage()->model()->rowCount());
    QCOMPARE(rowsOf(again.kernelPage()->model()), rowsOf(w.kernelPage()->model()));
    QCOMPARE(again.kernelPage()->chart()->samples().size(),
             w.kernelPage()->chart()->samples().size());
    for (std::size_t i = 0; i < w.kernelPage()->chart()->samples().size(); ++i) {
        QCOMPARE(again.kernelPage()->chart()->samples()[i].first,
                 w.kernelPage()->chart()->samples()[i].first);
        QVERIFY(again.kernelPage()->chart()->samples()[i].second
                == w.kernelPage()->chart()->samples()[i].second);
    }
    const auto before = w.kernelPage()->store().allTransitions(),
               after = again.kernelPage()->store().allTransitions();
    QCOMPARE(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        QCOMPARE(after[i].connection, before[i].connection);
        QCOMPARE(after[i].from, before[i].from);
        QCOMPARE(after[i].to, before[i].to);
        QCOMPARE(after[i].time, before[i].time);
        QCOMPARE(after[i].localPort, before[i].localPort);
    }
    // The packets open in their tab, with the same connections and states.
    auto *reopened = qobject_cast<CapturePage *>(again.tabs()->currentWidget());
    QVERIFY(reopened);
    QCOMPARE(rowsOf(reopened->table()->model()), rowsOf(page->table()->model()));
    // Pause off: live again.
    again.kernelPage()->setPaused(false);
    QVERIFY(!again.showingSession());
}

void TestSession::damagedSessionKeepsItsPackets()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"cut.pcapng"_qs);
    KernelTimeline t;
    t.host = u"test"_qs;
    t.samples.push_back({1.0, StateCounts{}});
    QString error;
    QVERIFY2(writeSessionFile(file, kCapture, &t, &error), qPrintable(error));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.resize(f.size() - 20); // the timeline's block loses its end
    f.close();
    QVERIFY(!readSessionTimeline(file, &error));
    QVERIFY2(error.contains(u"cut off or damaged"), qPrintable(error));

    MainWindow w(false);
    w.show();
    QSignalSpy opened(&w, &MainWindow::captureOpened);
    w.openCapture(file);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    auto *page = qobject_cast<CapturePage *>(w.tabs()->currentWidget());
    QVERIFY(page);
    QCOMPARE(page->model()->rowCount(), 1); // the packets are all there
    QVERIFY2(page->model()->result().error.contains(u"cut off or damaged"),
             qPrintable(page->model()->result().error));
    QVERIFY(!w.showingSession());
    // An ordinary capture is not a session, and says nothing about it.
    QVERIFY(!readSessionTimeline(kCapture, &error));
    QVERIFY(error.isEmpty());
}

void TestSession::timelineJsonRoundTrip()
{
    KernelTimeline t;
    t.host = u"host"_qs;
    KernelPollBatch::Row row;
    row.row.record.localAddress = IpAddress::parse(u"::1"_qs);
    row.row.record.localPort = 8080;
    row.row.record.state = TcpState::CloseWait;
    row.row.record.recvQ = 1;
    row.row.record.cookie = 0xfedcba9876543210ULL;
    row.row.stateSince = 1732440000.25;
    row.ownership = Ownership::Owned;
    row.processes.push_back({412, u"nginx"_qs, u"nginx: worker"_qs});
    t.latest.rows = std::make_shared<std::vector<KernelPollBatch::Row>>(1, row);
    t.latest.stats.time = 1732440720.5;
    QString error;
    const auto back = parseTimelineJson(timelineJson(t), &error);
    QVERIFY2(back, qPrintable(error));
    const KernelPollBatch::Row &r = back->latest.rows->front();
    QCOMPARE(r.row.record.localAddress, row.row.record.localAddress);
    QCOMPARE(r.row.record.cookie, row.row.record.cookie); // 64 bits survive JSON
    QCOMPARE(r.row.record.state, TcpState::CloseWait);
    QCOMPARE(r.row.stateSince, row.row.stateSince);
    QCOMPARE(r.processes.front().name, u"nginx"_qs);
    QCOMPARE(back->latest.stats.time, 1732440720.5);
    QVERIFY(!parseTimelineJson("{\"format\":\"tcpscope-session\",\"version\":9}", &error));
    QVERIFY2(error.contains(u"newer"), qPrintable(error));
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_session"));
    TestSession t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_session.moc"
