// The kernel tab's namespace chooser, offscreen, on the real kernel table: as root, two
// namespaces the test makes are listed; choosing one shows its sockets only (its counts on the
// diagram), choosing "All namespaces" shows every socket with its namespace in the Namespace
// column. With TCPSCOPE_NETNS_SCREENSHOTS=DIR it saves the window in both views, in English and
// Chinese (the README's pictures).
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/kernelpage.h"
#include "support/netnspair.h"
#include "uilanguage.h"

#include <QComboBox>
#include <QTableView>
#include <QTest>

using namespace tcpscope;

namespace {

// The Namespace column of the rows whose local port is `port`; with `only`, of the rows in that
// namespace alone (other namespaces — other suites' — may use the same port numbers).
QStringList namespaceColumn(const KernelSocketModel &m, int port, const QString &only = {})
{
    QStringList texts;
    const QString suffix = u':' + QString::number(port);
    for (int r = 0; r < m.rowCount(); ++r) {
        const QString ns = m.index(r, KernelSocketModel::Namespace).data().toString();
        if (m.index(r, KernelSocketModel::Local).data().toString().endsWith(suffix)
            && (only.isEmpty() || ns == only))
            texts << ns;
    }
    return texts;
}

void choose(QComboBox *chooser, const QString &key)
{
    const int i = chooser->findData(key);
    QVERIFY2(i >= 0, qPrintable(key));
    chooser->setCurrentIndex(i);
    Q_EMIT chooser->activated(i); // as a click does
}

} // namespace

class TestKernelPageNetns : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qputenv("TCPSCOPE_TRACE", "0");
        qputenv("TCPSCOPE_NETNS_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-netns");
    }
    void chooser();
};

void TestKernelPageNetns::chooser()
{
    if (!TestNetns::canCreate())
        QSKIP("making network namespaces needs root");
    NetnsPair pair;
    QVERIFY(pair.ok());
    const quint32 inodeA = NetnsPair::inodeOf(*pair.a), inodeB = NetnsPair::inodeOf(*pair.b);
    const QString screenshots = qEnvironmentVariable("TCPSCOPE_NETNS_SCREENSHOTS");
    const QString language = qEnvironmentVariable("TCPSCOPE_TEST_LANGUAGE", QStringLiteral("en"));
    UiLanguage::instance().set(language);
    MainWindow window;
    window.resize(1500, 950);
    window.show();
    KernelPage *page = window.kernelPage();
    QComboBox *chooser = page->namespaceChooser();
    QVERIFY(chooser);
    QCOMPARE(chooser->currentData().toString(), QStringLiteral("own")); // this host by default
    QTRY_VERIFY_WITH_TIMEOUT(chooser->findData(u"name:"_qs + pair.a->name()) >= 0, 15000);
    QVERIFY(chooser->findData(u"name:"_qs + pair.b->name()) >= 0);
    QVERIFY(chooser->findData(u"all"_qs) == chooser->count() - 1);
    QVERIFY(page->table()->isColumnHidden(KernelSocketModel::Namespace));

    // One namespace: its three sockets only, and the diagram's counts are its counts.
    choose(chooser, u"name:"_qs + pair.a->name());
    const QString labelA = QStringLiteral("%1 (net:[%2])").arg(pair.a->name()).arg(inodeA);
    QTRY_COMPARE_WITH_TIMEOUT(page->model()->rowCount(), 3, 15000);
    QTRY_COMPARE(namespaceColumn(*page->model(), pair.listenPort), (QStringList{labelA, labelA}));
    QTRY_COMPARE(page->store().latest().counts[std::size_t(index(TcpState::Established))], 2);
    QCOMPARE(page->store().latest().counts[std::size_t(index(TcpState::Listen))], 1);
    QCOMPARE(page->store().latest().netns, inodeA);
    if (!screenshots.isEmpty())
        window.grab().save(screenshots + QStringLiteral("/netns-one-%1.png").arg(language));

    // Every namespace: both namespaces' sockets, each labelled, with the Namespace column.
    choose(chooser, u"all"_qs);
    const QString labelB = QStringLiteral("%1 (net:[%2])").arg(pair.b->name()).arg(inodeB);
    QTRY_VERIFY_WITH_TIMEOUT(!namespaceColumn(*page->model(), pair.timeWaitPort, labelB).isEmpty(),
                             15000);
    QVERIFY(!page->table()->isColumnHidden(KernelSocketModel::Namespace));
    // (a poll's new rows are inserted a chunk per event-loop turn)
    QTRY_COMPARE(namespaceColumn(*page->model(), pair.timeWaitPort, labelB), QStringList{labelB});
    QTRY_COMPARE(namespaceColumn(*page->model(), pair.listenPort, labelA),
                 (QStringList{labelA, labelA}));
    QCOMPARE(page->store().latest().netns, 0u);
    if (!screenshots.isEmpty()) {
        page->setFilterText(QStringLiteral("tcpscope-ns"));
        QTest::qWait(3500); // the columns refit to the rows in view every 2 s
        window.grab().save(screenshots + QStringLiteral("/netns-all-%1.png").arg(language));
        chooser->showPopup();
        QTest::qWait(300);
        if (QWidget *popup = chooser->view()->window())
            popup->grab().save(screenshots + QStringLiteral("/netns-chooser-%1.png").arg(language));
        chooser->hidePopup();
    }

    // Back to this host: neither namespace's sockets.
    choose(chooser, u"own"_qs);
    QTRY_VERIFY_WITH_TIMEOUT(page->store().latest().netns != 0, 15000);
    QTRY_VERIFY(namespaceColumn(*page->model(), pair.listenPort, labelA).isEmpty());
    QVERIFY(page->table()->isColumnHidden(KernelSocketModel::Namespace));
}

QTEST_MAIN(TestKernelPageNetns)
#include "tst_kernelpage_netns.moc"
