// tcpscope through a real Prometheus (Debian's `prometheus`, started here on a free loopback
// port with a storage directory of its own and a 1 s scrape interval): `tcpscope-cli serve`
// on loopback is scraped; after two scrapes a PromQL query returns the number of CLOSE_WAIT
// sockets this test holds, for this process (its process and pid labels); the Fleet tab
// (offscreen) shows that instance with the same count, and its history on the chart. Before
// the serve starts, the Fleet tab says the server has no tcpscope metrics and shows the
// instance down; a bad URL, a server that cannot be reached and one that is not Prometheus
// are said in the tab. promtool accepts the exposition, the shipped rules and the example
// config. Skipped (saying so) only when prometheus or promtool is not installed.
#include "mainwindow.h"
#include "models/fleetmodel.h"
#include "pages/fleetpage.h"
#include "pages/remotepage.h"
#include "support/loopsockets.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include <unistd.h>

using namespace tcpscope;

namespace {

const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
constexpr int kHeld = 7; // CLOSE_WAIT sockets this test holds

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

QByteArray httpGet(const QString &url, int *status = nullptr)
{
    QNetworkAccessManager nam;
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(5000);
    QNetworkReply *reply = nam.get(request);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(6000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    delete reply;
    return body;
}

// The result of an instant PromQL query: (labels, value) per series.
QList<QPair<QJsonObject, double>> promQuery(int port, const QString &promql, double time = 0)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), promql);
    if (time > 0)
        q.addQueryItem(QStringLiteral("time"), QString::number(time, 'f', 3));
    const QByteArray body = httpGet(QStringLiteral("http://127.0.0.1:%1/api/v1/query?%2")
                                        .arg(port)
                                        .arg(q.toString(QUrl::FullyEncoded)));
    QList<QPair<QJsonObject, double>> out;
    const QJsonObject top = QJsonDocument::fromJson(body).object();
    for (const QJsonValue &v : top[u"data"][u"result"].toArray()) {
        out.append({v[u"metric"].toObject(), v[u"value"].toArray().at(1).toString().toDouble()});
    }
    return out;
}

int runTool(const QStringList &args, const QByteArray &input, QString *output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("promtool"), args);
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(20000);
    *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// Waits (processing events) until `ok` holds or `ms` pass.
template<typename F>
bool waitFor(F ok, int ms)
{
    for (int waited = 0; waited < ms; waited += 250) {
        if (ok())
            return true;
        QTest::qWait(250);
    }
    return ok();
}

} // namespace

class TestPrometheus : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void fleetSaysNoMetricsBeforeServe();
    void serveIsScraped();
    void exposition();
    void fleetShowsTheInstance();
    void fleetErrors();
    void shippedRulesAndConfig();

private:
    void stop(QProcess &p);
    void screenshots(MainWindow &window, FleetPage &page);

    QTemporaryDir m_dir;
    QProcess m_prometheus, m_serve;
    LoopSockets m_sockets;
    int m_promPort = 0, m_servePort = 0;
    QString m_instance;
};

void TestPrometheus::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    if (QStandardPaths::findExecutable(QStringLiteral("prometheus")).isEmpty()
        || QStandardPaths::findExecutable(QStringLiteral("promtool")).isEmpty())
        QSKIP("prometheus or promtool is not installed (Debian: apt-get install prometheus)");
    QVERIFY(m_dir.isValid());
    // CLOSE_WAIT: each client closes, the accepted end (ours) never does.
    const int l = m_sockets.listen("127.0.0.1", kHeld + 4);
    QVERIFY(l >= 0);
    std::vector<int> clients;
    for (int i = 0; i < kHeld; ++i) {
        const int c = m_sockets.connect("127.0.0.1", LoopSockets::port(l));
        QVERIFY(c >= 0);
        QVERIFY(m_sockets.accept(l) >= 0);
        clients.push_back(c);
    }
    for (int c : clients)
        m_sockets.close(c);

    m_servePort = freePort();
    m_promPort = freePort();
    m_instance = QStringLiteral("127.0.0.1:%1").arg(m_servePort);
    QFile config(m_dir.filePath(QStringLiteral("prometheus.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                "scrape_configs:\n  - job_name: tcpscope\n    static_configs:\n"
                                "      - targets: ['%1']\n")
                     .arg(m_instance)
                     .toUtf8());
    config.close();
    m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
    m_prometheus.setStandardOutputFile(m_dir.filePath(QStringLiteral("prometheus.log")));
    m_prometheus.start(QStringLiteral("prometheus"),
                       {u"--config.file="_qs + config.fileName(),
                        u"--storage.tsdb.path="_qs + m_dir.filePath(QStringLiteral("data")),
                        QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_promPort)});
    QVERIFY(m_prometheus.waitForStarted());
    const bool ready = waitFor(
        [this] {
            int status = 0;
            httpGet(QStringLiteral("http://127.0.0.1:%1/-/ready").arg(m_promPort), &status);
            return status == 200;
        },
        30000);
    QVERIFY2(ready, "prometheus did not become ready (see prometheus.log)");
}

