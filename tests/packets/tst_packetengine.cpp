// The packet engine against the kernel. Each fixture under tests/data/packets/ is a real
// loopback scenario recorded by tests/fixtures/record_packet_fixtures.py in five link types
// and formats, with what `ss -tanH` said about every socket at each step. At each of those
// moments, the states we infer from the packets captured so far must be the kernel's (except
// where the recorder says no passive observer can know yet), and the history inferred from the
// whole capture must put every endpoint in the kernel's state at every one of them.
#include "support/packetcheckpoints.h"

#include <QSet>
#include <QTest>

#include <pcap/pcap.h>

#include <algorithm>

using namespace tcpscope;
using namespace tcpscope::packetcheck;

class TestPacketEngine : public QObject
{
    Q_OBJECT
private slots:
    void agreesWithKernel_data();
    void agreesWithKernel();
    void asPublishedAgreesWithKernel_data() { addCheckpointRows(false); }
    void asPublishedAgreesWithKernel();
    void liveReleasesHeldAcks_data();
    void liveReleasesHeldAcks();
    void historyAgreesWithKernel_data() { addCheckpointRows(true); }
    void historyAgreesWithKernel();
    void lossIsNoted_data();
    void lossIsNoted();
    void everyScenarioShowsWhatItClaims_data();
    void everyScenarioShowsWhatItClaims();
    void linkTypesAndPrecision_data();
    void linkTypesAndPrecision();
    void variantsAgree_data();
    void variantsAgree();
};

void TestPacketEngine::agreesWithKernel_data() { addCheckpointRows(false); }

// At each moment, from the packets captured up to it.
void TestPacketEngine::agreesWithKernel()
{
    QFETCH(QString, capture);
    QFETCH(double, time);
    QFETCH(QJsonArray, sockets);
    const std::vector<Segment> segments = readSegments(capture);
    QVERIFY(!segments.empty());
    const auto t = std::int64_t(time * 1e9);
    TcpTracker tracker;
    for (const Segment &s : segments) {
        if (s.timeNs <= t)
            tracker.process(s);
    }
    tracker.finish(t);
    // The latest incarnation of each 4-tuple is the one the kernel speaks of.
    QHash<QString, TcpState> ours;
    for (const Connection &c : tracker.connections()) {
        for (std::size_t e = 0; e < 2; ++e)
            ours.insert(tupleKey(c, e), c.ep[e].state);
    }
    QVERIFY(ours.size() >= 2);
    const QString differs = disagreement(ours, sockets);
    QVERIFY2(differs.isEmpty(), qPrintable(differs));
}

// The same, read as a live capture is: every change published as soon as it is made, so a
// withdrawn one is corrected by a revision instead of erased. The states must still be the
// kernel's, and the revisions must say what they correct.
void TestPacketEngine::asPublishedAgreesWithKernel()
{
    QFETCH(QString, capture);
    QFETCH(double, time);
    QFETCH(QJsonArray, sockets);
    const std::vector<Segment> segments = readSegments(capture);
    QVERIFY(!segments.empty());
    const auto t = std::int64_t(time * 1e9);
    TcpTracker tracker;
    for (const Segment &s : segments) {
        if (s.timeNs > t)
            break;
        tracker.process(s);
        tracker.markPublished(tracker.changes().size());
    }
    tracker.finish(t);
    QHash<QString, TcpState> ours;
    for (const Connection &c : tracker.connections()) {
        for (std::size_t e = 0; e < 2; ++e)
            ours.insert(tupleKey(c, e), c.ep[e].state);
    }
    const QString differs = disagreement(ours, sockets);
    QVERIFY2(differs.isEmpty(), qPrintable(differs));
    QVERIFY2(chained(tracker).isEmpty(), qPrintable(chained(tracker)));
    if (capture.startsWith(u"listen_overflow"_qs) || capture.startsWith(u"lost_last_ack"_qs)) {
        // The kernel showed the server still SYN_RECEIVED / LAST_ACK after an ACK of it.
        const bool revised =
            std::any_of(tracker.changes().begin(), tracker.changes().end(),
                        [](const StateChange &c) { return c.revision != Revision::None; });
        QVERIFY(revised);
    }
}

