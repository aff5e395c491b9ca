// Refused connects, which no poll sees (the kernel drops such a socket when the RST arrives),
// as the packets show them: the capture helper on the lo of a namespace of the test's own
// while connects to a closed port are refused. RefusedConnects turns the live deltas into the
// engine's exact transitions: a finding with the count, each refusal once across deltas, and
// once again when the eBPF trace saw it too.
#include "diagnose/diagnosisrig.h"
#include "kernel/tracestream.h"
#include "packets/livecaptureworker.h"
#include "packets/livedelta.h"
#include "packets/refusedconnects.h"
#include "support/loopsockets.h"

#include <QFile>
#include <QSignalSpy>

using namespace tcpscope;

namespace {

const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-capture");
constexpr int kRefused = 8;

// Captures lo while the test's connects to `closed` are refused, and the ones to `open`
// accepted; the refusals the deltas show go to `engine`. `fed`: how many there were.
void captureRefusals(DiagnosisEngine &engine, int closed, int open, LoopSockets &s,
                     std::size_t &fed)
{
    LiveCaptureOptions o;
    o.keepPackets = false;
    LiveCaptureWorker worker(o);
    RefusedConnects refusals;
    bool final = false;
    QObject::connect(&worker, &LiveCaptureWorker::deltaReady, &worker, [&] {
        if (std::optional<LiveDelta> d = worker.takeDelta()) {
            const std::vector<Transition> ts = refusals.take(*d);
            fed += ts.size();
            engine.addTransitions(ts);
            final = d->final;
        }
    });
    QSignalSpy started(&worker, &LiveCaptureWorker::started);
    worker.startHelper(kHelper, QStringLiteral("lo"),
                       QStringLiteral("tcp port %1 or tcp port %2").arg(closed).arg(open));
    QVERIFY2(started.wait(10000), "the capture helper did not start");
    QTest::qWait(300); // the helper's socket is open before it says so; give the ring a moment
    for (int i = 0; i < kRefused; ++i) {
        const int fd = s.connect("127.0.0.1", closed);
        const int error = errno;
        QCOMPARE(fd, -1);
        QCOMPARE(error, ECONNREFUSED);
    }
    for (int i = 0; i < 3; ++i)
        s.close(s.connect("127.0.0.1", open));
    QTRY_COMPARE_WITH_TIMEOUT(fed, std::size_t(kRefused), 10000);
    QTest::qWait(600); // more deltas (the connections' last changes): nothing counted again
    worker.stop();
    QTRY_VERIFY_WITH_TIMEOUT(final, 10000);
}

const Finding *refusedFinding(const DiagnosisEngine &engine)
{
    for (const Finding &f : engine.findings()) {
        if (f.kind == FindingKind::ConnectsRefused)
            return &f;
    }
    return nullptr;
}

// A listener (kept open by `s`), and a port nothing listens on in a new namespace.
std::pair<int, int> ports(LoopSockets &s)
{
    const int open = LoopSockets::port(s.listen("127.0.0.1", 64));
    return {open == 9 ? 10 : 9, open};
}

} // namespace

class TestDiagnosisRefused : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void packetsSeeRefusals();
    void traceAndPacketsCountEachOnce();
};

void TestDiagnosisRefused::init()
{
    if (!TestNetns::canCreate())
        QSKIP("needs root: live capture, in a network namespace of the test's own");
    if (!QFile::exists(kHelper))
        QSKIP("tcpscope-capture was not built");
}

void TestDiagnosisRefused::packetsSeeRefusals()
{
    TestNetns ns(QStringLiteral("refusedpk"));
    QVERIFY(ns.ok() && ns.enter()); // the helper starts in it, on its lo
    LoopSockets s;
    const auto [closed, open] = ports(s);
    DiagnosisRig rig({}, &ns);
    std::size_t fed = 0;
    captureRefusals(rig.engine, closed, open, s, fed);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(fed, std::size_t(kRefused));
    rig.poll();
    const Finding *f = refusedFinding(rig.engine);
    QVERIFY2(f, "no connects-refused finding");
    QCOMPARE(rig.engine.findings().size(), std::size_t(1)); // the accepted port: nothing
    QCOMPARE(f->subject, u"\u2192 127.0.0.1:%1"_qs.arg(closed));
    QCOMPARE(f->level, FindingLevel::Warning);
    QCOMPARE(f->number(u"refused"_qs), double(kRefused));
    QCOMPARE(f->number(u"attempts"_qs, 0), -1.0); // the packets show only the refused ones
    QCOMPARE(f->fact(u"seen_by"_qs), u"packets"_qs);

    // The threshold above the count: no finding.
    DiagnosisThresholds t;
    t.refusedCount = kRefused + 1;
    rig.engine.setThresholds(t);
    rig.poll();
    QVERIFY(!refusedFinding(rig.engine));
}

void TestDiagnosisRefused::traceAndPacketsCountEachOnce()
{
    if (!QFile::exists(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    TestNetns ns(QStringLiteral("refusedtr"));
    QVERIFY(ns.ok() && ns.enter());
    TraceStream trace;
    QString error;
    if (!trace.start(&error, 60000, QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace")))
        QSKIP(qPrintable(u"the kernel cannot be traced here: "_qs + error));
    LoopSockets s;
    const auto [closed, open] = ports(s);
    DiagnosisRig rig({}, &ns);
    std::size_t fed = 0;
    captureRefusals(rig.engine, closed, open, s, fed);
    if (QTest::currentTestFailed())
        return;
    // The trace's own account of the same connects, this namespace's only.
    const std::uint32_t inode = rig.table.namespaceInode();
    std::vector<Transition> traced;
    int refusedTraced = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            std::vector<TracedEvent> events;
            trace.read(events, 50);
            for (const TracedEvent &e : events) {
                if (!changesState(e) || e.raw.netns != inode)
                    continue;
                traced.push_back(toTransition(e));
                const Transition &t = traced.back();
                refusedTraced += t.remotePort == closed && t.from == TcpState::SynSent
                                 && t.to == TcpState::Closed;
            }
            return refusedTraced >= kRefused;
        }(),
        10000);
    rig.engine.addTransitions(traced);
    rig.poll();
    const Finding *f = refusedFinding(rig.engine);
    QVERIFY2(f, "no connects-refused finding");
    QCOMPARE(f->number(u"refused"_qs), double(kRefused)); // not twice as many
    QCOMPARE(f->number(u"attempts"_qs), double(kRefused));
    QCOMPARE(f->fact(u"seen_by"_qs), u"eBPF+packets"_qs);
}

QTEST_GUILESS_MAIN(TestDiagnosisRefused)
#include "tst_diagnosis_refused.moc"
