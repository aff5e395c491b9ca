// The packet engine against the kernel. Each fixture under tests/data/packets/ is a real
// loopback scenario recorded by tests/fixtures/record_packet_fixtures.py in five link types
// and formats, with what `ss -tanH` said about every socket at each step. At each of those
// moments, the states we infer from the packets captured so far must be the kernel's.
#include "packets/capturereader.h"
#include "support/sstext.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <pcap/pcap.h>

using namespace tcpscope;

namespace {

const QString kDir = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

} // namespace

class TestPacketEngine : public QObject
{
    Q_OBJECT
private slots:
    void agreesWithKernel_data();
    void agreesWithKernel();
    void everyScenarioShowsWhatItClaims_data();
    void everyScenarioShowsWhatItClaims();
    void linkTypesAndPrecision_data();
    void linkTypesAndPrecision();
    void variantsAgree_data();
    void variantsAgree();
};

void TestPacketEngine::agreesWithKernel_data()
{
    QTest::addColumn<QString>("capture");
    QTest::addColumn<double>("time");
    QTest::addColumn<QJsonArray>("sockets");
    const QStringList checkpoints = QDir(kDir).entryList({QStringLiteral("*.checkpoints.json")});
    QVERIFY(checkpoints.size() >= 13);
    for (const QString &cp : checkpoints) {
        const QString scenario = cp.section(u'.', 0, 0);
        QFile f(kDir + cp);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray points =
            QJsonDocument::fromJson(f.readAll()).object()[u"checkpoints"].toArray();
        for (const QString &variant :
             QDir(kDir).entryList({scenario + QStringLiteral(".*.pcap*")})) {
            for (const QJsonValue &p : points) {
                const QJsonObject o = p.toObject();
                if (o[u"packets_hidden"].toBool())
                    continue; // nftables held the segments back before any capture saw them
                QTest::addRow("%s @ %s", qPrintable(variant), qPrintable(o[u"label"].toString()))
                    << variant << o[u"time"].toDouble() << o[u"sockets"].toArray();
            }
        }
    }
}

void TestPacketEngine::agreesWithKernel()
{
    QFETCH(QString, capture);
    QFETCH(double, time);
    QFETCH(QJsonArray, sockets);

    CaptureReader reader;
    QString error;
    QVERIFY2(reader.open(kDir + capture, &error), qPrintable(error));
    std::vector<Segment> segments;
    QVERIFY2(reader.read(nullptr, &segments, &error), qPrintable(error));
    const auto t = std::int64_t(time * 1e9);
    TcpTracker tracker;
    for (const Segment &s : segments) {
        if (s.timeNs <= t)
            tracker.process(s);
    }
    tracker.finish(t);

    QHash<QString, QString> kernel; // "local remote" → ss state
    for (const QJsonValue &v : sockets) {
        const QJsonObject o = v.toObject();
        kernel.insert(o[u"local"].toString() + u' ' + o[u"remote"].toString(),
                      o[u"state"].toString());
    }
    // The latest incarnation of each 4-tuple is the one the kernel speaks of.
    QHash<QString, const Connection *> latest;
    for (const Connection &c : tracker.connections())
        latest.insert(endpointText(c.address[0], c.port[0]) + u' '
                          + endpointText(c.address[1], c.port[1]),
                      &c);
    QVERIFY(!latest.isEmpty());
    int compared = 0;
    for (const Connection *c : std::as_const(latest)) {
        for (std::size_t e = 0; e < 2; ++e) {
            const QString key = endpointText(c->address[e], c->port[e]) + u' '
                                + endpointText(c->address[1 - e], c->port[1 - e]);
            const QString ours = QString::fromLatin1(names(c->ep[e].state).rfc);
            const auto it = kernel.constFind(key);
            if (it == kernel.constEnd()) {
                // Not in the kernel's table: closed (a server endpoint still LISTEN is the
                // listener's own socket, which has no 4-tuple).
                QVERIFY2(c->ep[e].state == TcpState::Closed || c->ep[e].state == TcpState::Listen,
                         qPrintable(key + QStringLiteral(": we say ") + ours
                                    + QStringLiteral(", the kernel has no such socket")));
            } else {
                QCOMPARE(
                    ours + u' ' + key,
                    QString::fromLatin1(names(parseTcpState(*it).value_or(TcpState::Closed)).rfc)
                        + u' ' + key);
            }
            ++compared;
        }
    }
    QVERIFY(compared >= 2);
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
