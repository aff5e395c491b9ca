// The /metrics text from a real poll of the kernel's table while this test holds CLOSE_WAIT
// sockets on a listener of its own: its process's count, its port's states, the findings of a
// real diagnosis, the bounds (top processes, ports, findings) folding the rest into "other",
// the text format's escaping and numbers, and promtool's verdict on all of it.
#include "diagnose/diagnosisengine.h"
#include "formats/metricsexposition.h"
#include "formats/prometheustext.h"
#include "support/loopsockets.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <unistd.h>

using namespace tcpscope;

namespace {
constexpr int kHeld = 5;

// The value of the sample `line` starts with ("name{labels}"), or -1.
double sampleValue(const std::string &text, const QString &series)
{
    for (const QString &line : QString::fromStdString(text).split(u'\n')) {
        if (line.startsWith(series + u' '))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

int promtool(const std::string &text, QString *out)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("promtool"), {u"check"_qs, u"metrics"_qs});
    p.write(text.data(), qint64(text.size()));
    p.closeWriteChannel();
    p.waitForFinished(20000);
    *out = QString::fromUtf8(p.readAll());
    return p.exitCode();
}
} // namespace

class TestMetricsExposition : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void heldCloseWaitCounted();
    void boundsFoldIntoOther();
    void findingsAsGauges();
    void beforeTheFirstPoll();
    void textFormat();

private:
    LoopSockets m_sockets;
    int m_port = 0;
    KernelTable m_table;
    KernelPollBatch m_batch;
    QString m_name; // this process's command name as /proc says it
};

void TestMetricsExposition::initTestCase()
{
    const int l = m_sockets.listen("127.0.0.1", 16);
    QVERIFY(l >= 0);
    m_port = LoopSockets::port(l);
    for (int i = 0; i < kHeld; ++i) {
        const int c = m_sockets.connect("127.0.0.1", m_port);
        QVERIFY(c >= 0 && m_sockets.accept(l) >= 0);
        m_sockets.close(c); // the peer closes; the accepted end stays in CLOSE_WAIT
    }
    QFile comm(QStringLiteral("/proc/self/comm"));
    QVERIFY(comm.open(QIODevice::ReadOnly));
    m_name = QString::fromUtf8(comm.readAll()).trimmed();
    for (int i = 0; i < 20; ++i) { // the FINs are on loopback: one poll or two
        m_batch = pollBatch(m_table);
        int mine = 0;
        for (const auto &r : *m_batch.rows) {
            if (r.row.alive() && r.row.record.state == TcpState::CloseWait
                && r.row.record.localPort == m_port)
                ++mine;
        }
        if (mine == kHeld)
            return;
        QThread::msleep(50);
    }
    QFAIL("the held sockets never reached CLOSE_WAIT");
}

void TestMetricsExposition::heldCloseWaitCounted()
{
    MetricsSource source;
    source.last = &m_batch;
    source.polls = 1;
    source.counters = readNetstatCounters();
    std::string text;
    writeMetrics(text, source, {});
    const QString mine = QStringLiteral("tcpscope_close_wait_sockets{process=\"%1\",pid=\"%2\"}")
                             .arg(m_name)
                             .arg(::getpid());
    QCOMPARE(sampleValue(text, mine), double(kHeld));
    const QString port = QStringLiteral("tcpscope_listener_sockets{port=\"%1\",state=\"%2\"}");
    QCOMPARE(sampleValue(text, port.arg(m_port).arg(u"CLOSE_WAIT"_qs)), double(kHeld));
    QCOMPARE(sampleValue(text, port.arg(m_port).arg(u"LISTEN"_qs)), 1.0);
    QCOMPARE(sampleValue(text, u"tcpscope_sockets{state=\"CLOSE_WAIT\"}"_qs),
             double(m_batch.counts[std::size_t(index(TcpState::CloseWait))]));
    QCOMPARE(sampleValue(text, u"tcpscope_listener_accept_queue_limit{port=\"%1\"}"_qs.arg(m_port)),
             16.0);
    // The counters under node_exporter's names, lower case, as counters.
    QVERIFY(text.find("# TYPE tcpscope_netstat_tcpext_listenoverflows_total counter\n")
            != std::string::npos);
    QCOMPARE(netstatMetricName(u"TcpExt.TCPTimeWaitOverflow"_qs),
             std::string("tcpscope_netstat_tcpext_tcptimewaitoverflow_total"));
    if (QStandardPaths::findExecutable(QStringLiteral("promtool")).isEmpty())
        QSKIP("promtool is not installed: the text is not linted");
    QString out;
    QVERIFY2(promtool(text, &out) == 0, qPrintable(out));
}

