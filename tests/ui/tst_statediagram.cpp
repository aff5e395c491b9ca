// The state diagram: its labels never overlap, a replayed capture moves tokens along exactly
// the arrows of the connection's history in order, a storm is batched, a click on a state
// filters the table and opens its explanation, stepping walks a connection's history, and
// switching the language changes the panel, the arrows' labels and the menus.
#include "diagram/diagramlayout.h"
#include "diagram/statediagramview.h"
#include "kernel/kernelpoller.h"
#include "ladder/ladderpane.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "support/loopsockets.h"
#include "teachingtext.h"
#include "uilanguage.h"
#include "widgets/teachingpanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace tcpscope;

class TestStateDiagram : public QObject
{
    Q_OBJECT
private slots:
    void labelsAndBoxesDoNotOverlap_data();
    void labelsAndBoxesDoNotOverlap();
    void replayMovesTokensAlongTheHistory();
    void stormIsBatched();
    void clickOnStateFiltersTableAndExplains();
    void steppingWalksTheHistory();
    void languageSwitchChangesPanelLabelsAndMenus();
    void cleanup() { UiLanguage::instance().set(u"en"_qs); }
};

namespace {

QStringList edgeNames(const std::vector<int> &path)
{
    QStringList out;
    for (int e : path) {
        const DiagramEdge &d = diagramEdges()[std::size_t(e)];
        out << (d.kind == EdgeKind::Reset ? rfcName(d.from) + u">RESET"_qs : d.teachingId);
    }
    return out;
}

const QString kClientClose = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

} // namespace

void TestStateDiagram::labelsAndBoxesDoNotOverlap_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << u"en"_qs;
    QTest::newRow("zh") << u"zh"_qs;
}

void TestStateDiagram::labelsAndBoxesDoNotOverlap()
{
    QFETCH(QString, language);
    StateDiagramView view;
    view.setLanguage(language);
    const QRectF canvas(QPointF(0, 0), diagram::kCanvas);
    std::vector<std::pair<QString, QRectF>> boxes;
    for (int n = 0; n < diagram::kNodeCount; ++n)
        boxes.push_back({u"node "_qs + rfcName(diagram::stateOfNode(n)), diagram::nodeRect(n)});
    boxes.push_back({u"legend"_qs, diagram::legendRect()});
    const auto &edges = diagramEdges();
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind == EdgeKind::Reset)
            continue;
        const QString text = view.labelText(int(i));
        QVERIFY(!text.isEmpty());
        boxes.push_back({edges[i].teachingId + QStringLiteral(" \"") + text + u'"',
                         diagram::labelRect(int(i), text)});
    }
    for (std::size_t a = 0; a < boxes.size(); ++a) {
        QVERIFY2(canvas.contains(boxes[a].second),
                 qPrintable(boxes[a].first + QStringLiteral(" off canvas")));
        for (std::size_t b = a + 1; b < boxes.size(); ++b)
            QVERIFY2(!boxes[a].second.intersects(boxes[b].second),
                     qPrintable(boxes[a].first + QStringLiteral(" overlaps ") + boxes[b].first));
    }
    // Every arrow starts on its source box's border and ends on its target's.
    for (std::size_t i = 0; i < edges.size(); ++i) {
        const auto &pts = diagram::edgeGeometry(int(i)).points;
        QVERIFY(pts.size() >= 2);
        const int target =
            edges[i].toFinalClosed ? diagram::kFinalClosed : diagram::nodeOf(edges[i].to);
        for (const auto &[point, node] : {std::pair{pts.front(), diagram::nodeOf(edges[i].from)},
                                          std::pair{pts.back(), target}}) {
            const QRectF r = diagram::nodeRect(node);
            const bool onBorder = r.adjusted(-0.6, -0.6, 0.6, 0.6).contains(point)
                                  && !r.adjusted(0.6, 0.6, -0.6, -0.6).contains(point);
            QVERIFY2(onBorder, qPrintable(edges[i].teachingId));
        }
    }
}

