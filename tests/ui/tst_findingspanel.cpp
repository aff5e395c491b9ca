// The Findings tab with a real leak: a server process that never closes gives a CLOSE_WAIT
// leak; clicking its line filters the table to exactly the sockets `ss` shows in CLOSE_WAIT on
// its port, opens its explanation and draws it on the chart; when the server goes, the line
// goes and the table shows everything again. With TCPSCOPE_SCREENSHOTS=DIR it also saves the
// page, in English (light) and Chinese (dark), for the README.
#include "diagnose/diagnosisrig.h"
#include "diagnose/findingformat.h"
#include "export/windowexport.h"
#include "formats/sessionfile.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "support/csvtext.h"
#include "support/loopsockets.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/findingspanel.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"
#include "widgets/thresholdsdialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace tcpscope;

class TestFindingsPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void clickingALeakShowsItsSockets();
    void findingsExportedAndSaved();
    void thresholdsDialog();
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

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// One exported finding (a JSON object, or a CSV record by its header) against the finding.
void checkRow(const Finding &f, const std::function<QJsonValue(const QString &)> &cell, bool csv)
{
    const auto text = [&](const QString &k) {
        return cell(k).toString();
    };
    const auto number = [&](const QString &k) {
        return csv ? text(k).toDouble() : cell(k).toDouble();
    };
    QCOMPARE(text(u"key"_qs), f.key);
    QCOMPARE(text(u"kind"_qs), QLatin1String(findingKindId(f.kind)));
    QCOMPARE(text(u"level"_qs), QLatin1String(findingLevelName(f.level)));
    QCOMPARE(text(u"subject"_qs), f.subject);
    QCOMPARE(number(u"pid"_qs), double(f.pid));
    QCOMPARE(text(u"state"_qs), rfcName(f.state));
    const QDateTime since = QDateTime::fromString(text(u"since"_qs), Qt::ISODateWithMs);
    QVERIFY(since.isValid() && text(u"since"_qs).endsWith(u'Z'));
    QVERIFY(std::abs(double(since.toMSecsSinceEpoch()) / 1000 - f.since) < 0.001);
    QCOMPARE(number(u"socket_count"_qs), double(f.sockets.size()));
    QStringList keys;
    for (std::uint64_t k : f.sockets)
        keys << QString::number(k);
    QCOMPARE(text(u"socket_keys"_qs), keys.join(u' '));
    QCOMPARE(text(u"line"_qs), findingLine(f, u"en"));
    for (const auto &[name, v] : f.numbers) {
        if (v == -1)
            QVERIFY(csv ? text(name).isEmpty() : cell(name).isNull());
        else
            QCOMPARE(number(name), v);
    }
    for (const auto &[name, v] : f.facts)
        QCOMPARE(text(name), v);
}

} // namespace

void TestFindingsPanel::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_findingspanel"));
    QSettings().remove(QStringLiteral("diagnosis"));
}