void TestMetricsExposition::boundsFoldIntoOther()
{
    MetricsSource source;
    source.last = &m_batch;
    MetricsOptions none;
    none.topProcesses = 0;
    none.maxPorts = 0;
    std::string text;
    writeMetrics(text, source, none);
    QVERIFY(text.find("pid=\"") == std::string::npos); // no process has a series of its own
    QVERIFY(sampleValue(text, u"tcpscope_close_wait_sockets{process=\"other\"}"_qs) >= kHeld);
    static const QRegularExpression numericPort(u"tcpscope_listener_sockets\\{port=\"\\d"_qs);
    QVERIFY(!QString::fromStdString(text).contains(numericPort));
    QVERIFY(sampleValue(text, u"tcpscope_listener_sockets{port=\"other\",state=\"CLOSE_WAIT\"}"_qs)
            >= kHeld);
}

void TestMetricsExposition::findingsAsGauges()
{
    DiagnosisThresholds t;
    t.closeWaitCount = kHeld; // our five: a finding (young: a burst, at info level)
    DiagnosisEngine engine(t);
    KernelPollBatch batch = m_batch;
    batch.findings = std::make_shared<const std::vector<Finding>>(engine.addPoll(batch));
    const auto ours = std::find_if(batch.findings->begin(), batch.findings->end(),
                                   [](const Finding &f) { return f.pid == ::getpid(); });
    QVERIFY(ours != batch.findings->end());
    MetricsSource source;
    source.last = &batch;
    std::string text;
    writeMetrics(text, source, {});
    const QString subject = ours->subject;
    const QString series =
        QStringLiteral("tcpscope_finding{kind=\"%1\",level=\"%2\",subject=\"%3\"}")
            .arg(QLatin1String(findingKindId(ours->kind)),
                 QLatin1String(findingLevelName(ours->level)), subject);
    QCOMPARE(sampleValue(text, series), double(kHeld));
    QVERIFY(sampleValue(text, u"tcpscope_findings{level=\"%1\"}"_qs.arg(
                                  QLatin1String(findingLevelName(ours->level))))
            >= 1);
    MetricsOptions bounded;
    bounded.maxFindings = 0;
    text.clear();
    writeMetrics(text, source, bounded);
    QVERIFY(text.find("tcpscope_finding{") == std::string::npos);
    QVERIFY(text.find("tcpscope_findings{level=") != std::string::npos);
}

void TestMetricsExposition::beforeTheFirstPoll()
{
    MetricsSource source; // no poll yet
    std::string text;
    writeMetrics(text, source, {});
    QVERIFY(text.find("tcpscope_build_info{version=") != std::string::npos);
    QVERIFY(text.find("tcpscope_polls_total 0\n") != std::string::npos);
    QVERIFY(text.find("tcpscope_sockets") == std::string::npos);
}

void TestMetricsExposition::textFormat()
{
    std::string text;
    PrometheusText m(text);
    m.family("x_y", "gauge", "help");
    m.sample("x_y", {{"a", u"q\"b\\s\nn"_qs}, {"b", u"中"_qs}}, 0.5);
    m.sample("x_y", 1e20);
    m.sample("x_y", std::nan(""));
    m.sample("x_y", -std::numeric_limits<double>::infinity());
    m.sample("x_y", 42);
    QCOMPARE(QString::fromStdString(text),
             u"# HELP x_y help\n# TYPE x_y gauge\n"
             "x_y{a=\"q\\\"b\\\\s\\nn\",b=\"中\"} 0.5\nx_y 1e+20\nx_y NaN\nx_y -Inf\nx_y 42\n"_qs);
}

QTEST_GUILESS_MAIN(TestMetricsExposition)
#include "tst_metricsexposition.moc"