// A live capture never finishes: its clock (expire()) alone lets a held ACK act once the copy
// that would have contradicted it is overdue (lost_last_ack), and an endpoint that speaks
// releases it (listen_overflow).
void TestPacketEngine::liveReleasesHeldAcks_data()
{
    QTest::addColumn<QString>("capture");
    QTest::addColumn<double>("time");
    QTest::addColumn<QJsonArray>("sockets");
    for (const char *scenario : {"lost_last_ack", "listen_overflow"}) {
        QFile f(kDir + QLatin1String(scenario) + QStringLiteral(".checkpoints.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QJsonValue &p :
             QJsonDocument::fromJson(f.readAll()).object()[u"checkpoints"].toArray()) {
            const QJsonObject o = p.toObject();
            QTest::addRow("%s @ %s", scenario, qPrintable(o[u"label"].toString()))
                << QLatin1String(scenario) + QStringLiteral(".lo.pcap") << o[u"time"].toDouble()
                << o[u"sockets"].toArray();
        }
    }
}

void TestPacketEngine::liveReleasesHeldAcks()
{
    QFETCH(QString, capture);
    QFETCH(double, time);
    QFETCH(QJsonArray, sockets);
    const std::vector<Segment> segments = readSegments(capture);
    const auto t = std::int64_t(time * 1e9);
    TcpTracker tracker;
    for (const Segment &s : segments) {
        if (s.timeNs > t)
            break;
        tracker.process(s);
        tracker.markPublished(tracker.changes().size());
        tracker.expire(s.timeNs);
    }
    tracker.expire(t);
    QHash<QString, TcpState> ours;
    for (const Connection &c : tracker.connections()) {
        for (std::size_t e = 0; e < 2; ++e)
            ours.insert(tupleKey(c, e), c.ep[e].state);
    }
    const QString differs = disagreement(ours, sockets);
    QVERIFY2(differs.isEmpty(), qPrintable(differs));
}

// At each moment (also those the packets before it could not tell), from the history of the
// whole capture: re-dated and withdrawn changes put every endpoint where the kernel had it.
void TestPacketEngine::historyAgreesWithKernel()
{
    QFETCH(QString, capture);
    QFETCH(double, time);
    QFETCH(QJsonArray, sockets);
    const std::vector<Segment> segments = readSegments(capture);
    QVERIFY(!segments.empty());
    const auto t = std::int64_t(time * 1e9);
    TcpTracker tracker;
    for (const Segment &s : segments)
        tracker.process(s);
    // The capture ran until the moment at least (it is stopped after the last one): a copy
    // due by then and not in the file never came.
    tracker.finish(std::max(segments.back().timeNs, t));
    QVERIFY2(chained(tracker).isEmpty(), qPrintable(chained(tracker)));
    const auto &conns = tracker.connections();
    // Per endpoint, its state at t: the latest change by then, else what it started from.
    std::vector<std::array<TcpState, 2>> at(conns.size());
    std::vector<std::array<std::int64_t, 2>> when(conns.size(), {INT64_MIN, INT64_MIN});
    std::vector<std::array<bool, 2>> changed(conns.size(), {false, false});
    for (std::size_t id = 0; id < conns.size(); ++id)
        at[id] = {conns[id].ep[0].state, conns[id].ep[1].state};
    for (const StateChange &c : tracker.changes()) {
        bool &first = changed[c.connection][c.endpoint];
        if (!first)
            at[c.connection][c.endpoint] = c.from; // before its first change
        first = true;
        if (c.timeNs <= t && c.timeNs >= when[c.connection][c.endpoint]) {
            at[c.connection][c.endpoint] = c.to;
            when[c.connection][c.endpoint] = c.timeNs;
        }
    }
    QHash<QString, TcpState> ours;
    for (std::size_t id = 0; id < conns.size(); ++id) {
        if (conns[id].firstSeenNs > t)
            continue; // a later incarnation, not yet there
        for (std::size_t e = 0; e < 2; ++e)
            ours.insert(tupleKey(conns[id], e), at[id][e]);
    }
    QVERIFY(ours.size() >= 2);
    const QString differs = disagreement(ours, sockets);
    QVERIFY2(differs.isEmpty(), qPrintable(differs));
}

// What the recorder made happen is noted on its segments, for a ladder view.
void TestPacketEngine::lossIsNoted_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("notes");
    QTest::newRow("stray_rst") << u"stray_rst"_qs
                               << QStringList{u"inexact_rst"_qs, u"out_of_window_rst"_qs};
    QTest::newRow("stray_syn") << u"stray_syn"_qs << QStringList{u"stray_syn"_qs};
    QTest::newRow("lost_rst") << u"lost_rst"_qs << QStringList{u"rst_not_received"_qs};
    QTest::newRow("listen_overflow")
        << u"listen_overflow"_qs << QStringList{u"retransmission"_qs, u"ignored_ack"_qs};
    QTest::newRow("lost_fin") << u"lost_fin"_qs << QStringList{u"retransmission"_qs};
    QTest::newRow("lost_last_ack")
        << u"lost_last_ack"_qs << QStringList{u"retransmission"_qs, u"ignored_ack"_qs};
    QTest::newRow("lost_syn_ack") << u"lost_syn_ack"_qs << QStringList{u"retransmission"_qs};
    QTest::newRow("rst_time_wait") << u"rst_time_wait"_qs << QStringList{u"inexact_rst"_qs};
    QTest::newRow("lost_syn") << u"lost_syn"_qs << QStringList{u"retransmission"_qs};
}

