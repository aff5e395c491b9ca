// Simultaneous close and simultaneous open, traced, against libbpf-tools' `tcpstates` run
// alongside: the Lab's own choreography (scenario "simultaneous": a network namespace whose
// lo holds the FINs, then the SYNs, in its queue until both ends have sent theirs), the trace
// helper started inside that namespace. Every socket's transitions must equal tcpstates'
// lines one for one and in order (a minisocket's entry is tcpstates' "X -> CLOSE"), and be
// the textbook's: FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both ends, SYN_SENT -> SYN_RECEIVED
// -> ESTABLISHED on both ends. Root only (namespaces, nftables, BPF): skipped otherwise.
#include "kernel/tracestream.h"
#include "lab/labscenario.h"
#include "support/tracefs.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

using namespace tcpscope;

namespace {

QString linuxName(int s)
{
    static const char *names[] = {
        "?",     "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};
    return s >= 0 && s <= 12 ? QString::fromLatin1(names[s]) : QStringLiteral("?");
}

// "127.0.0.1:40000 → 127.0.0.1:8080" → {40000, 8080}
std::pair<quint16, quint16> portsOf(const QString &described)
{
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral(":(\\d+) → [0-9.]+:(\\d+)")).match(described);
    return {quint16(m.captured(1).toUInt()), quint16(m.captured(2).toUInt())};
}

} // namespace

class TestTraceSimultaneous : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void closeAndOpenMatchTcpstates();

private:
    QStringList tcpstatesSteps(std::pair<quint16, quint16> ports) const;
    QStringList ourSteps(std::pair<quint16, quint16> ports, bool asTcpstates) const;
    void pump(int ms);

    QString m_tcpstatesPath;
    QProcess m_tcpstates;
    QString m_tcpstatesText;
    qsizetype m_tcpstatesFrom = 0; // what it printed before our trace began is not compared
    TraceStream m_trace;
    std::vector<TracedEvent> m_events;
};

