// What the window shows of a Lab run, clicked as a user clicks: the simultaneous scenario's
// network namespace (its table and its packets, both ends CLOSING, both SYN_SENT); one
// packets tab per scenario, with the capture's real filter and its chart drawn; the kernel
// tab's filter given back when a scenario ends; Help ▸ Getting started at the first start only.
#include "labpanel.h"
#include "labtabs.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "uilanguage.h"
#include "widgets/gettingstarted.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolBar>

#include <algorithm>
#include <unistd.h>

using namespace tcpscope;

class TestLabTabs : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qputenv("TCPSCOPE_CLI", TCPSCOPE_BIN_DIR "/tcpscope-cli");
        qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
        LabPanel::kRunAllPauseMs = 0;
    }
    void init() { QSettings().clear(); }
    void simultaneousShowsItsNamespace();
    void oneTabPerScenarioAndTheUsersFilterBack();
    void gettingStartedAtFirstStartOnly();
};

namespace {

void clickRow(QListWidget *list, const QString &name)
{
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole).toString() == name) {
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                              list->visualItemRect(list->item(i)).center());
            return;
        }
    }
    QFAIL("no such scenario");
}

// How many rows of a kernel page's table are in `state`.
int rowsIn(const KernelPage *page, const QString &state)
{
    const QAbstractItemModel *m = page->table()->model();
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r)
        n += m->index(r, KernelSocketModel::State).data().toString() == state;
    return n;
}

// A packets tab's connections with both endpoints in `state`.
int bothIn(const LiveCapturePage *page, const QString &state)
{
    const QAbstractItemModel *m = page->page()->table()->model();
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r)
        n += m->index(r, PacketConnectionModel::ClientState).data().toString() == state
             && m->index(r, PacketConnectionModel::ServerState).data().toString() == state;
    return n;
}

QString rowsOf(const LiveCapturePage *page)
{
    const QAbstractItemModel *m = page->page()->table()->model();
    QStringList out{page->message()};
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->index(r, PacketConnectionModel::ClientState).data().toString() + u'/'
                   + m->index(r, PacketConnectionModel::ServerState).data().toString();
    return out.join(u", ");
}

// A packets tab's connections whose history has both endpoints enter `state`.
int bothWentThrough(const LiveCapturePage *page, TcpState state)
{
    const PacketConnectionModel *m = page->page()->model();
    int n = 0;
    for (int r = 0; r < m->rowCount(); ++r) {
        const auto conn =
            std::uint32_t(m->index(r, 0).data(PacketConnectionModel::ConnectionRole).toInt());
        bool went[2] = {false, false};
        for (const StateChange &c : m->history(conn))
            went[c.endpoint & 1] |= c.to == state;
        n += went[0] && went[1];
    }
    return n;
}

// Every connection's history in a packets tab: "endpoint:FROM>TO#packet", revisions marked.
QString historiesOf(const LiveCapturePage *page)
{
    const PacketConnectionModel *m = page->page()->model();
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r) {
        const auto conn =
            std::uint32_t(m->index(r, 0).data(PacketConnectionModel::ConnectionRole).toInt());
        for (const StateChange &c : m->history(conn))
            out << QStringLiteral("%1:%2>%3#%4%5")
                       .arg(c.endpoint)
                       .arg(QLatin1String(names(c.from).rfc), QLatin1String(names(c.to).rfc))
                       .arg(c.packet)
                       .arg(c.revision != Revision::None ? u" (revision)"_qs : QString());
        out << u"|"_qs;
    }
    return out.join(u' ');
}

// TCPSCOPE_SHOTS=DIR: the window as the test sees it, to look at (not compared).
void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SHOTS");
    if (!dir.isEmpty())
        w->grab().save(dir + u'/' + name + u".png"_qs);
}

int tabsNamed(const QTabWidget *tabs, const QString &name)
{
    int n = 0;
    for (int i = 0; i < tabs->count(); ++i)
        n += tabs->tabText(i) == name;
    return n;
}

void clickTab(QTabWidget *tabs, QWidget *page)
{
    QTabBar *bar = tabs->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(tabs->indexOf(page)).center());
    QTRY_COMPARE(tabs->currentWidget(), page);
}

} // namespace