void TestPacketEngine::lossIsNoted()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, notes);
    const std::vector<Segment> segments = readSegments(scenario + QStringLiteral(".lo.pcap"));
    TcpTracker tracker;
    for (const Segment &s : segments)
        tracker.process(s);
    tracker.finish(segments.back().timeNs);
    QSet<QString> seen;
    for (const SegmentAnnotation &a : tracker.annotations()) {
        QVERIFY(a.packet >= 1 && a.packet <= segments.size());
        const Segment &s = segments[a.packet - 1];
        const QString name = QString::fromLatin1(segmentNoteName(a.note));
        seen.insert(name);
        if (name.endsWith(u"rst"_qs) || a.note == SegmentNote::RstNotReceived)
            QVERIFY2(s.flags & tcpflag::Rst, qPrintable(name));
        if (a.note == SegmentNote::StraySyn)
            QCOMPARE(s.flags & (tcpflag::Syn | tcpflag::Ack), tcpflag::Syn);
        if (a.note == SegmentNote::Retransmission) { // the same sequence number sent before
            const auto earlier = std::find_if(
                segments.begin(), segments.begin() + (a.packet - 1), [&](const Segment &o) {
                    return o.srcPort == s.srcPort && o.seq == s.seq && o.dstPort == s.dstPort;
                });
            QVERIFY(earlier != segments.begin() + (a.packet - 1));
        }
    }
    for (const QString &n : notes)
        QVERIFY2(seen.contains(n), qPrintable(n + QStringLiteral(" not in ")
                                              + QStringList(seen.values()).join(u", ")));
}

