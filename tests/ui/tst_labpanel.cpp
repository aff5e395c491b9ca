// The Lab panel in the window: a scenario runs in its worker process, every step is marked as
// shown, the explanation opens on each step's state, the table follows the scenario's sockets
// and polling is fast while it runs; Stop ends the worker mid-scenario.
#include "labpanel.h"
#include "mainwindow.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "widgets/teachingpanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
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
    void runAllShowsEveryStep();
    void stopEndsTheWorker();
    void rootOnlyScenarioSaysWhy();
};

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
    // The table followed the scenario's sockets (their listening port), and the poll interval
    // is back to what it was.
    QVERIFY2(w.kernelPage()->filterEdit()->text().startsWith(u':'),
             qPrintable(w.kernelPage()->filterEdit()->text()));
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
    QTest::qWait(300);
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

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_labpanel"));
    TestLabPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_labpanel.moc"