void TestLabTabs::simultaneousShowsItsNamespace()
{
    if (::geteuid() != 0)
        QSKIP("the simultaneous scenario makes a network namespace: it needs root");
    MainWindow w(false);
    w.show();
    w.labDock()->show();
    LabPanel *lab = w.labPanel();
    QTRY_VERIFY(lab->scenarioList()->isVisible());
    clickRow(lab->scenarioList(), u"simultaneous"_qs);
    QTest::mouseClick(lab->startButton(), Qt::LeftButton);
    KernelPage *table = w.labTabs()->namespaceTab();
    QVERIFY(table);
    const int steps = lab->stepList()->count();
    QCOMPARE(steps, 6);
    for (int i = 0; i < steps; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 15000);
        QTest::mouseClick(lab->nextButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(lab->stepList()->item(i)->text().startsWith(u"✓"), 15000);
        QCOMPARE(w.tabs()->currentWidget(), table); // the namespace's table in front
        if (i == 2) { // fins-cross: both ends hold CLOSING in the table
            QTRY_COMPARE_WITH_TIMEOUT(rowsIn(table, u"CLOSING"_qs), 2, 3000);
            QTest::qWait(300);
            shoot(&w, u"lab-simultaneous-closing"_qs);
            // The packets show both FINs crossing; with the ACKs held, nothing on the wire
            // says yet that either FIN arrived: the packet engine keeps both in FIN_WAIT_1.
            LiveCapturePage *packets = w.labTabs()->packetsTab();
            QVERIFY(packets);
            QTRY_VERIFY2_WITH_TIMEOUT(bothIn(packets, u"FIN_WAIT_1"_qs) == 1,
                                      qPrintable(rowsOf(packets)), 3000);
            // The chart's samples count them too.
            const auto &samples = table->store().samples();
            QVERIFY(std::any_of(samples.begin(), samples.end(), [](const auto &s) {
                return s.second[std::size_t(index(TcpState::Closing))] == 2;
            }));
        }
        if (i == 3) { // acks-through: the FINs' acknowledgements confirm both CLOSING
            LiveCapturePage *packets = w.labTabs()->packetsTab();
            QTRY_VERIFY2_WITH_TIMEOUT(bothIn(packets, u"TIME_WAIT"_qs) == 1,
                                      qPrintable(rowsOf(packets)), 3000);
            // Both ends went through CLOSING, as the kernel rows showed: each got the peer's
            // first FIN; the retransmitted FINs, crossing, carried the ACKs.
            QVERIFY2(bothWentThrough(packets, TcpState::Closing) == 1,
                     qPrintable(historiesOf(packets)));
        }
        if (i == 4) // syns-held: both SYN_SENT, no listener anywhere
            QTRY_COMPARE_WITH_TIMEOUT(rowsIn(table, u"SYN_SENT"_qs), 2, 3000);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!lab->isRunning(), 10000);
    QVERIFY(w.tabs()->tabText(w.tabs()->indexOf(table)).contains(u"tcpscope-lab-"));
    // Its toolbar names the Lab's namespace, with no chooser offering "This host".
    QVERIFY(!table->namespaceChooser()->isVisibleTo(table->toolBar()));
    const QList<QLabel *> labels = table->toolBar()->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [](const QLabel *l) {
        return l->text().contains(u"Namespace: tcpscope-lab-");
    }));
    // The packets tab read the namespace's lo: both closes crossed, and the simultaneous
    // open shows both ends in SYN_SENT in the connection's history.
    LiveCapturePage *packets = w.labTabs()->packetsTab();
    QTRY_VERIFY_WITH_TIMEOUT(!packets->isRunning(), 10000);
    QCOMPARE(w.tabs()->tabText(w.tabs()->indexOf(packets)), u"Lab packets: simultaneous"_qs);
    QVERIFY2(packets->sourceText().contains(u"\"tcp\""), qPrintable(packets->sourceText()));
    QCOMPARE(packets->page()->model()->rowCount(), 2);
    QVERIFY2(bothWentThrough(packets, TcpState::SynSent) == 1, qPrintable(rowsOf(packets)));
    // The namespace is gone with its sockets: the table says so rather than keep them.
    QTRY_COMPARE_WITH_TIMEOUT(rowsIn(table, u"TIME_WAIT"_qs), 0, 5000);
}

