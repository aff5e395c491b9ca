// The Lab scenarios that make a diagnosable situation, run in the window the way a user runs
// them (the scenario picked in the Lab panel, Start, Next…): the kernel tab polls, and while the
// scenario holds its sockets its Findings tab shows the finding, naming the Lab's worker
// (the process) or the scenario's listener (its port). With TCPSCOPE_SCREENSHOTS=DIR it also
// saves the window: the README's docs/screenshot-lab.png (close-wait-leak, English, light),
// and each scenario in English (light) and Chinese (dark), to look at.
#include "diagnose/finding.h"
#include "labpanel.h"
#include "labtabs.h"
#include "mainwindow.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/findingsbadge.h"
#include "widgets/findingspanel.h"

#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include <unistd.h>

using namespace tcpscope;

class TestLabFindings : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        qputenv("TCPSCOPE_CLI", TCPSCOPE_BIN_DIR "/tcpscope-cli");
        qputenv("TCPSCOPE_CAPTURE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-capture");
        qputenv("TCPSCOPE_TRACE_HELPER", TCPSCOPE_BIN_DIR "/tcpscope-trace"); // as installed
    }
    void closeWaitLeakNamesTheWorker();
    void acceptQueueNamesTheListener();
    void timeWaitBurstRunsThePortsOut();
};