void TestStateDiagram::replayMovesTokensAlongTheHistory()
{
    CapturePage page(readCapture(kClientClose));
    page.resize(1200, 800);
    page.show();
    const TcpTracker &tracker = *page.model()->result().tracker;
    QCOMPARE(tracker.connections().size(), std::size_t(1));
    QSignalSpy finished(&page, &CapturePage::replayFinished);
    page.startReplay(0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);

    // The arrows the tokens took, in order...
    QStringList taken;
    for (const auto &started : page.views().diagram->animator().startedLog()) {
        QCOMPARE(started.count, 1);
        taken << edgeNames(started.edges);
    }
    // ...are those of the engine's history, in time order...
    std::vector<StateChange> changes = tracker.changes();
    std::stable_sort(
        changes.begin(), changes.end(),
        [](const StateChange &a, const StateChange &b) { return a.timeNs < b.timeNs; });
    QStringList history;
    for (const StateChange &c : changes)
        history << edgeNames(diagramPath(c.from, c.to, c.flags & 0x04));
    QCOMPARE(taken, history);
    // ...and each side follows the textbook's path for a client that closes first.
    const QStringList client{u"CLOSED>SYN_SENT"_qs, u"SYN_SENT>ESTABLISHED"_qs,
                             u"ESTABLISHED>FIN_WAIT_1"_qs, u"FIN_WAIT_1>FIN_WAIT_2"_qs,
                             u"FIN_WAIT_2>TIME_WAIT"_qs};
    const QStringList server{u"LISTEN>SYN_RECEIVED"_qs, u"SYN_RECEIVED>ESTABLISHED"_qs,
                             u"ESTABLISHED>CLOSE_WAIT"_qs, u"CLOSE_WAIT>LAST_ACK"_qs,
                             u"LAST_ACK>CLOSED"_qs};
    for (const QStringList &side : {client, server}) {
        qsizetype from = 0;
        for (const QString &arrow : side) {
            from = taken.indexOf(arrow, from);
            QVERIFY2(from >= 0, qPrintable(arrow + QStringLiteral(" missing or out of order in ")
                                           + taken.join(u", ")));
            ++from;
        }
    }
    QCOMPARE(taken.size(), client.size() + server.size());
    // At the end, the counts are the capture's final states.
    QCOMPARE(page.views().diagram->counts()[std::size_t(index(TcpState::TimeWait))], 1);
    QCOMPARE(page.views().diagram->counts()[std::size_t(index(TcpState::Established))], 0);
}

void TestStateDiagram::stormIsBatched()
{
    // 10,000 connections going ESTABLISHED → TIME_WAIT within one batch window: one token
    // along the path, carrying all of them.
    DiagramAnimator a;
    const std::vector<int> path = diagramPath(TcpState::Established, TcpState::TimeWait, false);
    for (int i = 0; i < 10000; ++i)
        a.push(path, TcpState::TimeWait, std::uint64_t(i), 1.0 + i * 1e-6);
    QCOMPARE(a.tokens().size(), std::size_t(1));
    QCOMPARE(a.tokens().front().count, 10000);
    QCOMPARE(a.startedLog().back().count, 10000);
    // A new window starts a new token; the old one lands and the arrows report the rate.
    a.push(path, TcpState::TimeWait, 1, 1.2);
    QCOMPARE(a.tokens().size(), std::size_t(2));
    a.advance(1.5);
    a.advance(2.0 + a.tokens().back().duration);
    QVERIFY(a.tokens().empty());
    QVERIFY(a.rate(path.front()) > 100);
    QVERIFY(a.pulse(TcpState::TimeWait, 2.0 + 0.1) >= 0);
    // Following one connection: the others' tokens do not move.
    a.clear();
    a.setFollowed(7);
    a.push(path, TcpState::TimeWait, 3, 5.0);
    QVERIFY(a.tokens().empty());
    a.push(path, TcpState::TimeWait, 7, 5.0);
    QCOMPARE(a.tokens().size(), std::size_t(1));
    QVERIFY(a.tokens().front().followed);
}

void TestStateDiagram::clickOnStateFiltersTableAndExplains()
{
    LoopSockets sockets;
    const int listener = sockets.listen("127.0.0.1");
    QVERIFY(listener >= 0);
    MainWindow w(false);
    w.resize(1280, 820);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    KernelTable table;
    w.kernelPage()->applyBatch(pollBatch(table));
    QTRY_VERIFY(w.kernelPage()->model()->rowCount() > 0);
    StateDiagramView *diagram = w.kernelPage()->views().diagram;
    QVERIFY(diagram->counts()[std::size_t(index(TcpState::Listen))] >= 1);

    QTest::mouseClick(diagram, Qt::LeftButton, {},
                      diagram->widgetPosOfNode(TcpState::Listen).toPoint());
    QCOMPARE(w.kernelPage()->stateFilter()->currentData().toInt(), index(TcpState::Listen));
    QCOMPARE(w.kernelPage()->views().teaching->topic(), u"state:LISTEN"_qs);
    QVERIFY(w.kernelPage()->views().teaching->toPlainText().contains(u"accept queue"));
    // The filter is applied within an event-loop turn or two (the table filters itself).
    QTRY_VERIFY(w.kernelPage()->proxy()->rowCount() >= 1);
    QTRY_VERIFY(w.kernelPage()->proxy()->rowCount() < w.kernelPage()->model()->rowCount());
    for (int r = 0; r < w.kernelPage()->proxy()->rowCount(); ++r)
        QCOMPARE(w.kernelPage()->proxy()->index(r, 0).data(KernelSocketModel::StateRole).toInt(),
                 index(TcpState::Listen));
    QVERIFY(w.kernelPage()->proxy()->rowCount() < w.kernelPage()->model()->rowCount()
            || w.kernelPage()->model()->rowCount() == w.kernelPage()->proxy()->rowCount());

    // Selecting our listener explains *its* situation, with its process.
    const QString port = QString::number(LoopSockets::port(listener));
    for (int r = 0; r < w.kernelPage()->proxy()->rowCount(); ++r) {
        if (w.kernelPage()
                ->proxy()
                ->index(r, KernelSocketModel::Local)
                .data()
                .toString()
                .endsWith(u':' + port))
            w.kernelPage()->table()->selectRow(r);
    }
    QCOMPARE(w.kernelPage()->views().teaching->topic(), u"socket:LISTEN"_qs);
    const QString text = w.kernelPage()->views().teaching->toPlainText();
    QVERIFY2(text.contains(u"listening for")
                 && text.contains(u"tst_statediag") /* comm: 15 chars */,
             qPrintable(text.left(600)));
}

