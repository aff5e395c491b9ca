// The `tcpscope-cli summarize` JSON contract, on recorded fixtures: the fields, RFC state
// names, roles, inet_ntop addresses and times with the capture's own precision.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace {
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kDir = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

QByteArray summarize(const QStringList &args, int *code)
{
    QProcess p;
    p.start(kCli, QStringList{QStringLiteral("summarize")} + args);
    p.waitForFinished(30000);
    *code = p.exitCode();
    return p.readAllStandardOutput();
}
} // namespace

class TestCliSummarize : public QObject
{
    Q_OBJECT
private slots:
    void jsonContract();
    void precisionFollowsTheCapture_data();
    void precisionFollowsTheCapture();
    void textFormat();
    void timeWaitIsConfigurable();
    void annotationsAndRevisions_data();
    void annotationsAndRevisions();
};

void TestCliSummarize::jsonContract()
{
    int code = -1;
    const QByteArray out = summarize({kDir + u"ipv6.lo.pcap"_qs}, &code);
    QCOMPARE(code, 0);
    QJsonParseError err;
    const QJsonObject doc = QJsonDocument::fromJson(out, &err).object();
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QVERIFY(doc[u"packets"].toInt() > 0);
    QCOMPARE(doc[u"tcp_packets"].toInt(), doc[u"packets"].toInt());
    QVERIFY(doc[u"skipped"].isObject());
    const QJsonArray conns = doc[u"connections"].toArray();
    QCOMPARE(conns.size(), 1);
    const QJsonObject c = conns[0].toObject();
    QVERIFY(c[u"first_seen"].toDouble() > 1.7e9);
    QVERIFY(c[u"last_seen"].toDouble() >= c[u"first_seen"].toDouble());
    QCOMPARE(c[u"mid_stream"].toBool(), false);
    const QJsonArray eps = c[u"endpoints"].toArray();
    QCOMPARE(eps.size(), 2);
    QCOMPARE(eps[0].toObject()[u"address"].toString(), u"::1"_qs); // as inet_ntop prints it
    QCOMPARE(eps[0].toObject()[u"role"].toString(), u"client"_qs);
    QCOMPARE(eps[1].toObject()[u"role"].toString(), u"server"_qs);
    QCOMPARE(eps[0].toObject()[u"state"].toString(), u"TIME_WAIT"_qs);
    QCOMPARE(eps[1].toObject()[u"state"].toString(), u"CLOSED"_qs);
    const QJsonArray history = eps[0].toObject()[u"history"].toArray();
    QStringList states;
    double last = 0;
    for (const QJsonValue &h : history) {
        const QJsonObject o = h.toObject();
        states << o[u"state"].toString();
        QVERIFY(o[u"time"].toDouble() >= last);
        last = o[u"time"].toDouble();
        QVERIFY(o[u"packet"].toInt() >= 1);
    }
    QCOMPARE(states, (QStringList{u"SYN_SENT"_qs, u"ESTABLISHED"_qs, u"FIN_WAIT_1"_qs,
                                  u"FIN_WAIT_2"_qs, u"TIME_WAIT"_qs}));
    QCOMPARE(history[0].toObject()[u"packet"].toInt(), 1);
}

void TestCliSummarize::precisionFollowsTheCapture_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("digits");
    QTest::newRow("microseconds") << u"client_close.lo.pcap"_qs << 6;
    QTest::newRow("nanoseconds") << u"client_close.lo-nano.pcap"_qs << 9;
}

void TestCliSummarize::precisionFollowsTheCapture()
{
    QFETCH(QString, file);
    QFETCH(int, digits);
    int code = -1;
    const QString out = QString::fromUtf8(summarize({kDir + file}, &code));
    QCOMPARE(code, 0);
    const QRegularExpression re(QStringLiteral("\"first_seen\":(\\d+)\\.(\\d+)"));
    const auto m = re.match(out);
    QVERIFY(m.hasMatch());
    QCOMPARE(int(m.captured(2).size()), digits);
}

void TestCliSummarize::textFormat()
{
    int code = -1;
    const QString out = QString::fromUtf8(summarize(
        {QStringLiteral("--format"), QStringLiteral("text"), kDir + u"refused.lo.pcap"_qs}, &code));
    QCOMPARE(code, 0);
    QVERIFY2(out.contains(u"[refused]"), qPrintable(out));
    QVERIFY2(out.contains(u"SYN_SENT     -> CLOSED       #2 RST,ACK"), qPrintable(out));
}