void TestPrometheus::stop(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished();
    }
}

void TestPrometheus::cleanupTestCase()
{
    stop(m_serve);
    stop(m_prometheus);
}

void TestPrometheus::fleetSaysNoMetricsBeforeServe()
{
    // Prometheus scrapes the serve's port before anything listens there: up == 0.
    QVERIFY(waitFor([this] { return !promQuery(m_promPort, u"up == 0"_qs).isEmpty(); }, 20000));
    FleetPage page;
    QSignalSpy refreshed(&page, &FleetPage::refreshed);
    QVERIFY(page.setServer(QStringLiteral("http://127.0.0.1:%1").arg(m_promPort)));
    QVERIFY(refreshed.wait(10000));
    QVERIFY2(page.hasError(), qPrintable(page.statusText()));
    QVERIFY2(page.statusText().contains(u"no tcpscope metrics"_qs), qPrintable(page.statusText()));
    const FleetInstance *down = page.model()->find(m_instance);
    QVERIFY(down);
    QVERIFY(!down->up);
}

void TestPrometheus::serveIsScraped()
{
    m_serve.setProcessChannelMode(QProcess::SeparateChannels);
    m_serve.start(kCli, {u"serve"_qs, u"--listen"_qs, m_instance, u"--interval"_qs, u"500"_qs,
                         u"--top"_qs, u"50"_qs});
    QVERIFY(m_serve.waitForStarted());
    QVERIFY(waitFor([this] { return m_serve.readAllStandardError().contains("/metrics"); }, 10000));
    // After two scrapes of this process's CLOSE_WAIT, the query returns how many it holds.
    const QString mine = QStringLiteral("tcpscope_close_wait_sockets{process=\"tst_prometheus\","
                                        "pid=\"%1\"}")
                             .arg(::getpid());
    const bool twoScrapes = waitFor(
        [&] {
            const auto r = promQuery(m_promPort, u"count_over_time("_qs + mine + u"[1m])"_qs);
            return !r.isEmpty() && r.first().second >= 2;
        },
        30000);
    QVERIFY2(twoScrapes, "prometheus has not scraped tcpscope-cli serve twice in 30 s");
    const auto r = promQuery(m_promPort, mine);
    QCOMPARE(r.size(), 1);
    QCOMPARE(r.first().second, double(kHeld));
    QCOMPARE(r.first().first[u"instance"].toString(), m_instance);
    QCOMPARE(r.first().first[u"job"].toString(), u"tcpscope"_qs);
    // The whole host has at least these.
    const auto all = promQuery(m_promPort, u"tcpscope_sockets{state=\"CLOSE_WAIT\"}"_qs);
    QCOMPARE(all.size(), 1);
    QVERIFY(all.first().second >= kHeld);
}

