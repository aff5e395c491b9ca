// The count chart as a reader of a capture uses it: the legend lists only the states that
// were counted; the log scale lifts 445 CLOSE_WAIT off the floor beside 50,000 ESTABLISHED;
// a capture's chart stacks from its bar; its last level reaches the end of the capture.
#include "packets/capturefile.h"
#include "pages/capturepage.h"
#include "statepalette.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QDir>
#include <QTest>
#include <QToolButton>

using namespace tcpscope;

namespace {
const QString kCapture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

// Rows (from the bottom of the axis rect) where the state's colour is drawn.
int highestRowOf(StateCountChart &chart, TcpState s)
{
    chart.replot();
    const QImage image = chart.toPixmap(chart.width(), chart.height(), 1.0).toImage();
    const QRect plot = chart.axisRect()->rect();
    int best = -1;
    for (int y = plot.top(); y <= plot.bottom(); ++y) {
        for (int x = plot.left() + 5; x < plot.right() - 5; ++x) {
            if (image.pixelColor(x, y).rgb() == stateColor(s).rgb())
                best = std::max(best, plot.bottom() - y);
        }
    }
    return best;
}
} // namespace

class TestStateCountChart : public QObject
{
    Q_OBJECT
private slots:
    void legendOmitsStatesAlwaysZero();
    void logScaleLiftsSmallCounts();
    void captureChartStacksFromItsBar();
    void lastLevelReachesTheEnd();
};

void TestStateCountChart::legendOmitsStatesAlwaysZero()
{
    CapturePage page(readCapture(kCapture));
    StateCountChart *chart = page.chart();
    QList<TcpState> counted;
    for (int i = 0; i < kTcpStateCount; ++i) {
        for (const auto &[t, counts] : chart->samples()) {
            if (counts[std::size_t(i)] > 0) {
                counted << stateAt(i);
                break;
            }
        }
    }
    QVERIFY(counted.size() >= 3 && counted.size() < kTcpStateCount);
    QCOMPARE(chart->legendStates(), counted);
    QStringList names; // the legend's entries (its grid may hold empty cells)
    for (int i = 0; i < chart->legend->itemCount(); ++i) {
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(chart->legend->item(i)))
            names << item->plottable()->name();
    }
    QStringList expected;
    for (TcpState s : counted)
        expected << rfcName(s);
    QCOMPARE(names, expected);
    QVERIFY(!names.contains(u"SYN_RECEIVED"_qs) || counted.contains(TcpState::SynReceived));
}

void TestStateCountChart::logScaleLiftsSmallCounts()
{
    StateCountChart chart;
    chart.resize(900, 420);
    chart.show();
    StateCounts counts{};
    for (int k = 0; k < 10; ++k) {
        counts[std::size_t(index(TcpState::Established))] = 50000 - k;
        counts[std::size_t(index(TcpState::CloseWait))] = 445;
        chart.addSample(1000.0 + k, counts);
    }
    chart.setWindow(0);
    const int height = chart.axisRect()->rect().height();
    const int linear = highestRowOf(chart, TcpState::CloseWait);
    QVERIFY2(linear >= 0 && linear < height / 20, qPrintable(QString::number(linear)));
    chart.logScaleAction()->trigger(); // as the context menu does
    QVERIFY(chart.isLogScale());
    QCOMPARE(chart.yAxis->scaleType(), QCPAxis::stLogarithmic);
    const int log = highestRowOf(chart, TcpState::CloseWait);
    QVERIFY2(log > height / 2, qPrintable(QStringLiteral("%1 of %2").arg(log).arg(height)));
    chart.logScaleAction()->trigger();
    QCOMPARE(chart.yAxis->scaleType(), QCPAxis::stLinear);
}

void TestStateCountChart::captureChartStacksFromItsBar()
{
    CapturePage page(readCapture(kCapture));
    page.resize(1300, 850);
    page.show();
    QToolButton *stack = nullptr;
    for (QToolButton *b : page.findChildren<QToolButton *>())
        stack = b->defaultAction() == page.chart()->stackedAction() ? b : stack;
    QVERIFY(stack && stack->isVisible());
    QVERIFY(!page.chart()->isStacked());
    QTest::mouseClick(stack, Qt::LeftButton);
    QVERIFY(page.chart()->isStacked());
    QTest::mouseClick(stack, Qt::LeftButton);
    QVERIFY(!page.chart()->isStacked());
}

void TestStateCountChart::lastLevelReachesTheEnd()
{
    // The chart holds its last counts to the end it is given (a capture's last packet).
    StateCountChart chart;
    StateCounts a{}, b{};
    a[std::size_t(index(TcpState::Established))] = 3;
    b[std::size_t(index(TcpState::CloseWait))] = 2;
    chart.addSample(100.0, a);
    chart.addSample(101.0, b);
    chart.extendTo(105.0);
    QCOMPARE(chart.samples().back().first, 105.0);
    QCOMPARE(chart.samples().back().second, b);
    QCPGraph *closeWait = chart.graph(index(TcpState::CloseWait));
    QCOMPARE((closeWait->data()->constEnd() - 1)->key, 105.0);
    QCOMPARE((closeWait->data()->constEnd() - 1)->value, 2.0);
    chart.extendTo(104.0); // never backwards
    QCOMPARE(chart.samples().back().first, 105.0);
    // Every capture tab's chart ends at the capture's end.
    for (const QString &f :
         QDir(QStringLiteral(TCPSCOPE_TEST_DATA "/packets")).entryList({u"*.lo.pcap"_qs})) {
        const CaptureResult r = readCapture(QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + f);
        CapturePage page(r);
        QCOMPARE(page.chart()->samples().back().first, double(r.lastTimeNs) / 1e9);
        QVERIFY(page.chart()->xAxis->range().upper >= double(r.lastTimeNs) / 1e9);
    }
}

QTEST_MAIN(TestStateCountChart)
#include "tst_statecountchart.moc"
