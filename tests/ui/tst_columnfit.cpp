// Nothing a user reads is cut off at the window's default size, in English and Chinese: every
// cell of the kernel table (real loopback sockets: listening, connected, gone, TIME_WAIT, an
// orphaned FIN_WAIT_2) and of a capture's table fits its column, every header its section,
// every state's name — alive or "closed (was …)" — the State column, the History's headers and
// the chart legends' names; and the Animation combo after zh → en. With TCPSCOPE_SCREENSHOTS=DIR
// it saves the window in both languages and themes.
#include "kernel/kerneltable.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"

#include <QComboBox>
#include <QHeaderView>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <qcustomplot.h>
#include <sys/socket.h>

using namespace tcpscope;

namespace {

const QString kPackets = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

// Every header section but the stretched last one is at least as wide as Qt's own measure of
// its title (and sort indicator).
void checkHeaders(const QHeaderView *h, const QString &what)
{
    for (int c = 0; c + 1 < h->count(); ++c) {
        if (h->isSectionHidden(c))
            continue;
        const QString title = h->model()->headerData(c, Qt::Horizontal).toString();
        QVERIFY2(h->sectionSize(c) >= h->sectionSizeHint(c),
                 qPrintable(QStringLiteral("%1: header \"%2\" is %3 px, needs %4")
                                .arg(what, title)
                                .arg(h->sectionSize(c))
                                .arg(h->sectionSizeHint(c))));
    }
}

// Every cell of the first rows fits its column, as the view's delegate measures it.
void checkCells(QAbstractItemView *view, const QHeaderView *h, const QString &what)
{
    const QAbstractItemModel *m = view->model();
    QStyleOptionViewItem option;
    option.initFrom(view);
    option.font = view->font();
    option.decorationSize = QSize(view->style()->pixelMetric(QStyle::PM_SmallIconSize),
                                  view->style()->pixelMetric(QStyle::PM_SmallIconSize));
    for (int r = 0; r < std::min(m->rowCount(), 200); ++r) {
        for (int c = 0; c + 1 < m->columnCount(); ++c) {
            const QModelIndex i = m->index(r, c);
            const int need = view->itemDelegateForIndex(i)->sizeHint(option, i).width();
            QVERIFY2(h->sectionSize(c) >= need,
                     qPrintable(QStringLiteral("%1: \"%2\" needs %3 px, its column is %4")
                                    .arg(what, i.data().toString())
                                    .arg(need)
                                    .arg(h->sectionSize(c))));
        }
    }
}

// Each state's name, alive and gone, with its colour swatch, fits the State column.
void checkStateNames(QTableView *table)
{
    const QFontMetrics fm(table->font());
    const int swatch = table->style()->pixelMetric(QStyle::PM_SmallIconSize);
    const int margins = 3 * (table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 1);
    const int width = table->columnWidth(KernelSocketModel::State);
    for (int i = 0; i < kTcpStateCount; ++i) {
        const QString name = rfcName(stateAt(i));
        for (const QString &text : {name, KernelSocketModel::tr("closed (was %1)").arg(name)}) {
            QVERIFY2(width >= fm.horizontalAdvance(text) + swatch + margins,
                     qPrintable(QStringLiteral("\"%1\" is cut in a State column of %2 px")
                                    .arg(text)
                                    .arg(width)));
        }
    }
}

// Every name in a chart's legend has the room it needs.
void checkLegend(StateCountChart *chart, const QString &what)
{
    chart->replot();
    QCPLegend *legend = chart->legend;
    QVERIFY(legend->itemCount() > 0);
    for (int i = 0; i < legend->itemCount(); ++i) {
        const QCPLayoutElement *item = legend->item(i);
        if (!item)
            continue; // an empty cell of the grid
        QVERIFY2(item->outerRect().width() >= item->minimumOuterSizeHint().width(),
                 qPrintable(QStringLiteral("%1: legend entry %2 is %3 px, needs %4")
                                .arg(what)
                                .arg(i)
                                .arg(item->outerRect().width())
                                .arg(item->minimumOuterSizeHint().width())));
    }
}

void screenshot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    QVERIFY(w.grab().save(dir + u'/' + name));
}

// A check in a helper, and the test ends at its first failure.
#define CHECK(call)                                                                                \
    do {                                                                                           \
        call;                                                                                      \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

// A poll, and the event-loop turns its new rows take.
void applyAll(KernelPage &page, KernelTable &table)
{
    const KernelPollBatch b = pollBatch(table);
    page.applyBatch(b);
    QTRY_COMPARE(page.model()->rowCount(), int(b.rows->size()));
}

} // namespace