namespace {

// Root-only scenarios (a namespace of their own) say why they cannot run.
#define SKIP_UNLESS_RUNNABLE(scenario)                                                             \
    if (const QString why = LabPanel::unavailableWhy(scenario); !why.isEmpty())                    \
    QSKIP(qPrintable(why))

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

// The scenario picked and started as a user does, in a window polling the real table.
void startInPanel(MainWindow &w, const QString &scenario)
{
    w.show();
    w.labDock()->show();
    LabPanel *lab = w.labPanel();
    QTRY_VERIFY(lab->scenarioList()->isVisible());
    clickRow(lab->scenarioList(), scenario);
    QCOMPARE(lab->scenarioList()->currentItem()->data(Qt::UserRole).toString(), scenario);
    QTest::mouseClick(lab->startButton(), Qt::LeftButton);
    QVERIFY(lab->isRunning());
}

// Next, and wait until the step is shown (✓) and the worker waits again (or has finished).
void nextStep(LabPanel *lab, int step)
{
    QTRY_VERIFY_WITH_TIMEOUT(lab->nextButton()->isEnabled(), 20000);
    QTest::mouseClick(lab->nextButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(lab->stepList()->item(step)->text().startsWith(u"✓"), 30000);
}

const Finding *findingOf(const FindingsPanel *panel, const char *kind)
{
    for (const Finding &f : panel->findings()) {
        if (qstrcmp(findingKindId(f.kind), kind) == 0)
            return &f;
    }
    return nullptr;
}

// The panel's list shows a line holding `subject`.
bool listShows(const FindingsPanel *panel, const QString &subject)
{
    const QTreeWidget *list = panel->list();
    for (int i = 0; i < list->topLevelItemCount(); ++i) {
        if (list->topLevelItem(i)->text(1).contains(subject))
            return true;
    }
    return false;
}

QString describe(const FindingsPanel *panel)
{
    QString out;
    for (const Finding &f : panel->findings())
        out += QString::fromLatin1(findingKindId(f.kind)) + u' ' + f.subject + u"; "_qs;
    return out.isEmpty() ? u"no findings"_qs : out;
}

int parentOf(int pid)
{
    QFile stat(u"/proc/%1/stat"_qs.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QString line = QString::fromLatin1(stat.readAll());
    const QStringList after = line.mid(line.lastIndexOf(u')') + 2).split(u' ');
    return after.size() > 1 ? after[1].toInt() : -1;
}

// The window as a user sees it now, in English (light) as `name`.png and in Chinese (dark) as
// `name`-zh-dark.png, when TCPSCOPE_SCREENSHOTS names a directory.
void screenshots(QWidget &w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    w.resize(1440, 900); // as the README's other screenshots
    QTest::qWait(300);
    QVERIFY(w.grab().save(dir + u'/' + name + u".png"_qs));
    applyTheme(u"dark"_qs);
    UiLanguage::instance().set(u"zh"_qs);
    QTest::qWait(300);
    QVERIFY(w.grab().save(dir + u'/' + name + u"-zh-dark.png"_qs));
    UiLanguage::instance().set(u"en"_qs);
    applyTheme(u"light"_qs);
}

// A finding of `kind` about the worker this window started (another suite may play the Lab
// on this machine meanwhile: its worker's findings are not ours).
const Finding *ofOurWorker(const FindingsPanel *panel, const char *kind)
{
    for (const Finding &f : panel->findings()) {
        if (qstrcmp(findingKindId(f.kind), kind) == 0 && parentOf(f.pid) == int(::getpid()))
            return &f;
    }
    return nullptr;
}

void stopAndWait(LabPanel *lab, QSignalSpy &finished)
{
    if (lab->isRunning())
        lab->stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
}

} // namespace

void TestLabFindings::closeWaitLeakNamesTheWorker()
{
    SKIP_UNLESS_RUNNABLE(u"close-wait-leak"_qs);
    MainWindow w;
    startInPanel(w, u"close-wait-leak"_qs);
    LabPanel *lab = w.labPanel();
    QSignalSpy finished(lab, &LabPanel::finished);
    const FindingsPanel *panel = w.kernelPage()->findingsPanel();
    for (int step = 0; step < 3; ++step) // listen, connect, the clients close
        nextStep(lab, step);
    // 12 CLOSE_WAIT, their peers' orphaned FIN_WAIT_2 still there, the explanation on CLOSE_WAIT
    QTRY_VERIFY_WITH_TIMEOUT(w.kernelPage()->proxy()->rowCount() >= 25, 5000);
    screenshots(w, u"screenshot-lab"_qs);
    nextStep(lab, 3); // never closed
    // Young CLOSE_WAIT first (a burst being handled, info); once the oldest has lived the
    // threshold's 60 s, unclosed, it is a leak, at warning level, naming the Lab's worker.
    QTRY_VERIFY2_WITH_TIMEOUT(ofOurWorker(panel, "close-wait-burst")
                                  || ofOurWorker(panel, "close-wait-leak"),
                              qPrintable(describe(panel)), 15000);
    QTRY_VERIFY2_WITH_TIMEOUT(ofOurWorker(panel, "close-wait-leak"), qPrintable(describe(panel)),
                              90000);
    const Finding leak = *ofOurWorker(panel, "close-wait-leak");
    QCOMPARE(leak.level, FindingLevel::Warning);
    QVERIFY2(leak.number(u"count"_qs) >= 10, qPrintable(describe(panel)));
    QCOMPARE(parentOf(leak.pid), int(::getpid())); // the worker this window started
    QVERIFY2(leak.subject.startsWith(u"tcpscope-cli ("_qs), qPrintable(leak.subject));
    QVERIFY(listShows(panel, leak.subject));
    QVERIFY(lab->isRunning()); // found while the scenario holds its sockets
    // The status bar's badge counts the kernel tab's findings, in bold when one is a warning.
    const FindingsBadge *badge = w.findChild<FindingsBadge *>(u"findingsBadge"_qs);
    QVERIFY(badge);
    QCOMPARE(badge->followed(), w.kernelPage());
    QTRY_VERIFY2(badge->text().contains(u"at warning level or above"_qs),
                 qPrintable(badge->text()));
    nextStep(lab, 4); // the server closes: the finding clears
    QTRY_VERIFY2_WITH_TIMEOUT(!ofOurWorker(panel, "close-wait-leak"), qPrintable(describe(panel)),
                              15000);
    stopAndWait(lab, finished);
}

void TestLabFindings::acceptQueueNamesTheListener()
{
    SKIP_UNLESS_RUNNABLE(u"accept-queue"_qs);
    MainWindow w;
    LabPanel *lab = w.labPanel();
    QSignalSpy ports(lab, &LabPanel::scenarioPorts);
    QSignalSpy finished(lab, &LabPanel::finished);
    startInPanel(w, u"accept-queue"_qs);
    const FindingsPanel *panel = w.kernelPage()->findingsPanel();
    nextStep(lab, 0); // listen, backlog 2
    nextStep(lab, 1); // six connect: three queued, the queue full
    QVERIFY(!ports.isEmpty());
    const quint16 port = ports.last().first().value<QList<quint16>>().first();
    QTRY_VERIFY2_WITH_TIMEOUT(findingOf(panel, "accept-queue-full"), qPrintable(describe(panel)),
                              15000);
    const Finding full = *findingOf(panel, "accept-queue-full");
    QVERIFY2(full.subject.endsWith(u":%1"_qs.arg(port)), qPrintable(full.subject));
    QCOMPARE(full.number(u"accept_queue"_qs), 3.0); // backlog + 1
    QCOMPARE(full.number(u"limit"_qs), 2.0);
    QVERIFY(listShows(panel, full.subject));
    QVERIFY(lab->isRunning());
    stopAndWait(lab, finished); // the listener closes: the finding clears
    QTRY_VERIFY2_WITH_TIMEOUT(!findingOf(panel, "accept-queue-full"), qPrintable(describe(panel)),
                              15000);
}

// In the scenario's own namespace, 200 ephemeral ports: its kernel table tab (fed by the
// worker) diagnoses with the namespace's ip_local_port_range, not the host's.
void TestLabFindings::timeWaitBurstRunsThePortsOut()
{
    SKIP_UNLESS_RUNNABLE(u"time-wait-burst"_qs);
    MainWindow w;
    LabPanel *lab = w.labPanel();
    QSignalSpy finished(lab, &LabPanel::finished);
    startInPanel(w, u"time-wait-burst"_qs);
    nextStep(lab, 0); // the namespace: 200 ports, tcp_tw_reuse 0, a listener on port 5000
    KernelPage *table = w.labTabs()->namespaceTab();
    QVERIFY(table);
    QCOMPARE(w.tabs()->currentWidget(), table);
    const FindingsPanel *panel = table->findingsPanel();
    QVERIFY2(!findingOf(panel, "port-exhaustion"), qPrintable(describe(panel)));
    nextStep(lab, 1); // 150 short connections: 150 TIME_WAIT of 200 ports
    QTRY_VERIFY2_WITH_TIMEOUT(findingOf(panel, "port-exhaustion"), qPrintable(describe(panel)),
                              15000);
    const Finding warned = *findingOf(panel, "port-exhaustion");
    QVERIFY2(warned.level >= FindingLevel::Warning, qPrintable(describe(panel)));
    QVERIFY2(warned.subject.endsWith(u"127.0.0.1:5000"_qs), qPrintable(warned.subject));
    QCOMPARE(warned.number(u"ports"_qs), 200.0); // the namespace's range, not the host's
    QCOMPARE(warned.number(u"time_wait"_qs), 150.0);
    QCOMPARE(warned.number(u"tw_reuse_applies"_qs), 0.0);
    QCOMPARE(warned.fact(u"port_range"_qs), u"40000 40199"_qs);
    QVERIFY(listShows(panel, warned.subject));
    table->sourceViews()->side->setCurrentWidget(table->findingsPanel());
    screenshots(w, u"screenshot-lab-time-wait-burst"_qs);
    // The badge follows the table in front: the namespace's, one finding at warning or above.
    const FindingsBadge *badge = w.findChild<FindingsBadge *>(u"findingsBadge"_qs);
    QCOMPARE(badge->followed(), table);
    QTRY_COMPARE(badge->text(), u"\u26a0 1 finding, at warning level or above"_qs);
    w.tabs()->setCurrentWidget(w.kernelPage());
    QCOMPARE(badge->followed(), w.kernelPage());
    w.tabs()->setCurrentWidget(table);
    // The host's own table knows nothing of it.
    QVERIFY2(!findingOf(w.kernelPage()->findingsPanel(), "port-exhaustion"),
             qPrintable(describe(w.kernelPage()->findingsPanel())));
    nextStep(lab, 2); // the last 50 ports taken, then connect() fails with EADDRNOTAVAIL
    QTRY_VERIFY2_WITH_TIMEOUT(findingOf(panel, "port-exhaustion")
                                  && findingOf(panel, "port-exhaustion")->level
                                         == FindingLevel::Critical,
                              qPrintable(describe(panel)), 15000);
    QCOMPARE(findingOf(panel, "port-exhaustion")->number(u"time_wait"_qs), 200.0);
    QVERIFY(lab->isRunning()); // shown while the worker waits for Next
    nextStep(lab, 3);          // tcp_tw_reuse 1: connect() takes over an old TIME_WAIT
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QCOMPARE(finished.first().first().toBool(), true); // every step was seen
    // The worker is gone with its namespace: the namespace's findings clear.
    QTRY_VERIFY2_WITH_TIMEOUT(!findingOf(panel, "port-exhaustion"), qPrintable(describe(panel)),
                              15000);
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_labfindings"));
    TestLabFindings t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_labfindings.moc"