// What each scenario is recorded to show, checked on its final picture (lo.pcap), so that a
// scenario that stops demonstrating what it claims fails here.
void TestPacketEngine::everyScenarioShowsWhatItClaims_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("mustContain"); // "role:FROM>TO" over all connections
    QTest::addColumn<bool>("midStream");
    auto row = [](const char *s, QStringList m, bool mid = false) {
        QTest::newRow(s) << QString::fromLatin1(s) << m << mid;
    };
    row("client_close", {u"client:ESTABLISHED>FIN_WAIT_1"_qs, u"client:FIN_WAIT_2>TIME_WAIT"_qs,
                         u"server:ESTABLISHED>CLOSE_WAIT"_qs, u"server:CLOSE_WAIT>LAST_ACK"_qs,
                         u"server:LAST_ACK>CLOSED"_qs});
    row("server_close", {u"server:ESTABLISHED>FIN_WAIT_1"_qs, u"server:FIN_WAIT_2>TIME_WAIT"_qs,
                         u"client:CLOSE_WAIT>LAST_ACK"_qs});
    row("close_wait_leak",
        {u"server:ESTABLISHED>CLOSE_WAIT"_qs, u"client:FIN_WAIT_1>FIN_WAIT_2"_qs});
    row("half_close", {u"client:FIN_WAIT_1>FIN_WAIT_2"_qs, u"server:CLOSE_WAIT>LAST_ACK"_qs,
                       u"client:FIN_WAIT_2>TIME_WAIT"_qs});
    row("abortive_close", {u"client:ESTABLISHED>CLOSED"_qs, u"server:ESTABLISHED>CLOSED"_qs});
    row("refused", {u"client:CLOSED>SYN_SENT"_qs, u"client:SYN_SENT>CLOSED"_qs});
    row("unread_data_rst", {u"client:ESTABLISHED>CLOSED"_qs, u"server:ESTABLISHED>CLOSED"_qs});
    row("simultaneous_close", {u"client:FIN_WAIT_1>CLOSING"_qs, u"server:FIN_WAIT_1>CLOSING"_qs,
                               u"client:CLOSING>TIME_WAIT"_qs, u"server:CLOSING>TIME_WAIT"_qs});
    row("simultaneous_open",
        {u"client:SYN_SENT>SYN_RECEIVED"_qs, u"client:SYN_RECEIVED>ESTABLISHED"_qs});
    row("reuse_time_wait", {u"client:TIME_WAIT>CLOSED"_qs, u"client:CLOSED>SYN_SENT"_qs});
    row("ipv6", {u"client:FIN_WAIT_2>TIME_WAIT"_qs, u"server:LAST_ACK>CLOSED"_qs});
    // The server closes at once: its FIN,ACK also acknowledges the client's FIN.
    row("many_short", {u"client:FIN_WAIT_1>TIME_WAIT"_qs, u"server:LAST_ACK>CLOSED"_qs});
    // Joined mid-stream, roles unknown: the server closes first here.
    // Under loss and attacks (tests/fixtures/lossy_scenarios.py): no stray RST or SYN resets
    // or reopens, the lost FIN and the ignored ACKs arrive with a later copy.
    row("stray_rst", {u"client:ESTABLISHED>FIN_WAIT_1"_qs, u"server:LAST_ACK>CLOSED"_qs});
    row("stray_syn", {u"client:ESTABLISHED>FIN_WAIT_1"_qs, u"server:LAST_ACK>CLOSED"_qs});
    row("lost_rst", {u"client:ESTABLISHED>CLOSED"_qs, u"server:ESTABLISHED>CLOSED"_qs});
    row("listen_overflow",
        {u"client:SYN_SENT>ESTABLISHED"_qs, u"server:SYN_RECEIVED>ESTABLISHED"_qs});
    row("lost_fin", {u"server:ESTABLISHED>CLOSE_WAIT"_qs, u"client:FIN_WAIT_1>FIN_WAIT_2"_qs});
    // Its file ends with the ACK that acted: only the clock after it shows that (the checkpoint).
    row("lost_last_ack", {u"server:CLOSE_WAIT>LAST_ACK"_qs, u"client:FIN_WAIT_2>TIME_WAIT"_qs});
    row("lost_syn_ack", {u"client:SYN_SENT>ESTABLISHED"_qs});
    row("rst_time_wait", {u"client:FIN_WAIT_1>TIME_WAIT"_qs, u"client:TIME_WAIT>CLOSED"_qs});
    row("lost_syn", {u"server:LISTEN>SYN_RECEIVED"_qs, u"server:SYN_RECEIVED>ESTABLISHED"_qs});
    row("mid_stream",
        {u"any:ESTABLISHED>FIN_WAIT_1"_qs, u"any:CLOSE_WAIT>LAST_ACK"_qs,
         u"any:FIN_WAIT_1>TIME_WAIT"_qs},
        true);
}

