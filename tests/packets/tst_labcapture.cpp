// The packet engine on a capture the Lab recorded (`tcpscope-cli lab run simultaneous
// --format json --pcap-fd 3`): tests/data/packets/simultaneous_lab.lo.pcap, with the Lab's own
// narration beside it (simultaneous_lab.narration.jsonl: the namespace's socket table at each
// step, as the kernel had it). The Lab holds segments in the output hook, before the capture
// point: the FINs' ACKs never reach the wire, and both FINs' retransmissions cross. The kernel
// had both ends in CLOSING; the engine must too, not FIN_WAIT_1 -> TIME_WAIT.
#include "support/packetcheckpoints.h"

#include <QTest>

#include <utility>

using namespace tcpscope;
using namespace tcpscope::packetcheck;

namespace {

struct Table
{
    int step = 0; // 1-based, as the narration counts
    double time = 0;
    QJsonArray sockets; // as the checkpoints have them: local, remote, state
};

std::vector<Table> labTables()
{
    QFile f(kDir + QStringLiteral("simultaneous_lab.narration.jsonl"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<Table> out;
    int step = 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        if (e[u"event"].toString() == u"step")
            step = e[u"index"].toInt();
        if (e[u"event"].toString() != u"table")
            continue;
        QJsonArray sockets;
        for (const QJsonValue &v : e[u"sockets"].toArray()) {
            const QJsonObject s = v.toObject();
            auto at = [&](const char *addr, const char *port) {
                return s[QLatin1String(addr)].toString() + u':'
                       + QString::number(s[QLatin1String(port)].toInt());
            };
            sockets.append(QJsonObject{{u"local"_qs, at("laddr", "lport")},
                                       {u"remote"_qs, at("raddr", "rport")},
                                       {u"state"_qs, s[u"state"]}});
        }
        out.push_back({step, e[u"time"].toDouble(), sockets});
    }
    return out;
}

QStringList movesOf(const TcpTracker &tracker, std::uint32_t connection, Role role)
{
    QStringList out;
    for (const StateChange &c : tracker.changes()) {
        if (c.connection == connection
            && tracker.connections()[c.connection].ep[c.endpoint].role == role)
            out << QString::fromLatin1(names(c.from).rfc) + u'>'
                       + QString::fromLatin1(names(c.to).rfc);
    }
    return out;
}

} // namespace

class TestLabCapture : public QObject
{
    Q_OBJECT
private slots:
    void bothEndsGoThroughClosing_data();
    void bothEndsGoThroughClosing();
    void historyAgreesWithTheLabsTables();
};

void TestLabCapture::bothEndsGoThroughClosing_data()
{
    QTest::addColumn<bool>("swapped");
    QTest::newRow("as recorded") << false;
    // The crossing retransmissions in the other order (a live run in the Lab captured them
    // so): the server's copy first, the client's FIN having crossed the server's first one.
    QTest::newRow("server's copy first") << true;
}

void TestLabCapture::bothEndsGoThroughClosing()
{
    QFETCH(bool, swapped);
    std::vector<Segment> segments = readSegments(u"simultaneous_lab.lo.pcap"_qs);
    QCOMPARE(int(segments.size()), 13);
    if (swapped) {
        std::swap(segments[5].timeNs, segments[6].timeNs);
        std::swap(segments[5].packet, segments[6].packet);
        std::swap(segments[5], segments[6]);
    }
    TcpTracker tracker;
    for (const Segment &s : segments)
        tracker.process(s);
    tracker.finish(segments.back().timeNs);
    const QStringList closing{u"FIN_WAIT_1>CLOSING"_qs, u"CLOSING>TIME_WAIT"_qs};
    for (Role r : {Role::Client, Role::Server}) {
        const QStringList moves = movesOf(tracker, 0, r);
        QVERIFY2(moves.mid(moves.size() - 2) == closing, qPrintable(moves.join(u", ")));
        QVERIFY(!moves.contains(u"FIN_WAIT_1>TIME_WAIT"_qs));
    }
    // Packet by packet: the server's CLOSING at the client's first FIN (#5), its TIME_WAIT at
    // the client's retransmission (#6; #7 when swapped), which acknowledged the server's FIN.
    std::vector<std::uint32_t> serverPackets;
    for (const StateChange &c : tracker.changes())
        if (c.connection == 0 && tracker.connections()[0].ep[c.endpoint].role == Role::Server)
            serverPackets.push_back(c.packet);
    QCOMPARE(serverPackets, (std::vector<std::uint32_t>{1, 3, 4, 5, swapped ? 7u : 6u}));
    // Nothing published, so the withdrawn-then-released ACK leaves no trace in the history.
    for (const StateChange &c : tracker.changes())
        QCOMPARE(c.revision, Revision::None);
}

// At each table the Lab read, from the whole capture's history (except where the Lab held
// the segments that made the change before the capture point: its steps 2 and 5).
void TestLabCapture::historyAgreesWithTheLabsTables()
{
    const std::vector<Table> tables = labTables();
    QCOMPARE(int(tables.size()), 9);
    const std::vector<Segment> segments = readSegments(u"simultaneous_lab.lo.pcap"_qs);
    TcpTracker tracker;
    for (const Segment &s : segments)
        tracker.process(s);
    tracker.finish(segments.back().timeNs);
    QVERIFY2(chained(tracker).isEmpty(), qPrintable(chained(tracker)));
    int checked = 0;
    for (const Table &table : tables) {
        if (table.step == 2 || table.step == 5)
            continue;
        const auto t = std::int64_t(table.time * 1e9);
        QHash<QString, TcpState> ours;
        for (std::uint32_t id = 0; id < tracker.connections().size(); ++id) {
            const Connection &c = tracker.connections()[id];
            if (c.firstSeenNs > t)
                continue;
            for (std::size_t e = 0; e < 2; ++e) {
                TcpState at = c.ep[e].state;
                bool first = true;
                for (const StateChange &ch : tracker.changes()) {
                    if (ch.connection != id || ch.endpoint != e)
                        continue;
                    if (first)
                        at = ch.from;
                    first = false;
                    if (ch.timeNs <= t)
                        at = ch.to;
                }
                ours.insert(tupleKey(c, e), at);
            }
        }
        const QString differs = disagreement(ours, table.sockets);
        QVERIFY2(differs.isEmpty(), qPrintable(u"step %1: "_qs.arg(table.step) + differs));
        ++checked;
    }
    QCOMPARE(checked, 7); // ESTABLISHED, both CLOSING, both TIME_WAIT, and the open (4 tables)
}

QTEST_GUILESS_MAIN(TestLabCapture)
#include "tst_labcapture.moc"
