// A socket selected in the kernel tab that vanishes: real loopback sockets, one with a running
// keepalive timer, selected, then reset between two polls. While its row fades, and after the
// row has left the table, the explanation says that it is gone — when, the state it was last
// seen in and what vanishing from it means — and shows no live timer; its history stays.
#include "kernel/kerneltable.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "uilanguage.h"
#include "widgets/gonesocket.h"
#include "widgets/teachingpanel.h"

#include <QItemSelectionModel>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace tcpscope;

class TestKernelGone : public QObject
{
    Q_OBJECT
private slots:
    void selectedSocketThatVanishesIsSaidToBeGone_data();
    void selectedSocketThatVanishesIsSaidToBeGone();
};

namespace {

// A poll, and the event-loop turns its new rows take.
void applyAll(KernelPage &page, KernelTable &table)
{
    const KernelPollBatch b = pollBatch(table);
    page.applyBatch(b);
    QTRY_COMPARE(page.model()->rowCount(), int(b.rows->size()));
}

// The row of the table (as shown) whose local endpoint is `local` ("127.0.0.1:PORT").
int shownRow(const KernelPage &page, const QString &local)
{
    const QAbstractItemModel *m = page.proxy();
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, KernelSocketModel::Local).data().toString() == local)
            return r;
    }
    return -1;
}

QString panel(const KernelPage &page) { return page.sourceViews()->teaching->toPlainText(); }

// With TCPSCOPE_SCREENSHOTS=DIR: the page as the user sees it.
void screenshot(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (!dir.isEmpty())
        QVERIFY(w.grab().save(dir + u'/' + name));
}

// The part of a translated text before its first placeholder.
QString head(const QString &text) { return text.section(u'%', 0, 0); }

} // namespace

void TestKernelGone::selectedSocketThatVanishesIsSaidToBeGone_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("en") << u"en"_qs;
    QTest::newRow("zh") << u"zh"_qs;
}

void TestKernelGone::selectedSocketThatVanishesIsSaidToBeGone()
{
    QFETCH(QString, language);
    QVERIFY(UiLanguage::instance().set(language));
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    KernelTable table;
    KernelPage page(false);
    page.resize(1280, 800);
    page.show();
    applyAll(page, table);
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    const int one = 1, idle = 7200;
    ::setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one); // a timer the panel shows
    ::setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    QTest::qWait(20);
    applyAll(page, table); // the connection appears
    page.setFilterText(QStringLiteral(":%1").arg(port));
    const QString client = QStringLiteral("127.0.0.1:%1").arg(LoopSockets::port(c));
    QTRY_VERIFY(shownRow(page, client) >= 0);
    page.table()->selectRow(shownRow(page, client));
    QVERIFY(panel(page).contains(u"ESTABLISHED"));
    QVERIFY2(panel(page).contains(u"keepalive"), qPrintable(panel(page)));

    // Reset between two polls: no TIME_WAIT, the socket is gone at the next poll.
    const linger now{1, 0};
    ::setsockopt(c, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    s.close(c);
    s.close(a);
    QTest::qWait(20);
    applyAll(page, table);
    const int row = shownRow(page, client);
    QVERIFY(row >= 0); // fading
    QVERIFY(page.proxy()->index(row, 0).data(KernelSocketModel::GoneRole).toBool());
    QCOMPARE(page.table()->selectionModel()->selectedRows().value(0).row(), row);
    const QString fading = panel(page);
    const QString gone = head(GoneSocketText::tr("Gone from the kernel's table: missing at the "
                                                 "poll of %1, still there at %2."));
    QVERIFY2(fading.contains(gone), qPrintable(fading));
    QVERIFY(fading.contains(client));
    QVERIFY(fading.contains(head(GoneSocketText::tr("Last seen in %1, in that state for ≥ %2."))
                            + u"ESTABLISHED"_qs));
    const QString meaning = GoneSocketText::meaning(TcpState::Established);
    QVERIFY(fading.contains(meaning.left(20)));
    QVERIFY2(!fading.contains(u"keepalive"), qPrintable(fading)); // no live timer
    QVERIFY(
        page.table()->model()->index(row, KernelSocketModel::Timer).data().toString().isEmpty());

    screenshot(page, QStringLiteral("gone-fading-%1.png").arg(language));

    // Polled past the fade: the row leaves the table, the panel still says it is gone.
    for (int i = 0; i < 60 && shownRow(page, client) >= 0; ++i) {
        QTest::qWait(100);
        applyAll(page, table);
    }
    QCOMPARE(shownRow(page, client), -1);
    QVERIFY(page.table()->selectionModel()->selectedRows().isEmpty());
    const QString removed = panel(page);
    QVERIFY2(removed.contains(gone) && removed.contains(client), qPrintable(removed));
    QVERIFY(removed.contains(
        GoneSocketText::tr("Its row has left the table; its history stays under History.")));
    QVERIFY(!removed.contains(u"keepalive"));
    // Its history stays: appeared, then CLOSED.
    QTreeWidget *history = page.historyView();
    QVERIFY(history->topLevelItemCount() >= 1);
    QCOMPARE(history->topLevelItem(history->topLevelItemCount() - 1)->text(2), u"CLOSED"_qs);
    screenshot(page, QStringLiteral("gone-removed-%1.png").arg(language));
    applyAll(page, table); // and a later poll changes nothing of that
    QCOMPARE(panel(page), removed);

    // Another socket selected: the panel explains it, live again.
    QTRY_VERIFY(page.proxy()->rowCount() >= 1);
    page.table()->selectRow(0);
    QVERIFY(!panel(page).contains(gone));
    QVERIFY(panel(page).contains(u"LISTEN"));
}

QTEST_MAIN(TestKernelGone)
#include "tst_kernelgone.moc"
