// The canonical state enum and its one name table: every name of every state, parsed back.
#include "tcpstate.h"

#include <QTest>

#include <map>
#include <set>

using namespace tcpscope;

Q_DECLARE_METATYPE(tcpscope::TcpState)

class TestTcpState : public QObject
{
    Q_OBJECT
private slots:
    void names_data();
    void names();
    void roundTrip_data();
    void roundTrip();
    void aliases_data();
    void aliases();
    void rejects_data();
    void rejects();
    void linuxNumbers();
    void tableIsComplete();
};

void TestTcpState::names_data()
{
    QTest::addColumn<TcpState>("state");
    QTest::addColumn<QString>("rfc");
    QTest::addColumn<QString>("ss");
    QTest::addColumn<QString>("ssFilter");
    QTest::addColumn<int>("linuxNumber");
    QTest::addColumn<QString>("english");
    QTest::addColumn<QString>("chinese");

    // Expectations written from RFC 9293, iproute2's ss.c (sstate_name / sstate_namel) and
    // include/net/tcp_states.h, independently of the table under test.
    auto row = [](const char *tag, TcpState s, const char *rfc, const char *ss, const char *filter,
                  int linuxNumber, const char *en, const char *zh) {
        QTest::newRow(tag) << s << QString::fromLatin1(rfc) << QString::fromLatin1(ss)
                           << QString::fromLatin1(filter) << linuxNumber << QString::fromLatin1(en)
                           << QString::fromUtf8(zh);
    };
    row("closed", TcpState::Closed, "CLOSED", "UNCONN", "closed", 7, "Closed", "关闭");
    row("listen", TcpState::Listen, "LISTEN", "LISTEN", "listening", 10, "Listen", "监听");
    row("syn-sent", TcpState::SynSent, "SYN_SENT", "SYN-SENT", "syn-sent", 2, "SYN sent",
        "同步已发送");
    row("syn-recv", TcpState::SynReceived, "SYN_RECEIVED", "SYN-RECV", "syn-recv", 3,
        "SYN received", "同步已接收");
    row("estab", TcpState::Established, "ESTABLISHED", "ESTAB", "established", 1, "Established",
        "已建立连接");
    row("fin-wait-1", TcpState::FinWait1, "FIN_WAIT_1", "FIN-WAIT-1", "fin-wait-1", 4, "FIN wait 1",
        "终止等待1");
    row("fin-wait-2", TcpState::FinWait2, "FIN_WAIT_2", "FIN-WAIT-2", "fin-wait-2", 5, "FIN wait 2",
        "终止等待2");
    row("close-wait", TcpState::CloseWait, "CLOSE_WAIT", "CLOSE-WAIT", "close-wait", 8,
        "Close wait", "关闭等待");
    row("closing", TcpState::Closing, "CLOSING", "CLOSING", "closing", 11, "Closing", "同时关闭");
    row("last-ack", TcpState::LastAck, "LAST_ACK", "LAST-ACK", "last-ack", 9, "Last ACK",
        "最后确认");
    row("time-wait", TcpState::TimeWait, "TIME_WAIT", "TIME-WAIT", "time-wait", 6, "Time wait",
        "时间等待");
}

void TestTcpState::names()
{
    QFETCH(TcpState, state);
    QFETCH(QString, rfc);
    QFETCH(QString, ss);
    QFETCH(QString, ssFilter);
    QFETCH(int, linuxNumber);
    QFETCH(QString, english);
    QFETCH(QString, chinese);

    QCOMPARE(rfcName(state), rfc);
    QCOMPARE(ssName(state), ss);
    QCOMPARE(QString::fromLatin1(tcpscope::names(state).ssFilter), ssFilter);
    QCOMPARE(toLinuxState(state), linuxNumber);
    QCOMPARE(displayName(state, u"en"), english);
    QCOMPARE(displayName(state, u"zh_CN"), chinese);
}

