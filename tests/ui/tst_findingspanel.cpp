// The Findings tab with a real leak: a server process that never closes gives a CLOSE_WAIT
// leak; clicking its line filters the table to exactly the sockets `ss` shows in CLOSE_WAIT on
// its port, opens its explanation and draws it on the chart; when the server goes, the line
// goes and the table shows everything again. With TCPSCOPE_SCREENSHOTS=DIR it also saves the
// page, in English (light) and Chinese (dark), for the README.
#include "diagnose/diagnosisrig.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/findingspanel.h"
#include "widgets/teachingpanel.h"

#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>

using namespace tcpscope;

class TestFindingsPanel : public QObject
{
    Q_OBJECT
private slots:
    void clickingALeakShowsItsSockets();
};

namespace {

void feed(KernelPage &page, DiagnosisRig &rig)
{
    KernelPollBatch batch = pollBatch(rig.table);
    batch.findings = std::make_shared<const std::vector<Finding>>(rig.engine.addPoll(batch));
    page.applyBatch(batch);
}

void screenshot(QWidget &w, const char *name)
{
    const QByteArray dir = qgetenv("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(200);
    QVERIFY(w.grab().save(QString::fromLocal8Bit(dir) + u'/' + QLatin1String(name)));
}

} // namespace

void TestFindingsPanel::clickingALeakShowsItsSockets()
{
    DiagnosisThresholds t;
    t.closeWaitAgeS = 1;
    DiagnosisRig rig(t);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    ServerGuard server{startLeakyServer(listener)};

    KernelPage page(false);
    page.resize(1500, 950);
    page.show();
    QSignalSpy counts(&page, &KernelPage::findingsChanged);
    feed(page, rig);
    for (int i = 0; i < 15; ++i) {
        const int fd = s.connect("127.0.0.1", port);
        if (i % 3 == 0)
            QCOMPARE(::write(fd, "GET / HTTP/1.0\r\n\r\n", 18), 18);
        s.close(fd);
    }
    const QString filter = QStringLiteral("( sport = :%1 )").arg(port);
    QTRY_COMPARE(rig.ss(QStringLiteral("CLOSE-WAIT"), filter).size(), 15);
    feed(page, rig);
    QTest::qWait(1200);
    feed(page, rig);

    FindingsPanel *panel = page.findingsPanel();
    QTreeWidgetItem *item = nullptr;
    for (int i = 0; i < panel->list()->topLevelItemCount(); ++i) {
        const Finding &f = panel->findings()[std::size_t(i)];
        if (f.kind == FindingKind::CloseWaitLeak && f.pid == server.pid)
            item = panel->list()->topLevelItem(i);
    }
    QVERIFY2(item, "no CLOSE_WAIT leak line for the server");
    QVERIFY(counts.size() >= 3);
    QVERIFY(counts.last().at(1).toInt() >= 1); // the badge: at least one warning
    QTabWidget *side = page.sourceViews()->side;
    side->setCurrentWidget(panel);
    QVERIFY(side->tabText(side->indexOf(panel)).startsWith(u"Findings ("));
    const QRect r = panel->list()->visualItemRect(item);
    QTest::mouseClick(panel->list()->viewport(), Qt::LeftButton, {}, r.center());

    // The table shows exactly the sockets ss shows in CLOSE_WAIT on the server's port.
    QSet<quint64> cookies;
    for (const SsSocket &x : rig.ss(QStringLiteral("CLOSE-WAIT"), filter))
        cookies.insert(x.cookie);
    QCOMPARE(page.proxy()->rowCount(), int(cookies.size()));
    for (int row = 0; row < page.proxy()->rowCount(); ++row)
        QVERIFY(cookies.contains(
            page.proxy()->index(row, 0).data(KernelSocketModel::KeyRole).toULongLong()));
    QCOMPARE(page.sourceViews()->teaching->topic(), QStringLiteral("finding:close-wait-leak"));
    QVERIFY(page.sourceViews()->teaching->toPlainText().contains(
        QStringLiteral("grep 'pid=%1,'").arg(server.pid)));
    screenshot(page, "screenshot-findings-en-light.png");

    applyTheme(QStringLiteral("dark"));
    UiLanguage::instance().set(QStringLiteral("zh"));
    feed(page, rig);
    QVERIFY(page.sourceViews()->teaching->toPlainText().contains(u"CLOSE_WAIT 泄漏"));
    side->setCurrentWidget(panel);
    screenshot(page, "screenshot-findings-zh-dark.png");
    side->setCurrentWidget(page.sourceViews()->teaching);
    screenshot(page, "screenshot-findings-zh-dark-explained.png");
    UiLanguage::instance().set(QStringLiteral("en"));
    applyTheme(QStringLiteral("light"));

    // The sockets closed: the line clears and the table shows every socket again.
    const pid_t pid = server.pid;
    server.stop();
    QTRY_COMPARE(rig.ss(QStringLiteral("CLOSE-WAIT"), filter).size(), 0);
    feed(page, rig);
    for (const Finding &f : panel->findings())
        QVERIFY(!(f.kind == FindingKind::CloseWaitLeak && f.pid == pid));
    QVERIFY(!page.proxy()->filtersByKeys());
    QCOMPARE(page.proxy()->rowCount(), page.model()->rowCount());
}

QTEST_MAIN(TestFindingsPanel)
#include "tst_findingspanel.moc"