class TestColumnFit : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // no saved widths
    void nothingIsCutAtTheDefaultSize_data();
    void nothingIsCutAtTheDefaultSize();
    void animationComboFitsAfterALanguageSwitch();
};

void TestColumnFit::nothingIsCutAtTheDefaultSize_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("theme");
    QTest::newRow("en-light") << u"en"_qs << u"light"_qs;
    QTest::newRow("zh-dark") << u"zh"_qs << u"dark"_qs;
    QTest::newRow("zh-light") << u"zh"_qs << u"light"_qs;
    QTest::newRow("en-dark") << u"en"_qs << u"dark"_qs;
}

void TestColumnFit::nothingIsCutAtTheDefaultSize()
{
    QFETCH(QString, language);
    QFETCH(QString, theme);
    QVERIFY(UiLanguage::instance().set(language));
    applyTheme(theme);
    // Real sockets in the states a table shows most: listening, connected, an orphaned
    // FIN_WAIT_2 (its timer named tcp_fin_timeout's), its peer's CLOSE_WAIT, TIME_WAIT, and a
    // connection reset after the first poll, fading as "closed (was ESTABLISHED)".
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    s.connect("127.0.0.1", port);
    s.accept(l);
    const int c1 = s.connect("127.0.0.1", port);
    const int a1 = s.accept(l);
    s.close(c1);
    QVERIFY(LoopSockets::drainToEof(a1));
    s.close(a1);                           // the client's end in TIME_WAIT
    s.close(s.connect("127.0.0.1", port)); // an orphaned FIN_WAIT_2, a CLOSE_WAIT
    s.accept(l);
    const int r = s.connect("127.0.0.1", port);
    const int ra = s.accept(l);

    MainWindow w(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    KernelPage *page = w.kernelPage();
    KernelTable table;
    applyAll(*page, table);
    const linger now{1, 0};
    ::setsockopt(r, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    s.close(r);
    s.close(ra);
    QTest::qWait(50);
    applyAll(*page, table);
    page->setFilterText(QStringLiteral(":%1").arg(port)); // ours first, whatever the host has
    QTRY_VERIFY(page->table()->model()->rowCount() >= 6);
    bool gone = false;
    for (int row = 0; row < page->table()->model()->rowCount(); ++row)
        gone |= page->table()->model()->index(row, 0).data(KernelSocketModel::GoneRole).toBool();
    QVERIFY(gone);

    CHECK(screenshot(w, QStringLiteral("kernel-%1-%2.png").arg(language, theme)));
    CHECK(checkHeaders(page->table()->horizontalHeader(), u"kernel table"_qs));
    CHECK(checkCells(page->table(), page->table()->horizontalHeader(), u"kernel table"_qs));
    CHECK(checkStateNames(page->table()));
    CHECK(checkLegend(page->chart(), u"kernel chart"_qs));
    page->table()->selectRow(0);
    CHECK(checkHeaders(page->historyView()->header(), u"kernel history"_qs));

    QString error;
    CapturePage *capture = w.openCaptureNow(kPackets + u"client_close.lo.pcap"_qs, &error);
    QVERIFY2(capture, qPrintable(error));
    w.tabs()->setCurrentWidget(capture);
    QTest::qWait(50);
    capture->table()->selectRow(0);
    CHECK(screenshot(w, QStringLiteral("capture-%1-%2.png").arg(language, theme)));
    CHECK(checkHeaders(capture->table()->horizontalHeader(), u"capture table"_qs));
    CHECK(checkCells(capture->table(), capture->table()->horizontalHeader(), u"capture table"_qs));
    CHECK(checkHeaders(capture->historyView()->header(), u"capture history"_qs));
    CHECK(checkLegend(capture->chart(), u"capture chart"_qs));
}

void TestColumnFit::animationComboFitsAfterALanguageSwitch()
{
    QVERIFY(UiLanguage::instance().set(u"zh"_qs));
    MainWindow w(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QComboBox *speed = w.kernelPage()->sourceViews()->speed;
    QVERIFY(UiLanguage::instance().set(u"en"_qs));
    QTRY_COMPARE(speed->currentText(), u"normal"_qs);
    QTRY_VERIFY2(speed->width() >= speed->sizeHint().width(),
                 qPrintable(QStringLiteral("%1 px for \"normal\", needs %2")
                                .arg(speed->width())
                                .arg(speed->sizeHint().width())));
}

QTEST_MAIN(TestColumnFit)
#include "tst_columnfit.moc"
