// The public capture corpus (../shared/corpus, read in place) as regression fixtures: every
// file decodes, or fails with its documented reason; the number of connections (4-tuple
// incarnations) equals the number of conversations `tshark -q -z conv,tcp` lists.
#include "packets/capturereader.h"

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace tcpscope;

namespace {
const QString kCorpus = QStringLiteral(TCPSCOPE_CORPUS_DIR "/");
}

class TestCorpus : public QObject
{
    Q_OBJECT
private slots:
    void matchesTshark_data();
    void matchesTshark();
    void documentedBehaviour_data();
    void documentedBehaviour();
};

void TestCorpus::matchesTshark_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files =
        QDir(kCorpus).entryList({QStringLiteral("*.pcap"), QStringLiteral("*.pcapng")});
    QVERIFY2(files.size() >= 30, qPrintable(kCorpus));
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << f;
}

void TestCorpus::matchesTshark()
{
    QFETCH(QString, file);
    if (QStandardPaths::findExecutable(QStringLiteral("tshark")).isEmpty())
        QSKIP("tshark is not installed (installers/install-deps.sh installs it)");
    QProcess tshark;
    tshark.start(QStringLiteral("tshark"),
                 {QStringLiteral("-q"), QStringLiteral("-z"), QStringLiteral("conv,tcp"),
                  QStringLiteral("-r"), kCorpus + file});
    QVERIFY(tshark.waitForFinished(60000));
    const int conversations = int(QString::fromUtf8(tshark.readAllStandardOutput()).count(u"<->"));

    CaptureReader reader;
    QString error;
    QVERIFY2(reader.open(kCorpus + file, &error), qPrintable(error));
    TcpTracker tracker;
    QVERIFY2(reader.read(tracker, &error), qPrintable(error));
    tracker.finish(reader.stats().lastTimeNs);
    if (file == u"zeek__ipv4__fragmented-syn.pcap") {
        // The only SYN's TCP header is split over two IPv4 fragments. tshark reassembles
        // them; tcpscope does not (documented: fragments are counted and skipped).
        QCOMPARE(reader.stats().skipped[std::size_t(SkipReason::IpFragment)], std::uint64_t(2));
        QCOMPARE(int(tracker.connections().size()), conversations - 1);
    } else {
        QCOMPARE(int(tracker.connections().size()), conversations);
    }
    // Everything read was either TCP or skipped with a reason.
    std::uint64_t skipped = 0;
    for (std::uint64_t n : reader.stats().skipped)
        skipped += n;
    QCOMPARE(reader.stats().tcpPackets + skipped, reader.stats().packets);
}

// What the corpus MANIFEST says a file shows, as the engine must tell it.
void TestCorpus::documentedBehaviour_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("skipReason");  // a reason some packets are skipped for, or empty
    QTest::addColumn<QString>("finalStates"); // "client/server" of the last connection
    QTest::addColumn<bool>("midStream");
    QTest::newRow("fragmented SYN")
        << u"zeek__ipv4__fragmented-syn.pcap"_qs << u"ip_fragment"_qs << QString() << false;
    QTest::newRow("invalid IP header length")
        << u"tcpdump__ipv4_invalid_hdr_length.pcap"_qs << u"bad_ip_header"_qs << QString() << false;
    QTest::newRow("TCP header overflow")
        << u"tcpdump__tcp_header_heapoverflow.pcap"_qs << u"truncated_tcp"_qs << QString() << false;
    QTest::newRow("both FINs cross")
        << u"zeek__http__post.pcap"_qs << QString() << u"TIME_WAIT/TIME_WAIT"_qs << false;
    // The client's FIN (09:10:36) never reached the server: its own FIN and the four copies
    // that follow all acknowledge short of it, so the server stays FIN_WAIT_1. The client,
    // silent after the server's FIN, is taken to have received it: CLOSING.
    QTest::newRow("PPPoE over QinQ, the client's FIN lost")
        << u"zeek__pppoe-over-qinq.pcap"_qs << QString() << u"CLOSING/FIN_WAIT_1"_qs << false;
    QTest::newRow("capture starts at the SYN/ACK")
        << u"zeek__tcp__missing-syn.pcap"_qs << QString() << u"TIME_WAIT/CLOSED"_qs << true;
    QTest::newRow("SYN then RST") << u"zeek__tcp__syn-then-rst.pcap"_qs << QString()
                                  << u"CLOSED/CLOSED"_qs << false;
    QTest::newRow("SYN alone") << u"zeek__tcp__syn.pcap"_qs << QString() << u"SYN_SENT/LISTEN"_qs
                               << false;
    QTest::newRow("NFLOG") << u"zeek__nflog-http.pcap"_qs << QString() << u"TIME_WAIT/CLOSED"_qs
                           << false;
    QTest::newRow("pcapng with several link types")
        << u"zeek__ldap__gap-data-missing.pcapng"_qs << QString() << u"CLOSED/CLOSED"_qs << false;
}

void TestCorpus::documentedBehaviour()
{
    QFETCH(QString, file);
    QFETCH(QString, skipReason);
    QFETCH(QString, finalStates);
    QFETCH(bool, midStream);
    CaptureReader reader;
    QString error;
    QVERIFY2(reader.open(kCorpus + file, &error), qPrintable(error));
    TcpTracker tracker;
    QVERIFY2(reader.read(tracker, &error), qPrintable(error));
    tracker.finish(reader.stats().lastTimeNs);
    if (!skipReason.isEmpty()) {
        bool found = false;
        for (int r = 1; r < kSkipReasonCount; ++r)
            found |= reader.stats().skipped[std::size_t(r)]
                     && QLatin1String(skipReasonName(SkipReason(r))) == skipReason;
        QVERIFY2(found, qPrintable(skipReason));
    }
    if (!finalStates.isEmpty()) {
        QVERIFY(!tracker.connections().empty());
        const Connection &c = tracker.connections().back();
        const int client = c.ep[0].role == Role::Server ? 1 : 0;
        QCOMPARE(QString::fromLatin1(names(c.ep[std::size_t(client)].state).rfc) + u'/'
                     + QString::fromLatin1(names(c.ep[std::size_t(1 - client)].state).rfc),
                 finalStates);
        QCOMPARE(c.midStream, midStream);
    }
}

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
