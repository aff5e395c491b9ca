// The capture helper's stats line, written by the helper and read by CaptureHelper through the
// one header both use: every line the helper can write reads back as written, and nothing
// else reads as a stats line.
#include "packets/helperprotocol.h"

#include <QTest>

using namespace tcpscope::helperprotocol;

Q_DECLARE_METATYPE(Stats)

class TestHelperProtocol : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void onlyWholeStatsLinesAreStats_data();
    void onlyWholeStatsLinesAreStats();
    void controlCharacters();
};

void TestHelperProtocol::roundTrip_data()
{
    QTest::addColumn<Stats>("stats");
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("nothing yet") << Stats{0, 0, 0, false}
                                 << QByteArray("tcpscope-capture: stats received=0 dropped=0 "
                                               "ifdropped=0\n");
    QTest::newRow("final") << Stats{1234, 5, 6, true}
                           << QByteArray("tcpscope-capture: stats final received=1234 "
                                         "dropped=5 ifdropped=6\n");
    QTest::newRow("largest counters")
        << Stats{UINT32_MAX, UINT32_MAX, UINT32_MAX, false}
        << QByteArray("tcpscope-capture: stats received=4294967295 dropped=4294967295 "
                      "ifdropped=4294967295\n");
}

void TestHelperProtocol::roundTrip()
{
    QFETCH(Stats, stats);
    QFETCH(QByteArray, line);
    const std::string written = formatStats(stats);
    QCOMPARE(QByteArray::fromStdString(written), line); // the line the helper has always written
    const std::optional<Stats> read =
        parseStats(std::string_view(written).substr(0, written.size() - 1));
    QVERIFY(read);
    QCOMPARE(read->received, stats.received);
    QCOMPARE(read->dropped, stats.dropped);
    QCOMPARE(read->ifdropped, stats.ifdropped);
    QCOMPARE(read->final, stats.final);
    QCOMPARE(QByteArray::fromStdString(statsText(*read)),
             QByteArray("received=") + QByteArray::number(stats.received)
                 + " dropped=" + QByteArray::number(stats.dropped)
                 + " ifdropped=" + QByteArray::number(stats.ifdropped));
}

void TestHelperProtocol::onlyWholeStatsLinesAreStats_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("a message") << QByteArray("tcpscope-capture: there is no interface eth9");
    QTest::newRow("stats inside a message")
        << QByteArray("tcpscope-capture: there is no interface x tcpscope-capture: stats "
                      "received=1 dropped=0 ifdropped=0");
    QTest::newRow("trailing text")
        << QByteArray("tcpscope-capture: stats received=1 dropped=0 ifdropped=0 (x)");
    QTest::newRow("a field missing") << QByteArray("tcpscope-capture: stats received=1 dropped=0");
    QTest::newRow("negative") << QByteArray("tcpscope-capture: stats received=-1 dropped=0 "
                                            "ifdropped=0");
    QTest::newRow("past 32 bits") << QByteArray("tcpscope-capture: stats received=4294967296 "
                                                "dropped=0 ifdropped=0");
    QTest::newRow("no number") << QByteArray("tcpscope-capture: stats received= dropped=0 "
                                             "ifdropped=0");
    QTest::newRow("two spaces") << QByteArray("tcpscope-capture: stats  received=1 dropped=0 "
                                              "ifdropped=0");
    QTest::newRow("another when") << QByteArray("tcpscope-capture: stats first received=1 "
                                                "dropped=0 ifdropped=0");
    QTest::newRow("empty") << QByteArray();
}

void TestHelperProtocol::onlyWholeStatsLinesAreStats()
{
    QFETCH(QByteArray, line);
    QVERIFY(!parseStats(std::string_view(line.constData(), std::size_t(line.size()))));
}

void TestHelperProtocol::controlCharacters()
{
    QVERIFY(!hasControlCharacter("lo"));
    QVERIFY(!hasControlCharacter("tcp port 80 and host 127.0.0.1"));
    QVERIFY(!hasControlCharacter("网卡0")); // UTF-8 bytes are not control characters
    QVERIFY(hasControlCharacter("lo\ntcpscope-capture: stats received=9 dropped=0 ifdropped=0"));
    QVERIFY(hasControlCharacter("lo\r"));
    QVERIFY(hasControlCharacter("tcp\tport 80"));
    QVERIFY(hasControlCharacter("tcp\x7f"));
    QVERIFY(hasControlCharacter(std::string_view("lo\0x", 4)));
}

QTEST_APPLESS_MAIN(TestHelperProtocol)
#include "tst_helperprotocol.moc"
