// Which arrows of the diagram a transition travels, including the ones a poll skipped.
#include "diagramgraph.h"

#include <QTest>

using namespace tcpscope;
using S = TcpState;

namespace {

QStringList names(const std::vector<int> &path)
{
    QStringList out;
    for (int e : path) {
        const DiagramEdge &d = diagramEdges()[std::size_t(e)];
        out << (d.kind == EdgeKind::Reset ? rfcName(d.from) + QStringLiteral(">RESET")
                                          : d.teachingId);
    }
    return out;
}

} // namespace

class TestDiagramGraph : public QObject
{
    Q_OBJECT
private slots:
    void figureHasItsArrows();
    void paths_data();
    void paths();
    void everyStateReachableAndLeavable();
};

void TestDiagramGraph::figureHasItsArrows()
{
    int rfc = 0, extra = 0, reset = 0;
    for (const DiagramEdge &e : diagramEdges()) {
        rfc += e.kind == EdgeKind::Rfc;
        extra += e.kind == EdgeKind::Extra;
        reset += e.kind == EdgeKind::Reset;
        if (e.kind != EdgeKind::Reset)
            QCOMPARE(e.teachingId, rfcName(e.from) + u'>' + rfcName(e.to));
        // Connections end at the bottom CLOSED; listening or connecting stops at the top one.
        QCOMPARE(e.toFinalClosed, e.to == S::Closed
                                      && (e.kind == EdgeKind::Reset
                                          || (e.from != S::Listen && e.from != S::SynSent)));
    }
    QCOMPARE(rfc, 20);
    QCOMPARE(extra, 2);
    QCOMPARE(reset, 9); // every state but CLOSED and LISTEN can be reset
}

void TestDiagramGraph::paths_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<bool>("reset");
    QTest::addColumn<bool>("appeared");
    QTest::addColumn<QStringList>("expected");
    const auto row = [](const char *name, S f, S t, bool r, bool a, QStringList e) {
        QTest::newRow(name) << index(f) << index(t) << r << a << e;
    };
    row("direct", S::Established, S::CloseWait, false, false, {u"ESTABLISHED>CLOSE_WAIT"_qs});
    row("FIN+ACK shortcut", S::FinWait1, S::TimeWait, false, false, {u"FIN_WAIT_1>TIME_WAIT"_qs});
    // A poll saw ESTABLISHED, then TIME_WAIT: the textbook way, not the shortcut.
    row("active close skipped", S::Established, S::TimeWait, false, false,
        {u"ESTABLISHED>FIN_WAIT_1"_qs, u"FIN_WAIT_1>FIN_WAIT_2"_qs, u"FIN_WAIT_2>TIME_WAIT"_qs});
    // Gone from ESTABLISHED without a TIME_WAIT: the passive close.
    row("passive close skipped", S::Established, S::Closed, false, false,
        {u"ESTABLISHED>CLOSE_WAIT"_qs, u"CLOSE_WAIT>LAST_ACK"_qs, u"LAST_ACK>CLOSED"_qs});
    row("RST", S::Established, S::Closed, true, false, {u"ESTABLISHED>RESET"_qs});
    row("refused", S::SynSent, S::Closed, true, false, {u"SYN_SENT>RESET"_qs});
    row("request dropped", S::SynReceived, S::Closed, false, false, {u"SYN_RECEIVED>RESET"_qs});
    row("timer", S::TimeWait, S::Closed, false, false, {u"TIME_WAIT>CLOSED"_qs});
    row("appeared connecting", S::Closed, S::SynSent, false, true, {u"CLOSED>SYN_SENT"_qs});
    row("appeared request", S::Closed, S::SynReceived, false, true, {u"LISTEN>SYN_RECEIVED"_qs});
    row("appeared established", S::Closed, S::Established, false, true, {});
    row("no change", S::Listen, S::Listen, false, false, {});
}

void TestDiagramGraph::paths()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(bool, reset);
    QFETCH(bool, appeared);
    QFETCH(QStringList, expected);
    QCOMPARE(names(diagramPath(stateAt(from), stateAt(to), reset, appeared)), expected);
}

void TestDiagramGraph::everyStateReachableAndLeavable()
{
    // A path exists from CLOSED to every state and from every state back to CLOSED, and each
    // path is connected: each arrow starts where the previous one ended.
    for (int i = 1; i < kTcpStateCount; ++i) {
        for (const auto &[f, t] :
             {std::pair{S::Closed, stateAt(i)}, std::pair{stateAt(i), S::Closed}}) {
            const std::vector<int> path = diagramPath(f, t, false);
            QVERIFY2(!path.empty(), qPrintable(rfcName(f) + u'>' + rfcName(t)));
            S at = f;
            for (int e : path) {
                QCOMPARE(diagramEdges()[std::size_t(e)].from, at);
                at = diagramEdges()[std::size_t(e)].to;
            }
            QCOMPARE(at, t);
        }
    }
}

QTEST_GUILESS_MAIN(TestDiagramGraph)
#include "tst_diagramgraph.moc"