void TestCliSummarize::timeWaitIsConfigurable()
{
    // The fixture's capture lasts a second or so after the close: with a 0.001 s 2·MSL the
    // client's TIME_WAIT has ended by the last packet; with the default 60 s it has not.
    int code = -1;
    auto clientState = [&](const QStringList &extra) {
        const QJsonObject doc =
            QJsonDocument::fromJson(
                summarize(extra + QStringList{kDir + u"many_short.lo.pcap"_qs}, &code))
                .object();
        return doc[u"connections"]
            .toArray()[0]
            .toObject()[u"endpoints"]
            .toArray()[0]
            .toObject()[u"state"]
            .toString();
    };
    QCOMPARE(clientState({}), u"TIME_WAIT"_qs);
    QCOMPARE(clientState({QStringLiteral("--time-wait"), QStringLiteral("0.001")}), u"CLOSED"_qs);
    summarize(
        {QStringLiteral("--time-wait"), QStringLiteral("zero"), kDir + u"many_short.lo.pcap"_qs},
        &code);
    QCOMPARE(code, 2);
}

// The unusual segments and the withdrawn changes, value by value, on the lossy fixtures
// (tests/fixtures/lossy_scenarios.py says what each recording made happen).
void TestCliSummarize::annotationsAndRevisions_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QStringList>("notes"); // "packet:note", all of connection 0
    QTest::addColumn<int>("revisions");
    // The client's ACK (#7) did not act: the server sent its FIN again (#8); the next ACK (#9)
    // neither (#10).
    QTest::newRow("lost_last_ack") << u"lost_last_ack"_qs
                                   << QStringList{u"7:ignored_ack"_qs, u"8:retransmission"_qs,
                                                  u"9:ignored_ack"_qs, u"10:retransmission"_qs}
                                   << 1;
    // The handshake's ACK (#3) ignored by the full accept queue: the SYN,ACK again (#7).
    QTest::newRow("listen_overflow") << u"listen_overflow"_qs
                                     << QStringList{u"3:ignored_ack"_qs, u"7:retransmission"_qs,
                                                    u"8:ignored_ack"_qs, u"9:retransmission"_qs}
                                     << 1;
    QTest::newRow("stray_rst") << u"stray_rst"_qs
                               << QStringList{u"6:out_of_window_rst"_qs, u"7:inexact_rst"_qs} << 0;
    QTest::newRow("lost_rst") << u"lost_rst"_qs << QStringList{u"6:rst_not_received"_qs} << 1;
    QTest::newRow("stray_syn") << u"stray_syn"_qs << QStringList{u"6:stray_syn"_qs} << 0;
    QTest::newRow("client_close") << u"client_close"_qs << QStringList{} << 0;
}

void TestCliSummarize::annotationsAndRevisions()
{
    QFETCH(QString, fixture);
    QFETCH(QStringList, notes);
    QFETCH(int, revisions);
    int code = -1;
    const QJsonObject o =
        QJsonDocument::fromJson(summarize({kDir + fixture + u".lo.pcap"_qs}, &code)).object();
    QCOMPARE(code, 0);
    QVERIFY(o[u"annotations"].isArray());
    QStringList seen;
    for (const QJsonValue &v : o[u"annotations"].toArray()) {
        const QJsonObject a = v.toObject();
        QCOMPARE(a.size(), 3);
        QCOMPARE(a[u"connection"].toInt(-1), 0);
        QVERIFY(a[u"packet"].isDouble() && a[u"note"].isString());
        seen << QString::number(a[u"packet"].toInt()) + u':' + a[u"note"].toString();
    }
    QCOMPARE(seen, notes);
    QCOMPARE(o[u"revisions"].toInt(-1), revisions);
    // A file's history is final: a withdrawn change is erased, never left as a revision.
    for (const QJsonValue &c : o[u"connections"].toArray())
        for (const QJsonValue &e : c[u"endpoints"].toArray())
            for (const QJsonValue &h : e[u"history"].toArray())
                QVERIFY(!h.toObject().contains(u"revision"_qs));
}

QTEST_GUILESS_MAIN(TestCliSummarize)
#include "tst_cli_summarize.moc"