void TestLabTabs::oneTabPerScenarioAndTheUsersFilterBack()
{
    MainWindow w(false);
    w.show();
    w.labDock()->show();
    LabPanel *lab = w.labPanel();
    QLineEdit *filter = w.kernelPage()->filterEdit();
    QTest::keyClicks(filter, u"ESTAB"_qs);
    QTRY_VERIFY(lab->scenarioList()->isVisible());
    clickRow(lab->scenarioList(), u"client-close"_qs);
    for (int run = 0; run < 2; ++run) {
        QTest::mouseClick(lab->runAllButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(filter->text().startsWith(u':'), 10000); // following it
        const QString scenarioFilter = filter->text();
        QTRY_VERIFY_WITH_TIMEOUT(!lab->isRunning(), 30000);
        // Ended: the user's filter is back, and the status bar says where the scenario went.
        QCOMPARE(filter->text(), u"ESTAB"_qs);
        QVERIFY2(w.statusBar()->currentMessage().contains(scenarioFilter),
                 qPrintable(w.statusBar()->currentMessage()));
    }
    if (::geteuid() != 0)
        return; // capturing needs root or the helper's capabilities
    QCOMPARE(tabsNamed(w.tabs(), u"Lab packets: client-close"_qs), 1); // reused, not added
    LiveCapturePage *packets = w.labTabs()->packetsTab();
    QTRY_VERIFY_WITH_TIMEOUT(!packets->isRunning(), 10000);
    QVERIFY2(packets->sourceText().contains(u"tcp port "), qPrintable(packets->sourceText()));
    // Shown after the run, the chart is drawn as it is: what the screen has is what a fresh
    // drawing gives.
    clickTab(w.tabs(), packets);
    StateCountChart *chart = packets->page()->chart();
    QTest::qWait(100);
    const QImage shown = chart->grab().toImage();
    chart->replot(QCustomPlot::rpImmediateRefresh);
    QCOMPARE(chart->grab().toImage(), shown);
    QVERIFY(chart->graphCount() > 0);
}

void TestLabTabs::gettingStartedAtFirstStartOnly()
{
    {
        MainWindow first(false);
        first.show();
        first.showGettingStartedAtStart();
        QVERIFY(first.gettingStarted());
        QTRY_VERIFY(first.gettingStarted()->isVisible());
        QVERIFY(!first.gettingStarted()->showAtStartBox()->isChecked());
    }
    MainWindow second(false);
    second.show();
    second.showGettingStartedAtStart();
    QVERIFY(!second.gettingStarted()); // not at the second start
    // Help ▸ Getting started, from the menu the user opens.
    QMenu *help = nullptr;
    for (QAction *a : second.menuBar()->actions()) {
        if (a->menu() && a->menu()->actions().contains(second.gettingStartedAction()))
            help = a->menu();
    }
    QVERIFY(help);
    second.gettingStartedAction()->trigger();
    GettingStarted *page = second.gettingStarted();
    QVERIFY(page);
    QTRY_VERIFY(page->isVisible());
    shoot(page, u"getting-started-en"_qs);
    UiLanguage::instance().set(u"zh"_qs); // View ▸ Language: the page reads in Chinese
    QTRY_COMPARE(page->labButton()->text(), u"显示实验面板"_qs);
    shoot(page, u"getting-started-zh"_qs);
    UiLanguage::instance().set(u"en"_qs);
    QTRY_COMPARE(page->labButton()->text(), u"Show the Lab"_qs);
    // Its button does what it says: the Lab panel opens, the page goes.
    QVERIFY(!second.labDock()->isVisible());
    QTest::mouseClick(page->labButton(), Qt::LeftButton);
    QTRY_VERIFY(second.labDock()->isVisible());
    QTRY_VERIFY(!second.gettingStarted());
    // Ticked, it comes back at the next start.
    second.gettingStartedAction()->trigger();
    QTest::mouseClick(second.gettingStarted()->showAtStartBox(), Qt::LeftButton);
    MainWindow third(false);
    third.showGettingStartedAtStart();
    QVERIFY(third.gettingStarted());
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_labtabs"));
    TestLabTabs t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_labtabs.moc"