void TestPacketEngine::everyScenarioShowsWhatItClaims()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, mustContain);
    QFETCH(bool, midStream);
    CaptureReader reader;
    QString error;
    QVERIFY2(reader.open(kDir + scenario + QStringLiteral(".lo.pcap"), &error), qPrintable(error));
    TcpTracker tracker;
    QVERIFY2(reader.read(tracker, &error), qPrintable(error));
    tracker.finish(reader.stats().lastTimeNs);
    QSet<QString> seen;
    for (const StateChange &c : tracker.changes()) {
        const Connection &conn = tracker.connections()[c.connection];
        const QString move =
            QString::fromLatin1(names(c.from).rfc) + u'>' + QString::fromLatin1(names(c.to).rfc);
        seen.insert(QString::fromLatin1(roleName(conn.ep[c.endpoint].role)) + u':' + move);
        seen.insert(QStringLiteral("any:") + move);
    }
    for (const QString &m : mustContain)
        QVERIFY2(seen.contains(m), qPrintable(m + QStringLiteral(" not in ")
                                              + QStringList(seen.values()).join(u", ")));
    for (const Connection &c : tracker.connections())
        QCOMPARE(c.midStream, midStream);
    if (scenario == u"many_short")
        QCOMPARE(int(tracker.connections().size()), 40);
    if (scenario == u"reuse_time_wait")
        QCOMPARE(int(tracker.connections().size()), 2); // two incarnations of one 4-tuple
    if (scenario == u"stray_syn" || scenario == u"stray_rst" || scenario == u"lost_fin")
        QCOMPARE(int(tracker.connections().size()), 1); // no incarnation made by a stray SYN
    if (scenario == u"refused")
        QVERIFY(tracker.connections().front().refused);
}

void TestPacketEngine::linkTypesAndPrecision_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("linkType");
    QTest::addColumn<int>("digits");
    QTest::newRow("lo pcap") << u"lo.pcap"_qs << DLT_EN10MB << 6;
    QTest::newRow("lo nano") << u"lo-nano.pcap"_qs << DLT_EN10MB << 9;
    QTest::newRow("any SLL2") << u"any-sll2.pcap"_qs << DLT_LINUX_SLL2 << 6;
    QTest::newRow("any SLL") << u"any-sll.pcap"_qs << DLT_LINUX_SLL << 6;
    QTest::newRow("pcapng") << u"lo.pcapng"_qs << DLT_EN10MB << 9;
}

void TestPacketEngine::linkTypesAndPrecision()
{
    QFETCH(QString, suffix);
    QFETCH(int, linkType);
    QFETCH(int, digits);
    CaptureReader reader;
    QString error;
    QVERIFY2(reader.open(kDir + QStringLiteral("client_close.") + suffix, &error),
             qPrintable(error));
    QCOMPARE(reader.linkType(), linkType);
    TcpTracker tracker;
    QVERIFY2(reader.read(tracker, &error), qPrintable(error));
    QCOMPARE(reader.stats().precisionDigits, digits);
    QCOMPARE(reader.stats().tcpPackets, reader.stats().packets);
}

// The same traffic captured five ways gives the same connections and histories.
void TestPacketEngine::variantsAgree_data()
{
    QTest::addColumn<QString>("scenario");
    for (const QString &cp : QDir(kDir).entryList({QStringLiteral("*.checkpoints.json")}))
        QTest::newRow(qPrintable(cp.section(u'.', 0, 0))) << cp.section(u'.', 0, 0);
}

void TestPacketEngine::variantsAgree()
{
    QFETCH(QString, scenario);
    auto describe = [&](const QString &file) {
        CaptureReader reader;
        QString error;
        TcpTracker tracker;
        if (!reader.open(kDir + file, &error) || !reader.read(tracker, &error))
            return QStringList{error};
        tracker.finish(reader.stats().lastTimeNs);
        QStringList out;
        for (const StateChange &c : tracker.changes())
            out << QStringLiteral("%1/%2 %3>%4")
                       .arg(c.connection)
                       .arg(c.endpoint)
                       .arg(QString::fromLatin1(names(c.from).rfc),
                            QString::fromLatin1(names(c.to).rfc));
        return out;
    };
    const QStringList reference = describe(scenario + QStringLiteral(".lo.pcap"));
    QVERIFY(reference.size() >= 2);
    for (const QString &suffix :
         {u"lo-nano.pcap"_qs, u"any-sll2.pcap"_qs, u"any-sll.pcap"_qs, u"lo.pcapng"_qs})
        QCOMPARE(describe(scenario + u'.' + suffix), reference);
}

QTEST_GUILESS_MAIN(TestPacketEngine)
#include "tst_packetengine.moc"
