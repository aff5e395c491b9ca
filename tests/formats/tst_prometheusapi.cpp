// The Prometheus API's answers as a real Prometheus 2.42 (Debian 12) gave them, scraping
// `tcpscope-cli serve` (tests/data/prometheus/, recorded with curl during tst_prometheus): the
// instant vectors of the Fleet tab's four queries, a range matrix, a scalar (not asked for) and
// a PromQL error, read into series and into the Fleet table's rows.
#include "formats/prometheusapi.h"

#include <QFile>
#include <QTest>

using namespace tcpscope;

namespace {
PromResponse recorded(const char *name)
{
    QFile f(QStringLiteral(TCPSCOPE_TEST_DATA "/prometheus/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return parsePrometheusResponse(f.readAll());
}
} // namespace

class TestPrometheusApi : public QObject
{
    Q_OBJECT
private slots:
    void instantVector();
    void fleetRows();
    void rangeMatrix();
    void errors();
    void hostsAndStrings_data();
    void hostsAndStrings();
};

void TestPrometheusApi::instantVector()
{
    const PromResponse r = recorded("query-sockets.json");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(int(r.series.size()), kTcpStateCount); // one per state, zeros included
    for (const PromSeries &s : r.series) {
        QCOMPARE(s.labels.value(u"__name__"_qs), u"tcpscope_sockets"_qs);
        QCOMPARE(s.labels.value(u"job"_qs), u"tcpscope"_qs);
        QVERIFY(parseTcpState(s.labels.value(u"state"_qs)).has_value());
        QCOMPARE(int(s.values.size()), 1);
        QVERIFY(s.values.front().first > 1.7e9); // a time in seconds since the epoch
    }
}

void TestPrometheusApi::fleetRows()
{
    const PromResponse sockets = recorded("query-sockets.json");
    const std::vector<FleetInstance> rows =
        fleetInstances(sockets, recorded("query-findings.json"), recorded("query-closewait.json"),
                       recorded("query-up.json"));
    QCOMPARE(int(rows.size()), 1);
    const FleetInstance &f = rows.front();
    QCOMPARE(f.instance, sockets.series.front().labels.value(u"instance"_qs));
    QVERIFY(f.up);
    QVERIFY(f.hasCounts);
    int total = 0;
    for (const PromSeries &s : sockets.series)
        total += int(s.values.front().second);
    QCOMPARE(f.total(), total);
    QCOMPARE(f.counts[std::size_t(index(TcpState::CloseWait))], 8);
    QCOMPARE(int(f.closeWait.size()), 1);
    QCOMPARE(f.closeWait.front().process, u"tst_prometheus"_qs);
    QCOMPARE(f.closeWait.front().pid, 19228);
    QCOMPARE(f.closeWait.front().count, 8);
    QCOMPARE(f.findings[0] + f.findings[1] + f.findings[2] >= 0, true);
    // Without tcpscope metrics the job's down target is still a row (up is all there is).
    const PromResponse empty = parsePrometheusResponse(
        R"({"status":"success","data":{"resultType":"vector","result":[]}})");
    const auto down = fleetInstances(empty, empty, empty, recorded("query-up.json"));
    QCOMPARE(int(down.size()), 1);
    QVERIFY(!down.front().hasCounts);
}

void TestPrometheusApi::rangeMatrix()
{
    const PromResponse r = recorded("range-states.json");
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(!r.series.empty());
    const auto samples = stateHistory(r);
    QVERIFY(!samples.empty());
    for (std::size_t i = 1; i < samples.size(); ++i)
        QVERIFY(samples[i].first > samples[i - 1].first);
    // Each sample holds every state's value at that time.
    for (const PromSeries &s : r.series) {
        const auto state = parseTcpState(s.labels.value(u"state"_qs));
        QVERIFY(state);
        for (const auto &[t, v] : s.values) {
            const auto it = std::find_if(samples.begin(), samples.end(),
                                         [t = t](const auto &x) { return x.first == t; });
            QVERIFY(it != samples.end());
            QCOMPARE(it->second[std::size_t(index(*state))], int(v));
        }
    }
}

void TestPrometheusApi::errors()
{
    const PromResponse bad = recorded("query-bad.json");
    QVERIFY(!bad.ok);
    QVERIFY2(bad.error.startsWith(u"bad_data: "_qs), qPrintable(bad.error));
    QVERIFY(bad.error.contains(u"unclosed left parenthesis"_qs));
    const PromResponse scalar = recorded("query-scalar.json");
    QVERIFY(!scalar.ok);
    QVERIFY(scalar.error.contains(u"scalar"_qs));
    const PromResponse html = parsePrometheusResponse("<html>404 page not found</html>");
    QVERIFY(!html.ok);
    QVERIFY(html.error.contains(u"not an answer"_qs));
}

void TestPrometheusApi::hostsAndStrings_data()
{
    QTest::addColumn<QString>("instance");
    QTest::addColumn<QString>("host");
    QTest::newRow("name:port") << u"db1.example.net:9464"_qs << u"db1.example.net"_qs;
    QTest::newRow("v4:port") << u"127.0.0.1:9464"_qs << u"127.0.0.1"_qs;
    QTest::newRow("[v6]:port") << u"[::1]:9464"_qs << u"::1"_qs;
    QTest::newRow("bare name") << u"db1"_qs << u"db1"_qs;
}

void TestPrometheusApi::hostsAndStrings()
{
    QFETCH(QString, instance);
    QFETCH(QString, host);
    QCOMPARE(instanceHost(instance), host);
    QCOMPARE(promqlString(u"a\"b\\c"_qs), u"\"a\\\"b\\\\c\""_qs);
}

QTEST_GUILESS_MAIN(TestPrometheusApi)
#include "tst_prometheusapi.moc"