void TestTcpState::roundTrip_data()
{
    QTest::addColumn<TcpState>("state");
    QTest::addColumn<QString>("name");
    for (const auto &row : tcpStateTable()) {
        const QString rfc = QString::fromLatin1(row.rfc);
        QTest::addRow("%s rfc", row.rfc) << row.state << rfc;
        QTest::addRow("%s ss", row.rfc) << row.state << QString::fromLatin1(row.ssColumn);
        QTest::addRow("%s filter", row.rfc) << row.state << QString::fromLatin1(row.ssFilter);
        QTest::addRow("%s english", row.rfc) << row.state << QString::fromLatin1(row.english);
        QTest::addRow("%s chinese", row.rfc) << row.state << QString::fromUtf8(row.chinese);
        QTest::addRow("%s lower", row.rfc) << row.state << rfc.toLower();
        QTest::addRow("%s dashes", row.rfc) << row.state << QString(rfc).replace(u'_', u'-');
        QTest::addRow("%s padded", row.rfc)
            << row.state << (QStringLiteral("  ") + rfc + QStringLiteral(" "));
    }
}

void TestTcpState::roundTrip()
{
    QFETCH(TcpState, state);
    QFETCH(QString, name);
    const auto parsed = parseTcpState(name);
    QVERIFY2(parsed.has_value(), qPrintable(name));
    QCOMPARE(*parsed, state);
    QCOMPARE(parseTcpState(rfcName(*parsed)), state);
    QCOMPARE(fromLinuxState(toLinuxState(*parsed)), state);
}

void TestTcpState::aliases_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<TcpState>("state");
    QTest::newRow("SYN_RECV") << u"SYN_RECV"_qs << TcpState::SynReceived;
    QTest::newRow("NEW_SYN_RECV") << u"NEW_SYN_RECV"_qs << TcpState::SynReceived;
    QTest::newRow("SYN-RCVD") << u"SYN-RCVD"_qs << TcpState::SynReceived;
    QTest::newRow("CLOSE") << u"CLOSE"_qs << TcpState::Closed;
    QTest::newRow("FIN-WAIT1") << u"FIN-WAIT1"_qs << TcpState::FinWait1;
    QTest::newRow("FIN_WAIT2") << u"FIN_WAIT2"_qs << TcpState::FinWait2;
    QTest::newRow("estab") << u"estab"_qs << TcpState::Established;
}

void TestTcpState::aliases()
{
    QFETCH(QString, name);
    QFETCH(TcpState, state);
    QCOMPARE(parseTcpState(name), state);
}

void TestTcpState::rejects_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << u"   "_qs;
    QTest::newRow("TIME_CLOSE (a myth)") << u"TIME_CLOSE"_qs;
    QTest::newRow("half a name") << u"FIN_WAIT"_qs;
    QTest::newRow("number") << u"6"_qs;
}

void TestTcpState::rejects()
{
    QFETCH(QString, name);
    QVERIFY(!parseTcpState(name).has_value());
}

void TestTcpState::linuxNumbers()
{
    QCOMPARE(fromLinuxState(12), TcpState::SynReceived); // TCP_NEW_SYN_RECV
    QVERIFY(!fromLinuxState(0).has_value());
    QVERIFY(!fromLinuxState(13).has_value());
    QVERIFY(!fromLinuxState(-1).has_value());
}

void TestTcpState::tableIsComplete()
{
    std::set<int> seenLinux;
    std::map<QString, TcpState> owner; // no name may stand for two states
    for (int i = 0; i < kTcpStateCount; ++i) {
        const auto &row = tcpStateTable()[static_cast<std::size_t>(i)];
        QCOMPARE(index(row.state), i); // the table is ordered by the enum
        QVERIFY(seenLinux.insert(row.linuxNumber).second);
        QStringList all{QString::fromLatin1(row.rfc), QString::fromLatin1(row.ssColumn),
                        QString::fromLatin1(row.ssFilter), QString::fromLatin1(row.english),
                        QString::fromUtf8(row.chinese)};
        for (const QString &n : all) {
            QVERIFY2(!n.isEmpty(), row.rfc);
            const auto [it, inserted] = owner.emplace(n.toLower(), row.state);
            QVERIFY2(inserted || it->second == row.state, qPrintable(n));
        }
    }
}

QTEST_GUILESS_MAIN(TestTcpState)
#include "tst_tcpstate.moc"
