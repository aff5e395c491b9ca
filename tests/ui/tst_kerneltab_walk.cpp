// The kernel tab as a new user goes through it, by keyboard and mouse, with the window polling
// the real kernel table: type a filter, click a header to sort, click a row, read its
// explanation and history, export the table as a picture with Ctrl+E. Each step checks what
// the user would look at; with TCPSCOPE_SCREENSHOTS=DIR it saves the window at each step.
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "uilanguage.h"
#include "widgets/gettingstarted.h"
#include "widgets/teachingpanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace tcpscope;

class TestKernelTabWalk : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void filterSortSelectAndExport_data();
    void filterSortSelectAndExport();
    void gettingStartedIsWhole_data() { filterSortSelectAndExport_data(); }
    void gettingStartedIsWhole();
};

namespace {

void screenshot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(200);
    QVERIFY(w.grab().save(dir + u'/' + name));
}

// The table's rows (as shown) whose local or remote endpoint ends in ":port".
int rowsOfPort(const QAbstractItemModel *m, int port)
{
    const QString suffix = u':' + QString::number(port);
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r) {
        n += m->index(r, KernelSocketModel::Local).data().toString().endsWith(suffix)
             || m->index(r, KernelSocketModel::Remote).data().toString().endsWith(suffix);
    }
    return n;
}

} // namespace

void TestKernelTabWalk::filterSortSelectAndExport_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << u"en"_qs;
    QTest::newRow("zh") << u"zh"_qs;
}

void TestKernelTabWalk::filterSortSelectAndExport()
{
    QFETCH(QString, language);
    QVERIFY(UiLanguage::instance().set(language));
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    for (int i = 0; i < 3; ++i) {
        s.connect("127.0.0.1", port);
        s.accept(l);
    }
    MainWindow w(true); // polling on its own, once a second
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    KernelPage *page = w.kernelPage();
    QTableView *table = page->table();
    QTRY_VERIFY_WITH_TIMEOUT(rowsOfPort(table->model(), port) == 7, 10000);
    const QString tag = language;
    screenshot(w, QStringLiteral("walk-%1-1-open.png").arg(tag));

    // Types a filter: only our 7 sockets stay.
    QTest::mouseClick(page->filterEdit(), Qt::LeftButton);
    QTest::keyClicks(page->filterEdit(), QStringLiteral(":%1").arg(port));
    QTRY_COMPARE(table->model()->rowCount(), 7);

    // Clicks the Process header: sorted by process.
    QHeaderView *header = table->horizontalHeader();
    const int x = header->sectionViewportPosition(KernelSocketModel::Process)
                  + header->sectionSize(KernelSocketModel::Process) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QTRY_COMPARE(header->sortIndicatorSection(), int(KernelSocketModel::Process));

    // Clicks the first row: its explanation.
    const QRect first = table->visualRect(table->model()->index(0, KernelSocketModel::Local));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, first.center());
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    const QString state =
        table->selectionModel()->selectedRows(KernelSocketModel::State).value(0).data().toString();
    TeachingPanel *teaching = page->sourceViews()->teaching;
    QTRY_VERIFY(teaching->topic().startsWith(u"socket:"));
    QVERIFY(teaching->toPlainText().contains(state));
    screenshot(w, QStringLiteral("walk-%1-2-selected.png").arg(tag));

    // The History tab: what it saw of this socket (or that it saw no change yet).
    QTabWidget *side = page->sourceViews()->side;
    QTest::mouseClick(side->tabBar(), Qt::LeftButton, {}, side->tabBar()->tabRect(1).center());
    QCOMPARE(side->currentWidget(), page->historyView());
    QVERIFY(page->historyView()->topLevelItemCount() >= 1);
    screenshot(w, QStringLiteral("walk-%1-3-history.png").arg(tag));

    // Ctrl+E: the picture dialog; the table, saved as PNG.
    QTemporaryDir dir;
    const QString picture = dir.filePath(u"table.png"_qs);
    bool sawDialog = false;
    QTimer::singleShot(300, this, [&] {
        auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        sawDialog = true;
        const QString shots = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
        if (!shots.isEmpty())
            dialog->grab().save(shots + QStringLiteral("/walk-%1-4-export.png").arg(tag));
        auto *kind = dialog->findChildren<QComboBox *>().value(0);
        if (kind)
            kind->setCurrentIndex(2); // Table
        for (QLineEdit *edit : dialog->findChildren<QLineEdit *>()) {
            if (edit->text().endsWith(u".png") || edit->text().endsWith(u".svg")
                || edit->text().endsWith(u".pdf"))
                edit->setText(picture);
        }
        dialog->accept();
    });
    QTest::keyClick(&w, Qt::Key_E, Qt::ControlModifier);
    QVERIFY(sawDialog);
    QTRY_VERIFY(QFile::exists(picture));
    const QImage image(picture);
    QVERIFY(image.width() > 300 && image.height() > 7 * 10);
    const QString shots = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (!shots.isEmpty())
        QFile::copy(picture, shots + QStringLiteral("/walk-%1-5-table.png").arg(tag));
}

// Help ▸ Getting started (F1): its text is shown whole, nothing cut at the dialog's size.
void TestKernelTabWalk::gettingStartedIsWhole()
{
    QFETCH(QString, language);
    QVERIFY(UiLanguage::instance().set(language));
    MainWindow w(false);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.gettingStartedAction()->trigger();
    auto *dialog = w.findChild<GettingStarted *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QTest::qWait(100);
    for (QLabel *label : dialog->findChildren<QLabel *>()) {
        if (!label->isVisible() || label->text().isEmpty())
            continue;
        const int need =
            label->wordWrap() ? label->heightForWidth(label->width()) : label->sizeHint().height();
        QVERIFY2(
            label->height() >= need,
            qPrintable(
                QStringLiteral("a label is %1 px high, needs %2").arg(label->height()).arg(need)));
    }
    for (QPushButton *b : dialog->findChildren<QPushButton *>())
        QVERIFY2(b->width() >= b->sizeHint().width(), qPrintable(b->text()));
    screenshot(*dialog, QStringLiteral("walk-%1-6-getting-started.png").arg(language));
    dialog->close();
}

QTEST_MAIN(TestKernelTabWalk)
#include "tst_kerneltab_walk.moc"