void TestPrometheus::exposition()
{
    int status = 0;
    const QByteArray text = httpGet(QStringLiteral("http://%1/metrics").arg(m_instance), &status);
    QCOMPARE(status, 200);
    QVERIFY(text.contains("# TYPE tcpscope_sockets gauge"));
    QVERIFY(text.contains("# TYPE tcpscope_netstat_tcpext_listenoverflows_total counter"));
    QVERIFY(text.contains("tcpscope_poll_duration_seconds{phase=\"dump\"}"));
    QString out;
    QCOMPARE(runTool({u"check"_qs, u"metrics"_qs}, text, &out), 0);
    // promtool can fail: a camelCase name or a counter without _total is a lint error.
    QVERIFY(runTool({u"check"_qs, u"metrics"_qs},
                    "# HELP x_Total a\n# TYPE x_Total counter\nx_Total 1\n", &out)
            != 0);
    httpGet(QStringLiteral("http://%1/nothing").arg(m_instance), &status);
    QCOMPARE(status, 404);
}

void TestPrometheus::fleetShowsTheInstance()
{
    MainWindow window(false);
    window.resize(1280, 820);
    window.show();
    FleetPage *page = window.showFleet(QStringLiteral("http://127.0.0.1:%1").arg(m_promPort));
    QCOMPARE(window.tabs()->currentWidget(), page);
    QSignalSpy history(page, &FleetPage::historyShown);
    const auto holder = [&]() -> int {
        const FleetInstance *f = page->model()->find(m_instance);
        if (!f || !f->up)
            return -1;
        for (const FleetInstance::Holder &h : f->closeWait) {
            if (h.process == u"tst_prometheus" && h.pid == ::getpid())
                return h.count;
        }
        return -1;
    };
    QVERIFY2(waitFor([&] { return holder() >= 0; }, 15000), qPrintable(page->statusText()));
    QVERIFY2(!page->hasError(), qPrintable(page->statusText()));
    QCOMPARE(holder(), kHeld);
    // The row's CLOSE_WAIT count is what Prometheus says at the same evaluation time.
    const int row = page->model()->rowOf(m_instance);
    const int cw =
        page->model()->index(row, FleetModel::stateColumn(TcpState::CloseWait)).data().toInt();
    const auto same = promQuery(
        m_promPort,
        QStringLiteral("tcpscope_sockets{state=\"CLOSE_WAIT\",instance=\"%1\"}").arg(m_instance),
        page->lastQueryTime());
    QCOMPARE(same.size(), 1);
    QCOMPARE(cw, int(same.first().second));
    QVERIFY(cw >= kHeld);
    QVERIFY(page->model()->index(row, FleetModel::Findings).data().isValid());
    // Its history is on the chart (the only instance: shown without a click; a click too).
    QVERIFY(history.count() > 0 || history.wait(10000));
    QCOMPARE(page->historyInstance(), m_instance);
    QVERIFY(page->chart()->sampleCount() >= 1);
    // A click on the row asks for it again.
    history.clear();
    const QModelIndex cell = page->table()->model()->index(0, FleetModel::Instance);
    QTest::mouseClick(page->table()->viewport(), Qt::LeftButton, {},
                      page->table()->visualRect(cell).center());
    QVERIFY(history.wait(10000));
    QCOMPARE(history.first().first().toString(), m_instance);
    QVERIFY(page->chart()->samples().back().second[std::size_t(index(TcpState::CloseWait))]
            >= kHeld);
    // Its context menu's "Open live tab over SSH": the window opens that host's remote tab
    // (the ssh program is /bin/false here: only the tab is checked, no connection is made).
    qputenv("TCPSCOPE_SSH", "/bin/false");
    const int tabs = window.tabs()->count();
    Q_EMIT page->openRemoteRequested(u"127.0.0.1"_qs);
    QCOMPARE(window.tabs()->count(), tabs + 1);
    QVERIFY(qobject_cast<RemotePage *>(window.tabs()->currentWidget()));
    QVERIFY(window.tabs()->tabToolTip(window.tabs()->currentIndex()).contains(u"127.0.0.1"));
    window.tabs()->setCurrentWidget(page);
    screenshots(window, *page);
}

