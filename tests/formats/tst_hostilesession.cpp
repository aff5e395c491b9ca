// A session whose kernel timeline carries values out of range (a uid of 1e20, a timer of 1e30,
// queues of -1 and 2^32, times of 1e300 and of the year 1677) is opened without undefined
// behaviour (the asan and clang-ubsan builds run this): the damaged records are left out, what
// is intact is kept (findings too), and both the reader's error and the timeline's notice say
// so. The file is the session writer's own, with its JSON damaged at test time.
#include "formats/dataexport.h"
#include "formats/sessionfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace tcpscope;

namespace {

KernelTimeline intactTimeline()
{
    KernelTimeline t;
    t.host = u"hostile"_qs;
    t.samples.push_back({1'732'440'000.0, StateCounts{}});
    Transition tr;
    tr.time = 1'732'440'000.5;
    tr.earliest = 1'732'440'000.0;
    tr.localAddress = IpAddress::parse(u"127.0.0.1"_qs);
    tr.localPort = 40000;
    tr.remoteAddress = tr.localAddress;
    tr.remotePort = 8080;
    tr.from = TcpState::SynSent;
    tr.to = TcpState::Established;
    t.transitions.push_back(tr);
    KernelPollBatch::Row row;
    row.row.record.localAddress = tr.localAddress;
    row.row.record.localPort = 40000;
    row.row.record.remoteAddress = tr.localAddress;
    row.row.record.remotePort = 8080;
    row.row.record.state = TcpState::Established;
    row.row.record.uid = 1000;
    row.row.record.recvQ = 7;
    row.row.firstSeen = row.row.stateSince = 1'732'440'000.0;
    t.latest.stats.time = 1'732'440'001.0;
    t.latest.rows = std::make_shared<std::vector<KernelPollBatch::Row>>(1, row);
    Finding f;
    f.kind = FindingKind::DeadPeer;
    f.level = FindingLevel::Warning;
    f.key = u"dead-peer/127.0.0.1:8080"_qs;
    f.subject = u"127.0.0.1:8080"_qs;
    f.state = TcpState::Established;
    f.since = 1'732'440'000.0;
    f.numbers = {{u"count"_qs, 1}, {u"send_q"_qs, 2e6}, {u"retransmits"_qs, -1}};
    f.sockets = {std::uint64_t(1) << 63};
    f.history = {{1'732'440'000.0, 2e6}};
    t.latest.findings = std::make_shared<const std::vector<Finding>>(1, f);
    return t;
}

// The pcapng block of a session's timeline (as sessionfile.cpp writes it) around `json`.
QByteArray timelineBlock(const QByteArray &json)
{
    QByteArray body;
    const std::uint32_t pen = 32473;
    body.append(reinterpret_cast<const char *>(&pen), 4);
    body.append("tcpscope-session/1\n").append(json);
    while (body.size() % 4)
        body.append(' ');
    body.append(4, '\0');
    QByteArray b;
    const std::uint32_t type = 0xBAD, total = std::uint32_t(12 + body.size());
    b.append(reinterpret_cast<const char *>(&type), 4);
    b.append(reinterpret_cast<const char *>(&total), 4);
    b.append(body);
    b.append(reinterpret_cast<const char *>(&total), 4);
    return b;
}

// Each damaged record: a copy of the intact one with one value out of range.
QJsonObject damaged(QJsonObject o, const QString &key, double value)
{
    o[key] = value;
    return o;
}

} // namespace

class TestHostileSession : public QObject
{
    Q_OBJECT
private slots:
    void valuesOutOfRangeAreLeftOutAndSaid();
    void exportsOfTimesOutOfRange();
};

void TestHostileSession::valuesOutOfRangeAreLeftOutAndSaid()
{
    QTemporaryDir dir;
    const QString written = dir.filePath(u"intact.pcapng"_qs);
    const KernelTimeline intact = intactTimeline();
    QString error;
    QVERIFY2(writeSessionFile(written, QString(), &intact, &error), qPrintable(error));
    QFile in(written);
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray file = in.readAll();
    std::uint32_t shbLength = 0;
    std::memcpy(&shbLength, file.constData() + 4, 4);

    QJsonObject root =
        QJsonDocument::fromJson(timelineJson(intact)).object(); // the writer's own JSON
    QJsonArray samples = root[u"samples"].toArray();
    samples.append(QJsonArray{1e300, samples.at(0).toArray().at(1)});
    root[u"samples"] = samples;
    QJsonArray transitions = root[u"transitions"].toArray();
    const QJsonObject tr = transitions.at(0).toObject();
    transitions.append(damaged(tr, u"time"_qs, -9223372036.5)); // 1677, a ns short of INT64_MIN
    transitions.append(damaged(tr, u"earliest"_qs, 1e30));
    transitions.append(damaged(tr, u"local_port"_qs, 70000));
    root[u"transitions"] = transitions;
    QJsonObject latest = root[u"latest"].toObject();
    QJsonArray rows = latest[u"rows"].toArray();
    const QJsonObject row = rows.at(0).toObject();
    rows.append(damaged(row, u"uid"_qs, 1e20));
    rows.append(damaged(row, u"timer_ms"_qs, 1e30));
    rows.append(damaged(row, u"recv_q"_qs, -1));
    rows.append(damaged(row, u"send_q"_qs, 4294967296.0));
    rows.append(damaged(row, u"gone_at"_qs, 1e300));
    latest[u"rows"] = rows;
    QJsonArray findings = latest[u"findings"].toArray();
    const QJsonObject finding = findings.at(0).toObject();
    findings.append(damaged(finding, u"since"_qs, 1e300));
    QJsonObject bogus = finding;
    bogus[u"kind"] = u"bogus"_qs;
    findings.append(bogus);
    QJsonObject hugeNumber = finding;
    hugeNumber[u"numbers"] = QJsonArray{QJsonArray{u"count"_qs, 1e300}};
    findings.append(hugeNumber);
    QJsonObject badHistory = finding;
    badHistory[u"history"] = QJsonArray{QJsonArray{-1e300, 1}};
    findings.append(badHistory);
    latest[u"findings"] = findings;
    root[u"latest"] = latest;
    const QString hostile = dir.filePath(u"hostile.pcapng"_qs);
    QFile out(hostile);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(file.left(qsizetype(shbLength))
              + timelineBlock(QJsonDocument(root).toJson(QJsonDocument::Compact)));
    out.close();

    const std::optional<KernelTimeline> t = readSessionTimeline(hostile, &error);
    QVERIFY2(t, qPrintable(error));
    QVERIFY2(error.contains(u"the session's kernel timeline is damaged: 13 record(s)"),
             qPrintable(error));
    QVERIFY2(error.contains(u"a sample: time 1e+300"), qPrintable(error));
    QVERIFY2(t->latest.notice.contains(error), qPrintable(t->latest.notice));
    // What was intact is all there, as written.
    QCOMPARE(t->host, u"hostile"_qs);
    QCOMPARE(t->samples.size(), std::size_t(1));
    QCOMPARE(t->transitions.size(), std::size_t(1));
    QCOMPARE(t->transitions[0].localPort, std::uint16_t(40000));
    QVERIFY(t->latest.rows);
    QCOMPARE(t->latest.rows->size(), std::size_t(1));
    QCOMPARE(t->latest.rows->at(0).row.record.uid, 1000u);
    QCOMPARE(t->latest.rows->at(0).row.record.recvQ, 7u);
    QVERIFY(t->latest.findings);
    QCOMPARE(t->latest.findings->size(), std::size_t(1));
    const Finding &kept = t->latest.findings->at(0), &was = intact.latest.findings->at(0);
    QCOMPARE(kept.key, was.key);
    QCOMPARE(kept.numbers, was.numbers); // -1 (unknown) back as -1, through JSON null
    QCOMPARE(kept.sockets, was.sockets); // 64 bits, through text
    QCOMPARE(kept.history, was.history);
    // And exports of it say what the intact transition says.
    const DataTable table = kernelTransitionsTable(t->transitions);
    QCOMPARE(table.rows.size(), std::size_t(1));
    QCOMPARE(table.rows[0].at(0), u"2024-11-24T09:20:00.500000Z"_qs);
}

// Transitions made in memory (not read from a file) with times past what nanoseconds hold:
// exported without overflow, at the epoch.
void TestHostileSession::exportsOfTimesOutOfRange()
{
    Transition tr;
    tr.time = 1e30;
    tr.earliest = -9223372036.5;
    const DataTable table = kernelTransitionsTable({tr});
    QCOMPARE(table.rows.size(), std::size_t(1));
    QCOMPARE(table.rows[0].at(0), u"1970-01-01T00:00:00.000000Z"_qs);
    QVERIFY(table.rows[0].at(1).isEmpty()); // a poll window before the epoch is no time: null
}

QTEST_GUILESS_MAIN(TestHostileSession)
#include "tst_hostilesession.moc"