void TestStateDiagram::steppingWalksTheHistory()
{
    CapturePage page(readCapture(kClientClose));
    page.resize(1200, 800);
    page.show();
    page.ladderPane()->stepSegmentsBox()->setChecked(false); // transitions only (tst_ladderview:
                                                             // segments)
    page.table()->selectRow(0);
    const std::vector<StateChange> history = page.model()->history(0);
    QCOMPARE(history.size(), std::size_t(10));
    page.step(+1);
    QCOMPARE(page.currentStep(), 0);
    QCOMPARE(page.views().diagram->followedPath().size(), std::size_t(1));
    QCOMPARE(page.views().teaching->topic(),
             u"transition:"_qs + transitionId(history[0].from, history[0].to));
    for (int i = 0; i < 20; ++i)
        page.step(+1); // clamps at the last step
    QCOMPARE(page.currentStep(), int(history.size()) - 1);
    QCOMPARE(page.views().diagram->followedPath().size(), history.size());
    page.step(-1);
    QCOMPARE(page.currentStep(), int(history.size()) - 2);
    QCOMPARE(page.views().teaching->topic(),
             u"transition:"_qs
                 + transitionId(history[history.size() - 2].from, history[history.size() - 2].to));
    // The table shows the states just after that step.
    QVERIFY(page.model()->moment());
    QCOMPARE(*page.model()->moment(), history[history.size() - 2].timeNs);
}

void TestStateDiagram::languageSwitchChangesPanelLabelsAndMenus()
{
    MainWindow w(false);
    w.show();
    StateDiagramView *diagram = w.kernelPage()->views().diagram;
    TeachingPanel *panel = w.kernelPage()->views().teaching;
    panel->showState(TcpState::CloseWait);
    const QString englishPanel = panel->toPlainText();
    const int edge = diagramPath(TcpState::Established, TcpState::CloseWait, false).front();
    QCOMPARE(diagram->labelText(edge), u"rcv FIN / snd ACK"_qs);
    QVERIFY(englishPanel.contains(u"no timer"));

    QVERIFY(UiLanguage::instance().set(u"zh"_qs));
    QCOMPARE(diagram->language(), u"zh"_qs);
    QCOMPARE(diagram->labelText(edge), u"收 FIN / 发 ACK"_qs);
    const QString chinesePanel = panel->toPlainText();
    QVERIFY2(chinesePanel.contains(u"没有计时器") && chinesePanel.contains(u"含义"),
             qPrintable(chinesePanel.left(300)));
    QCOMPARE(panel->topic(), u"state:CLOSE_WAIT"_qs); // same topic, other language
    // Widgets retranslate on the LanguageChange event, delivered by the event loop.
    QTRY_COMPARE(w.menuBar()->actions().first()->text(), u"文件(&F)"_qs);
    QCOMPARE(
        w.kernelPage()->model()->headerData(KernelSocketModel::State, Qt::Horizontal).toString(),
        u"状态"_qs);

    QVERIFY(UiLanguage::instance().set(u"en"_qs));
    QCOMPARE(panel->toPlainText(), englishPanel);
    QTRY_COMPARE(w.menuBar()->actions().first()->text(), u"&File"_qs);
    QVERIFY(!UiLanguage::instance().set(u"fr"_qs));
    QCOMPARE(UiLanguage::instance().current(), u"en"_qs);
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_statediagram"));
    TestStateDiagram t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_statediagram.moc"