// With TCPSCOPE_SCREENSHOTS=DIR: 40 s more of traffic (connections opened, some closed into
// TIME_WAIT, some left in CLOSE_WAIT), then the Fleet tab in English (light) and Chinese (dark).
void TestPrometheus::screenshots(MainWindow &window, FleetPage &page)
{
    const QString dir = QString::fromLocal8Bit(qgetenv("TCPSCOPE_SCREENSHOTS"));
    if (dir.isEmpty())
        return;
    const int l = m_sockets.listen("127.0.0.1", 64);
    for (int second = 0; second < 40; ++second) {
        for (int i = 0; i < 1 + second % 4; ++i) {
            const int c = m_sockets.connect("127.0.0.1", LoopSockets::port(l));
            const int a = m_sockets.accept(l);
            if (second % 3 == 0)
                m_sockets.close(c); // the server's end stays in CLOSE_WAIT
            else if (second % 3 == 1) {
                m_sockets.close(c); // the client closes first: TIME_WAIT on its side
                LoopSockets::drainToEof(a, 500);
                m_sockets.close(a);
            }
        }
        QTest::qWait(1000);
    }
    QSignalSpy history(&page, &FleetPage::historyShown);
    page.chart()->setLogScale(true); // other tests' bursts on this host beside our dozens
    page.refresh();
    QVERIFY(history.wait(10000));
    QTest::qWait(500);
    QVERIFY(window.grab().save(dir + u"/screenshot-fleet-en-light.png"_qs));
    applyTheme(QStringLiteral("dark"));
    UiLanguage::instance().set(QStringLiteral("zh"));
    page.refresh();
    QVERIFY(history.wait(10000));
    QTest::qWait(500);
    QVERIFY(window.grab().save(dir + u"/screenshot-fleet-zh-dark.png"_qs));
    UiLanguage::instance().set(QStringLiteral("en"));
    applyTheme(QStringLiteral("light"));
}

void TestPrometheus::fleetErrors()
{
    FleetPage page;
    QSignalSpy refreshed(&page, &FleetPage::refreshed);
    QVERIFY(!page.setServer(u"ftp://example.net"_qs));
    QVERIFY(page.hasError());
    QVERIFY2(page.statusText().contains(u"http://"_qs), qPrintable(page.statusText()));

    refreshed.clear();
    QVERIFY(page.setServer(QStringLiteral("127.0.0.1:%1").arg(freePort()))); // nothing there
    QVERIFY(refreshed.wait(10000));
    QVERIFY(page.hasError());
    QVERIFY2(page.statusText().contains(u"Cannot reach"_qs), qPrintable(page.statusText()));

    refreshed.clear();
    QVERIFY(page.setServer(u"http://"_qs + m_instance)); // tcpscope-cli serve: not Prometheus
    QVERIFY(refreshed.wait(10000));
    QVERIFY(page.hasError());
    QVERIFY2(page.statusText().contains(u"does not answer as a Prometheus server"_qs),
             qPrintable(page.statusText()));
    QCOMPARE(page.model()->rowCount(), 0);
}

void TestPrometheus::shippedRulesAndConfig()
{
    const QString dir = QStringLiteral(TCPSCOPE_SOURCE_DIR "/docs/prometheus/");
    QString out;
    QCOMPARE(runTool({u"check"_qs, u"rules"_qs, dir + u"tcpscope-rules.yml"_qs}, {}, &out), 0);
    QVERIFY2(out.contains(u"SUCCESS"_qs), qPrintable(out));
    QCOMPARE(runTool({u"check"_qs, u"config"_qs, dir + u"prometheus.yml"_qs}, {}, &out), 0);
    // Every rule's expression names metrics serve exposes.
    QFile rules(dir + u"tcpscope-rules.yml"_qs);
    QVERIFY(rules.open(QIODevice::ReadOnly));
    const QByteArray text = httpGet(QStringLiteral("http://%1/metrics").arg(m_instance));
    for (const char *metric :
         {"tcpscope_close_wait_sockets", "tcpscope_finding",
          "tcpscope_netstat_tcpext_listenoverflows_total", "tcpscope_findings"})
        QVERIFY2(text.contains(QByteArray("# TYPE ") + metric + ' '), metric);
}

QTEST_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
