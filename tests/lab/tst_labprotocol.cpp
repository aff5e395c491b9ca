// The Lab worker's protocol reads back what it writes, every event with every field; what is
// not one of its events is refused; the replies to `waiting` read as they were meant.
#include "lab/labprotocol.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tcpscope;

Q_DECLARE_METATYPE(tcpscope::LabEvent)

class TestLabProtocol : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void notAnEvent();
    void replies();
};

void TestLabProtocol::roundTrip_data()
{
    QTest::addColumn<LabEvent>("event");
    QTest::addColumn<QString>("name");
    QTest::newRow("scenario") << LabEvent(LabScenarioEvent{u"client-close"_qs, 4})
                              << u"scenario"_qs;
    QTest::newRow("waiting") << LabEvent(LabWaitingEvent{3}) << u"waiting"_qs;
    QTest::newRow("step") << LabEvent(LabStepEvent{2, 4, TcpState::Established}) << u"step"_qs;
    QTest::newRow("appeared") << LabEvent(
        LabObservedEvent{u"127.0.0.1:1 → 127.0.0.1:2"_qs, std::nullopt, TcpState::Listen})
                              << u"observed"_qs;
    QTest::newRow("gone") << LabEvent(
        LabObservedEvent{u"a → b"_qs, TcpState::LastAck, TcpState::Closed})
                          << u"observed"_qs;
    LabResultEvent result{4,
                          false,
                          {{u"child-holds"_qs, {{u"pid"_qs, u"4242"_qs}}},
                           {u"client-read"_qs, {{u"text"_qs, u"say \"hi\"\n"_qs}}}},
                          u"recv(): Connection reset by peer"_qs,
                          {{{u"clients"_qs, TcpState::TimeWait, 200, -1}, true},
                           {{u"listener"_qs, TcpState::Listen, 1, 3}, false},
                           {{u"server"_qs, std::nullopt, 1, -1}, false},
                           {{u"client"_qs, TcpState::FinWait1, 1, -1, true}, true}},
                          {8080, 40000, 65535}};
    QTest::newRow("result") << LabEvent(result) << u"result"_qs;
    QTest::newRow("done") << LabEvent(LabDoneEvent{false, true}) << u"done"_qs;
    SocketRecord closing;
    closing.localAddress = IpAddress::parse(u"127.0.0.1"_qs);
    closing.remoteAddress = IpAddress::parse(u"::1"_qs);
    closing.localPort = 40000;
    closing.remotePort = 8080;
    closing.state = TcpState::Closing;
    closing.timer = TimerKind::Retransmit;
    closing.timerExpiresMs = 812;
    closing.retrans = 3;
    closing.recvQ = 1;
    closing.sendQ = 2;
    closing.uid = 1000;
    closing.inode = 0;
    closing.cookie = (std::uint64_t(1) << 52) + 7;
    SocketRecord listener = closing;
    listener.state = TcpState::Listen;
    listener.remotePort = 0;
    listener.inode = 123456789;
    QTest::newRow("table") << LabEvent(
        LabTableEvent{1764630000.123456, u"tcpscope-lab-7"_qs, 4242, {closing, listener}})
                           << u"table"_qs;
    QTest::newRow("empty table") << LabEvent(LabTableEvent{1.5, u"ns"_qs, 1, {}}) << u"table"_qs;
    HostFacts narrowed; // a namespace's own sysctls and counters, for the window's diagnosis
    narrowed.portLow = 40000;
    narrowed.portHigh = 40199;
    narrowed.reservedInRange = 3;
    narrowed.twReuse = 0;
    narrowed.timestamps = 0;
    narrowed.syncookies = 2;
    narrowed.maxOrphans = 4096;
    narrowed.orphans = 7;
    narrowed.counters = {{u"ListenOverflows"_qs, 12}, {u"TCPAbortOnTimeout"_qs, 1ll << 40}};
    QTest::newRow("table with facts")
        << LabEvent(LabTableEvent{2.5, u"ns"_qs, 1, {listener}, narrowed}) << u"table"_qs;
    QTest::newRow("unavailable") << LabEvent(
        LabUnavailableEvent{u"simultaneous"_qs, u"needs root"_qs})
                                 << u"unavailable"_qs;
}

void TestLabProtocol::roundTrip()
{
    QFETCH(LabEvent, event);
    QFETCH(QString, name);
    const std::string line = labEventLine(event);
    QVERIFY(line.find('\n') == std::string::npos); // one line each
    const QByteArray bytes = QByteArray::fromStdString(line);
    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
    QCOMPARE(o.value(u"event").toString(), name); // plain JSON, for scripts too
    const std::optional<LabEvent> back = parseLabEvent(bytes);
    QVERIFY2(back, line.c_str());
    QCOMPARE(back->index(), event.index());
    QVERIFY2(*back == event, line.c_str());
}

void TestLabProtocol::notAnEvent()
{
    QVERIFY(!parseLabEvent("{\"event\":\"no-such\",\"index\":1}"));
    QVERIFY(!parseLabEvent("{\"index\":1}"));
    QVERIFY(!parseLabEvent("[Enter: step 1/4] "));
    QVERIFY(!parseLabEvent(""));
}

void TestLabProtocol::replies()
{
    QCOMPARE(labReplyLine(LabReply::Next), QByteArray("\n"));
    QVERIFY(labReplyLine(LabReply::Stop).endsWith('\n'));
    QCOMPARE(parseLabReply(labReplyLine(LabReply::Stop).chopped(1).toStdString()), LabReply::Stop);
    QCOMPARE(parseLabReply(""), LabReply::Next);
    QCOMPARE(parseLabReply("anything"), LabReply::Next);
}

QTEST_GUILESS_MAIN(TestLabProtocol)
#include "tst_labprotocol.moc"
