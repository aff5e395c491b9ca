// The Lab panel in the window: a scenario runs in its worker process, every step is marked as
// shown, the explanation opens on each step's state, the table follows the scenario's sockets
// and polling is fast while it runs; Stop ends the worker mid-scenario.
#include "lab/labscenario.h"
#include "labpanel.h"
#include "mainwindow.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "uilanguage.h"
#include "widgets/teachingpanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <unistd.h>

using namespace tcpscope;

class TestLabPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qputenv("TCPSCOPE_CLI", TCPSCOPE_BIN_DIR "/tcpscope-cli");
        qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
    }
    void cleanup() { UiLanguage::instance().set(u"en"_qs); }
    void runAllShowsEveryStep();
    void stopEndsTheWorker();
    void rootOnlyScenarioSaysWhy();
    void steppingWithTheButtons();
    void scenarioIdsBesideTitles();
    void labMenuDrivesThePanel();
    void languageSwitchRetellsTheRun();
    void closedWhileWaitingEndsTheWorker();
};

namespace {

// Start, Next, Run all, Stop: enabled or not, as a word each ("S-r-" = Start and Run all).
QString buttonStates(const LabPanel *lab)
{
    QString out;
    for (const auto &[button, letter] :
         {std::pair{lab->startButton(), u'S'}, std::pair{lab->nextButton(), u'N'},
          std::pair{lab->runAllButton(), u'R'}, std::pair{lab->stopButton(), u'X'}})
        out += button->isEnabled() ? letter : u'-';
    return out;
}

void clickRow(QListWidget *list, const QString &name)
{
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole).toString() == name) {
            const QRect r = list->visualItemRect(list->item(i));
            QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, r.center());
            return;
        }
    }
}

// Our child processes (those whose parent is this test).
QStringList childProcesses()
{
    QStringList out;
    const QString self = QString::number(::getpid());
    for (const QString &pid : QDir(u"/proc"_qs).entryList(QDir::Dirs)) {
        QFile stat(u"/proc/"_qs + pid + u"/stat"_qs);
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QString line = QString::fromLatin1(stat.readAll());
        // pid (comm) state ppid ...: comm may hold spaces, so count from the last ')'
        const QStringList after = line.mid(line.lastIndexOf(u')') + 2).split(u' ');
        if (after.size() > 1 && after[1] == self)
            out << pid;
    }
    return out;
}

} // namespace