namespace {

ThresholdsDialog *openThresholds(FindingsPanel *panel)
{
    QTest::mouseClick(panel->thresholdsButton(), Qt::LeftButton);
    const auto dialogs = panel->findChildren<ThresholdsDialog *>();
    for (ThresholdsDialog *d : dialogs) {
        if (d->isVisible())
            return d;
    }
    return nullptr;
}

void clickOk(ThresholdsDialog *d)
{
    QTest::mouseClick(d->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
}

void typeInto(QAbstractSpinBox *box, const QString &text)
{
    box->setFocus();
    box->selectAll();
    QTest::keyClicks(box, text);
    QTest::keyClick(box, Qt::Key_Tab);
}

} // namespace

void TestFindingsPanel::thresholdsDialog()
{
    KernelPage page(false);
    page.resize(1200, 800);
    page.show();
    FindingsPanel *panel = page.findingsPanel();
    QSignalSpy changed(panel, &FindingsPanel::thresholdsChanged);
    ThresholdsDialog *d = openThresholds(panel);
    QVERIFY2(d, "Thresholds… opened no dialog");
    auto *count = qobject_cast<QSpinBox *>(d->field(QStringLiteral("close-wait-count")));
    auto *age = qobject_cast<QDoubleSpinBox *>(d->field(QStringLiteral("close-wait-age")));
    QVERIFY(count && age);
    QCOMPARE(count->value(), 10); // the defaults
    QCOMPARE(age->value(), 60.0);
    QCOMPARE(int(intThresholds().size() + doubleThresholds().size()),
             int(d->findChildren<QAbstractSpinBox *>().size())); // one field each
    typeInto(count, QStringLiteral("3"));
    typeInto(age, QStringLiteral("1"));
    screenshot(*d, "thresholds-en.png");
    clickOk(d);
    QTRY_VERIFY(!d->isVisible());
    QCOMPARE(changed.size(), 1);
    const auto sent = changed.at(0).at(0).value<DiagnosisThresholds>();
    QCOMPARE(sent.closeWaitCount, 3);
    QCOMPARE(sent.closeWaitAgeS, 1.0);
    QSettings settings;
    QCOMPARE(settings.value(QStringLiteral("diagnosis/close-wait-count")).toInt(), 3);
    QVERIFY(!settings.contains(QStringLiteral("diagnosis/port-warn-share"))); // still default
    QCOMPARE(thresholdsFromSettings().closeWaitCount, 3);

    // The saved thresholds at work: 4 CLOSE_WAIT, under the default 10, are a finding now.
    DiagnosisRig rig(thresholdsFromSettings());
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    ServerGuard server{startLeakyServer(listener)};
    for (int i = 0; i < 4; ++i)
        s.close(s.connect("127.0.0.1", port));
    QTRY_COMPARE(
        rig.ss(QStringLiteral("CLOSE-WAIT"), QStringLiteral("( sport = :%1 )").arg(port)).size(),
        4);
    rig.poll();
    QVERIFY(rig.find(FindingKind::CloseWaitBurst, server.pid)
            || rig.find(FindingKind::CloseWaitLeak, server.pid));

    // Opened again: what was saved; Restore defaults and OK: the settings forget them.
    d = openThresholds(panel);
    QVERIFY(d);
    QCOMPARE(qobject_cast<QSpinBox *>(d->field(QStringLiteral("close-wait-count")))->value(), 3);
    QTest::mouseClick(d->defaultsButton(), Qt::LeftButton);
    QCOMPARE(qobject_cast<QSpinBox *>(d->field(QStringLiteral("close-wait-count")))->value(), 10);
    UiLanguage::instance().set(QStringLiteral("zh"));
    applyTheme(QStringLiteral("dark"));
    screenshot(*d, "thresholds-zh-dark.png");
    UiLanguage::instance().set(QStringLiteral("en"));
    applyTheme(QStringLiteral("light"));
    clickOk(d);
    QCOMPARE(changed.size(), 2);
    QVERIFY(!QSettings().contains(QStringLiteral("diagnosis/close-wait-count")));
    QCOMPARE(thresholdsFromSettings().closeWaitCount, 10);
}

void TestFindingsPanel::findingsExportedAndSaved()
{
    DiagnosisThresholds t;
    t.closeWaitAgeS = 1;
    DiagnosisRig rig(t);
    LoopSockets s;
    const int listener = s.listen("127.0.0.1", 64);
    const int port = LoopSockets::port(listener);
    ServerGuard server{startLeakyServer(listener)};
    KernelPage page(false);
    page.resize(1200, 800);
    page.show();
    feed(page, rig);
    for (int i = 0; i < 12; ++i)
        s.close(s.connect("127.0.0.1", port));
    QTRY_COMPARE(
        rig.ss(QStringLiteral("CLOSE-WAIT"), QStringLiteral("( sport = :%1 )").arg(port)).size(),
        12);
    feed(page, rig);
    QTest::qWait(1200);
    feed(page, rig);
    const std::vector<Finding> shown = page.findingsPanel()->findings();
    const auto leak = std::find_if(shown.begin(), shown.end(), [&](const Finding &f) {
        return f.kind == FindingKind::CloseWaitLeak && f.pid == server.pid;
    });
    QVERIFY2(leak != shown.end(), "no leak to export");
    QCOMPARE(leak->number(u"count"_qs), 12.0);

    QTemporaryDir dir;
    QString error;
    const QString json = dir.filePath(QStringLiteral("findings.json"));
    const QString csv = dir.filePath(QStringLiteral("findings.csv"));
    QVERIFY2(exportData(page.exportTarget(), u"findings"_qs, json, &error), qPrintable(error));
    QVERIFY2(exportData(page.exportTarget(), u"findings"_qs, csv, &error), qPrintable(error));
    const QJsonArray rows = QJsonDocument::fromJson(readAll(json)).array();
    QCOMPARE(rows.size(), qsizetype(shown.size()));
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const QJsonObject o = rows[qsizetype(i)].toObject();
        checkRow(
            shown[i], [&](const QString &k) { return o.value(k); }, false);
        if (shown[i].pid == 0)
            QVERIFY(o.value(u"pid").isNull());
    }
    const std::vector<QStringList> records = parseCsv(readAll(csv));
    QCOMPARE(records.size(), shown.size() + 1);
    const QStringList header = records[0];
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const QStringList &r = records[i + 1];
        QCOMPARE(r.size(), header.size());
        checkRow(
            shown[i], [&](const QString &k) { return QJsonValue(r.value(header.indexOf(k))); },
            true);
    }

    // Saved in a session, reopened in another page: the Findings tab shows the same findings.
    const QString session = dir.filePath(QStringLiteral("s.pcapng"));
    const KernelTimeline saved = page.timeline();
    QVERIFY2(writeSessionFile(session, {}, &saved, &error), qPrintable(error));
    error.clear();
    const std::optional<KernelTimeline> back = readSessionTimeline(session, &error);
    QVERIFY2(back && error.isEmpty(), qPrintable(error));
    KernelPage reopened(false);
    reopened.showSession(*back, session);
    const std::vector<Finding> &again = reopened.findingsPanel()->findings();
    QCOMPARE(again.size(), shown.size());
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const Finding &a = shown[i], &b = again[i];
        QCOMPARE(b.key, a.key);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.level, a.level);
        QCOMPARE(b.subject, a.subject);
        QCOMPARE(b.pid, a.pid);
        QCOMPARE(b.state, a.state);
        QCOMPARE(b.since, a.since);
        QCOMPARE(b.numbers, a.numbers);
        QCOMPARE(b.facts, a.facts);
        QCOMPARE(b.sockets, a.sockets);
        QCOMPARE(b.history, a.history);
    }
    QCOMPARE(reopened.findingsPanel()->list()->topLevelItemCount(), int(shown.size()));
}

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
    // Its level, in bold, is not cut ("warning" was, at the first wave's fixed width).
    QFont bold = panel->list()->font();
    bold.setBold(true);
    QVERIFY2(
        QFontMetrics(bold).horizontalAdvance(item->text(0)) < panel->list()->columnWidth(0) - 8,
        qPrintable(
            QStringLiteral("%1 in %2 px").arg(item->text(0)).arg(panel->list()->columnWidth(0))));
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
    // Its evolution on the chart: the leaking process's CLOSE_WAIT over time, up to the 15.
    const Finding &selected =
        panel->findings()[std::size_t(panel->list()->indexOfTopLevelItem(item))];
    QVERIFY2(page.chart()->highlightName().endsWith(selected.subject),
             qPrintable(page.chart()->highlightName()));
    const std::vector<std::pair<double, double>> drawn = page.chart()->highlightValues();
    QVERIFY(!drawn.empty());
    QCOMPARE(drawn, selected.history);
    QCOMPARE(drawn.back().second, 15.0);
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
    QVERIFY2(page.chart()->highlightName().isEmpty(), qPrintable(page.chart()->highlightName()));
}

QTEST_MAIN(TestFindingsPanel)
#include "tst_findingspanel.moc"