void TestTraceSimultaneous::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: a network namespace with nftables rules, and BPF for the trace");
    if (!QFile::exists(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    m_tcpstatesPath = QStandardPaths::findExecutable(
        QStringLiteral("tcpstates"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    if (m_tcpstatesPath.isEmpty())
        QSKIP("tcpstates (Debian: libbpf-tools) is not installed: no ground truth");
    if (QStandardPaths::findExecutable(QStringLiteral("nft")).isEmpty())
        QSKIP("nft (nftables) is not installed: the scenario holds packets with it");
    if (!ensureTracefs())
        QSKIP("tracefs is not mounted and cannot be: tcpstates attaches through it");
    m_tcpstates.setProgram(QStringLiteral("stdbuf"));
    m_tcpstates.setArguments({QStringLiteral("-oL"), m_tcpstatesPath, QStringLiteral("-w")});
    m_tcpstates.start();
    QVERIFY(m_tcpstates.waitForStarted());
    QElapsedTimer t;
    t.start();
    while (!m_tcpstatesText.contains(u'\n') && t.elapsed() < 60000)
        pump(200);
    QVERIFY2(m_tcpstatesText.contains(QStringLiteral("OLDSTATE")),
             qPrintable(m_tcpstatesText + m_tcpstates.readAllStandardError()));
}

void TestTraceSimultaneous::cleanupTestCase()
{
    m_trace.stop();
    if (m_tcpstates.state() != QProcess::NotRunning) {
        m_tcpstates.terminate();
        m_tcpstates.waitForFinished(5000);
    }
}

void TestTraceSimultaneous::pump(int ms)
{
    m_trace.read(m_events, ms / 2);
    m_tcpstates.waitForReadyRead(ms / 2);
    m_tcpstatesText += QString::fromLocal8Bit(m_tcpstates.readAllStandardOutput());
}

// tcpstates -w: SKADDR PID COMM IP LADDR LPORT RADDR RPORT OLDSTATE -> NEWSTATE MS
QStringList TestTraceSimultaneous::tcpstatesSteps(std::pair<quint16, quint16> ports) const
{
    QStringList out;
    for (const QString &line :
         m_tcpstatesText.mid(m_tcpstatesFrom).split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList f = line.simplified().split(u' ');
        if (f.size() < 11 || f[f.size() - 3] != u"->")
            continue;
        if (f[f.size() - 7].toUShort() == ports.first && f[f.size() - 5].toUShort() == ports.second)
            out << f[f.size() - 4] + QStringLiteral("->") + f[f.size() - 2];
    }
    return out;
}

QStringList TestTraceSimultaneous::ourSteps(std::pair<quint16, quint16> ports,
                                            bool asTcpstates) const
{
    QStringList out;
    for (const TracedEvent &e : m_events) {
        if (e.raw.sport != ports.first || e.raw.dport != ports.second)
            continue;
        if (asTcpstates && e.raw.kind != TCPTRACE_SET_STATE && e.raw.kind != TCPTRACE_TW_ENTER)
            continue; // a minisocket's inside: tcpstates cannot see it
        const bool entry = asTcpstates && e.raw.kind == TCPTRACE_TW_ENTER;
        out << linuxName(e.raw.oldstate) + QStringLiteral("->")
                   + (entry ? QStringLiteral("CLOSE") : linuxName(e.raw.newstate));
    }
    return out;
}

void TestTraceSimultaneous::closeAndOpenMatchTcpstates()
{
    const LabScenario *scenario = findLabScenario(QStringLiteral("simultaneous"));
    QVERIFY(scenario);
    LabRun run(*scenario);
    // Step 1 enters the namespace (this thread) and connects client and server there.
    LabRun::StepResult first = run.runStep(0);
    QVERIFY2(first.ok, qPrintable(first.error));
    QString error; // the helper, forked from this thread, traces this namespace's sockets
    if (!m_trace.start(&error, 60000, QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP(qPrintable(QStringLiteral("the kernel cannot be traced here: ") + error));
    pump(500); // tcpstates' lines of the handshake, before our trace, are not compared
    m_tcpstatesFrom = m_tcpstatesText.size();
    for (std::size_t i = 1; i < scenario->steps.size(); ++i) {
        const LabRun::StepResult r = run.runStep(i);
        QString unmet;
        for (const auto &[expect, met] : r.expectations)
            unmet += met ? QString() : u' ' + expect.text();
        QVERIFY2(r.ok, qPrintable(scenario->steps[i].id + QStringLiteral(":") + r.error + unmet));
    }
    const LabContext &c = run.context();
    const auto client = portsOf(c.describe(QStringLiteral("client")));
    const auto server = portsOf(c.describe(QStringLiteral("server")));
    const auto left = portsOf(c.describe(QStringLiteral("left")));
    const auto right = portsOf(c.describe(QStringLiteral("right")));
    QVERIFY(client.first && server.first && left.first && right.first);
    const QStringList closing{u"ESTABLISHED->FIN_WAIT1"_qs, u"FIN_WAIT1->CLOSING"_qs,
                              u"CLOSING->TIME_WAIT"_qs};
    const QStringList opening{u"CLOSE->SYN_SENT"_qs, u"SYN_SENT->SYN_RECV"_qs,
                              u"SYN_RECV->ESTABLISHED"_qs};
    QElapsedTimer t;
    t.start();
    auto complete = [&] {
        for (const auto &p : {client, server, left, right}) {
            const qsizetype want = p == client || p == server ? closing.size() : opening.size();
            if (tcpstatesSteps(p).size() < want || ourSteps(p, true).size() < want)
                return false;
        }
        return true;
    };
    while (!complete() && t.elapsed() < 20000)
        pump(100);
    QCOMPARE(m_trace.eventsLost(), 0u);
    const QString lost = QString::fromLocal8Bit(m_tcpstates.readAllStandardError());
    for (const auto &p : {client, server, left, right}) {
        const QStringList ours = ourSteps(p, true), truth = tcpstatesSteps(p);
        QVERIFY2(
            ours == truth, // one for one, in order
            qPrintable(QStringLiteral("%1-%2: ours %3, tcpstates %4%5")
                           .arg(p.first)
                           .arg(p.second)
                           .arg(ours.join(u' '), truth.join(u' '),
                                lost.isEmpty() ? QString() : u"; tcpstates said: "_qs + lost)));
        QCOMPARE(ourSteps(p, false), p == client || p == server ? closing : opening);
    }
}

QTEST_GUILESS_MAIN(TestTraceSimultaneous)
#include "tst_tracesimultaneous.moc"