void TestLabPanel::runAllShowsEveryStep()
{
    MainWindow w; // polling the real table
    w.show();
    w.labDock()->show();
    LabPanel *lab = w.labPanel();
    QSignalSpy finished(lab, &LabPanel::finished);
    QSignalSpy steps(lab, &LabPanel::stepStarted);
    const int interval = w.findChild<QSpinBox *>()->value();
    QVERIFY(lab->start(u"client-close"_qs, true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.first().first().toBool(), true);
    QCOMPARE(steps.count(), 4);
    for (int i = 0; i < lab->stepList()->count(); ++i)
        QVERIFY2(lab->stepList()->item(i)->text().startsWith(u"✓"),
                 qPrintable(lab->stepList()->item(i)->text()));
    // The last step is about TIME_WAIT: the explanation is on it.
    QCOMPARE(w.kernelPage()->views().teaching->topic(), u"state:TIME_WAIT"_qs);
    // The table followed the scenario's sockets (their listening port; the filter is the
    // user's again once it ended: tst_labtabs), and the poll interval is back to what it was.
    QCOMPARE(w.findChild<QSpinBox *>()->value(), interval);
    QVERIFY2(lab->log().contains(u"FIN_WAIT_2"), qPrintable(lab->log()));
    if (::geteuid() != 0)
        return; // capturing needs root or the helper's capabilities: the table alone follows
    // As root the packets followed too: a capture on lo, on the scenario's port, saw the
    // connection open and close, the client ending in TIME_WAIT.
    LiveCapturePage *live = nullptr;
    for (int i = 0; i < w.tabs()->count(); ++i) {
        if (auto *p = qobject_cast<LiveCapturePage *>(w.tabs()->widget(i)))
            live = p;
    }
    QVERIFY(live);
    QCOMPARE(w.tabs()->currentIndex(), 0); // the kernel tab stayed in front
    QTRY_VERIFY_WITH_TIMEOUT(!live->isRunning(), 10000);
    const QAbstractItemModel *m = live->page()->table()->model();
    QCOMPARE(m->rowCount(), 1);
    QCOMPARE(m->index(0, PacketConnectionModel::ClientState).data().toString(), u"TIME_WAIT"_qs);
}

void TestLabPanel::stopEndsTheWorker()
{
    MainWindow w(false);
    w.show();
    LabPanel *lab = w.labPanel();
    QSignalSpy finished(lab, &LabPanel::finished);
    QSignalSpy steps(lab, &LabPanel::stepStarted);
    QVERIFY(lab->start(u"close-wait-leak"_qs, false)); // step by step
    QTRY_VERIFY_WITH_TIMEOUT(lab->findChildren<QPushButton *>().size() == 4, 1000);
    // The worker has started and waits (a fixed 300 ms was too short under ASan).
    QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 10000);
    QCOMPARE(steps.count(), 0); // it waits for Next
    lab->next();
    QTRY_COMPARE_WITH_TIMEOUT(steps.count(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(lab->stepList()->item(0)->text().startsWith(u"✓"), 5000);
    lab->stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY(!lab->isRunning());
    QVERIFY2(lab->log().contains(u"Stopped"), qPrintable(lab->log()));
}

void TestLabPanel::rootOnlyScenarioSaysWhy()
{
    const QString why = LabPanel::unavailableWhy(u"simultaneous"_qs);
    if (::geteuid() == 0) {
        QVERIFY(why.isEmpty());
    } else {
        QVERIFY(why.contains(u"root"));
        LabPanel lab;
        QVERIFY(!lab.start(u"simultaneous"_qs, true));
    }
    QVERIFY(LabPanel::unavailableWhy(u"client-close"_qs).isEmpty());
}

void TestLabPanel::steppingWithTheButtons()
{
    // What a user does: pick a scenario, Start, then Next for every step, watching each get
    // its ✓ and the buttons follow.
    MainWindow w(false);
    w.show();
    w.labDock()->show();
    LabPanel *lab = w.labPanel();
    QSignalSpy finished(lab, &LabPanel::finished);
    QTRY_VERIFY(lab->scenarioList()->isVisible());
    clickRow(lab->scenarioList(), u"server-close"_qs); // away from the first row, then to it
    clickRow(lab->scenarioList(), u"client-close"_qs);
    QCOMPARE(lab->scenarioList()->currentItem()->data(Qt::UserRole).toString(), u"client-close"_qs);
    const int count = int(findLabScenario(u"client-close"_qs)->steps.size());
    QCOMPARE(lab->stepList()->count(), count);
    QCOMPARE(buttonStates(lab), u"S-R-"_qs);
    QTest::mouseClick(lab->startButton(), Qt::LeftButton);
    QVERIFY(lab->isRunning());
    for (int i = 0; i < count; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 10000);
        QCOMPARE(buttonStates(lab), u"-NRX"_qs); // waiting for Next
        QVERIFY2(!lab->stepList()->item(i)->text().startsWith(u"✓"),
                 qPrintable(lab->stepList()->item(i)->text())); // nothing before Next
        QTest::mouseClick(lab->nextButton(), Qt::LeftButton);
        QCOMPARE(buttonStates(lab), u"--RX"_qs); // the step runs
        QTRY_VERIFY_WITH_TIMEOUT(lab->stepList()->item(i)->text().startsWith(u"✓"), 10000);
        for (int later = i + 1; later < count; ++later)
            QVERIFY(!lab->stepList()->item(later)->text().startsWith(u"✓"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY(!lab->isRunning());
    QCOMPARE(buttonStates(lab), u"S-R-"_qs);
    for (int i = 0; i < count; ++i)
        QVERIFY(lab->stepList()->item(i)->text().startsWith(u"✓"));
    QVERIFY2(lab->log().contains(u"Every step showed what it claims."), qPrintable(lab->log()));
}

void TestLabPanel::scenarioIdsBesideTitles()
{
    LabPanel lab;
    QCOMPARE(lab.scenarioList()->count(), int(labScenarios().size()));
    for (int i = 0; i < lab.scenarioList()->count(); ++i) {
        const QListWidgetItem *item = lab.scenarioList()->item(i);
        const LabScenario &s = labScenarios()[std::size_t(i)];
        QCOMPARE(item->data(Qt::UserRole).toString(), s.name);
        QVERIFY2(item->text().contains(s.title.en) && item->text().contains(s.name),
                 qPrintable(item->text()));
        QVERIFY2(item->toolTip().contains(u"tcpscope-cli lab run "_qs + s.name),
                 qPrintable(item->toolTip()));
    }
}

void TestLabPanel::labMenuDrivesThePanel()
{
    MainWindow w(false);
    w.show();
    LabPanel *lab = w.labPanel();
    const QList<QAction *> actions = lab->menuActions();
    QCOMPARE(actions.size(), 4);
    // In the window's Lab menu, each with a shortcut no other action of the window has.
    QMenu *labMenu = nullptr;
    for (QAction *m : w.menuBar()->actions()) {
        if (m->menu() && m->menu()->actions().contains(w.labDock()->toggleViewAction()))
            labMenu = m->menu();
    }
    QVERIFY(labMenu);
    QHash<QKeySequence, QString> taken;
    for (const QAction *a : w.findChildren<QAction *>()) {
        for (const QKeySequence &k : a->shortcuts()) {
            QVERIFY2(
                !taken.contains(k) || taken.value(k) == a->text(),
                qPrintable(k.toString() + u": "_qs + taken.value(k) + u" and "_qs + a->text()));
            taken.insert(k, a->text());
        }
    }
    for (QAction *a : actions) {
        QVERIFY(labMenu->actions().contains(a));
        QVERIFY2(!a->shortcut().isEmpty() && !a->text().isEmpty(), qPrintable(a->text()));
    }
    QAction *startAction = actions[0], *nextAction = actions[1], *stopAction = actions[3];
    QVERIFY(startAction->isEnabled() && !nextAction->isEnabled() && !stopAction->isEnabled());
    // Start from the menu with the panel hidden: the panel shows, the scenario waits for Next.
    QSignalSpy finished(lab, &LabPanel::finished);
    w.labDock()->hide();
    startAction->trigger();
    QVERIFY(w.labDock()->isVisible());
    QVERIFY(lab->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(nextAction->isEnabled(), 10000);
    QVERIFY(!startAction->isEnabled() && stopAction->isEnabled());
    nextAction->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(lab->stepList()->item(0)->text().startsWith(u"✓"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(nextAction->isEnabled(), 10000);
    stopAction->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY(!lab->isRunning());
    QVERIFY(startAction->isEnabled() && !stopAction->isEnabled());
}

void TestLabPanel::languageSwitchRetellsTheRun()
{
    // Everything the panel shows of a finished run reads in the language chosen afterwards:
    // the steps (with their ✓), the summary, the list, and the log, notes included.
    LabPanel::kRunAllPauseMs = 0;
    LabPanel lab;
    QSignalSpy finished(&lab, &LabPanel::finished);
    QVERIFY(lab.start(u"half-close"_qs, true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.first().first().toBool(), true);
    const QString en = lab.log();
    // Polled, the client appears already ESTABLISHED; traced (the worker traces when it may:
    // as root), the log has its exact SYN_SENT → ESTABLISHED.
    QVERIFY2((en.contains(u"appeared in ESTABLISHED") || en.contains(u"SYN_SENT → ESTABLISHED"))
                 && en.contains(u"the client read \"still talking\"")
                 && en.contains(u"Every step showed what it claims."),
             qPrintable(en));
    QVERIFY(UiLanguage::instance().set(u"zh"_qs));
    const QString zh = lab.log();
    QVERIFY2((zh.contains(u"出现于 ESTABLISHED") || zh.contains(u"SYN_SENT → ESTABLISHED"))
                 && zh.contains(u"客户端读到“still talking”")
                 && zh.contains(u"每一步都展示了它所说的内容。"),
             qPrintable(zh));
    QVERIFY2(!zh.contains(u"appeared in") && !zh.contains(u"the client read"), qPrintable(zh));
    QCOMPARE(zh.count(u'\n'), en.count(u'\n')); // the same lines, retold
    const LabScenario *s = findLabScenario(u"half-close"_qs);
    for (int i = 0; i < lab.stepList()->count(); ++i)
        QCOMPARE(lab.stepList()->item(i)->text(),
                 u"✓ %1. %2"_qs.arg(i + 1).arg(s->steps[std::size_t(i)].text.zh));
    QVERIFY(lab.scenarioList()->currentItem()->text().contains(s->title.zh + u"（half-close）"_qs));
    // A worker's note, which used to stay English, in Chinese.
    QVERIFY(UiLanguage::instance().set(u"en"_qs));
    QCOMPARE(lab.log(), en);
}

void TestLabPanel::closedWhileWaitingEndsTheWorker()
{
    // The window closes while a scenario waits for Next: the worker is told to stop, ends,
    // and the panel goes without hearing from it any more.
    const QStringList before = childProcesses();
    auto *lab = new LabPanel;
    QVERIFY(lab->start(u"client-close"_qs, false));
    QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 10000);
    lab->next();
    QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 10000); // step 1 done, waiting
    QCOMPARE(childProcesses().size(), before.size() + 1);
    delete lab;
    QCOMPARE(childProcesses(), before);
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_labpanel"));
    TestLabPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_labpanel.moc"
