// tcpscope-cli capture's printer (formats/liveprinter.h) on a recorded capture written through
// a pipe, as the capture helper writes it: with finished connections retired beyond a small
// bound, the tracker's connections stay within it while what is printed (text and JSON, the
// connection numbers included) is what printing with nothing retired gives.
#include "formats/liveprinter.h"
#include "packets/capturereader.h"
#include "support/pcapfeed.h"

#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace tcpscope;
using namespace std::chrono_literals;

namespace {

struct Printed
{
    std::string out;
    std::size_t mostFinishedKept = 0;
    std::size_t mostKept = 0;
    std::size_t mostChanges = 0;
    std::uint64_t retired = 0, seen = 0;
    QString error;
};

// Reads `file` from a pipe fed by a thread, printing as tcpscope-cli capture does.
Printed printLive(const QString &file, bool json, std::size_t keepFinished)
{
    Printed p;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        p.error = QStringLiteral("no pipe");
        return p;
    }
    TcpTracker tracker(1'000'000); // TIME_WAIT of 1 ms: the recording's connections finish
    LivePrinterOptions o;
    o.json = json;
    o.keepFinished = keepFinished;
    o.graceNs = 0;
    o.expireEveryNs = 0;
    LivePrinter printer(tracker, o);
    CaptureReader reader;
    test::PcapFeeder feed(test::splitPcap(QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + file),
                          fds[1], 3, 1ms);
    if (!reader.open(::fdopen(fds[0], "rb"), file, &p.error))
        return p;
    reader.setSegmentObserver([&](const Segment &) {
        printer.afterSegment(p.out, reader.stats().lastTimeNs);
        std::size_t finished = 0;
        for (const Connection &c : tracker.connections())
            finished += c.ep[0].state == TcpState::Closed && c.ep[1].state == TcpState::Closed;
        p.mostFinishedKept = std::max(p.mostFinishedKept, finished);
        p.mostKept = std::max(p.mostKept, tracker.connections().size());
        p.mostChanges = std::max(p.mostChanges, tracker.changes().size());
    });
    if (!reader.read(tracker, &p.error))
        return p;
    printer.flush(p.out);
    p.retired = printer.retired();
    p.seen = printer.connectionsSeen();
    return p;
}

} // namespace

class TestLivePrinter : public QObject
{
    Q_OBJECT
private slots:
    void retirementKeepsTheCaptureBounded_data();
    void retirementKeepsTheCaptureBounded();
};

void TestLivePrinter::retirementKeepsTheCaptureBounded_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("json");
    QTest::newRow("many_short text") << u"many_short.lo.pcap"_qs << false;
    QTest::newRow("many_short json") << u"many_short.lo.pcap"_qs << true;
    QTest::newRow("many_short any json") << u"many_short.any-sll.pcap"_qs << true;
}

void TestLivePrinter::retirementKeepsTheCaptureBounded()
{
    QFETCH(QString, file);
    QFETCH(bool, json);
    const Printed all = printLive(file, json, SIZE_MAX); // nothing retired
    QVERIFY2(all.error.isEmpty(), qPrintable(all.error));
    constexpr std::size_t keep = 2, bound = keep + 16; // the bound and its slack
    QVERIFY2(all.mostFinishedKept > bound + 10, "the fixture has too few connections");
    const Printed bounded = printLive(file, json, keep);
    QVERIFY2(bounded.error.isEmpty(), qPrintable(bounded.error));
    QVERIFY2(bounded.retired > 0, "nothing was retired");
    QVERIFY2(bounded.mostFinishedKept <= bound,
             qPrintable(QStringLiteral("%1 finished connections kept, the bound is %2")
                            .arg(bounded.mostFinishedKept)
                            .arg(bound)));
    QVERIFY2(bounded.mostKept < all.mostKept, "the tracker kept as many connections");
    QVERIFY2(bounded.mostChanges < all.mostChanges, "the tracker kept as many changes");
    QCOMPARE(bounded.seen, all.seen);
    QVERIFY(!all.out.empty());
    QCOMPARE(QByteArray::fromStdString(bounded.out), QByteArray::fromStdString(all.out));
}

QTEST_GUILESS_MAIN(TestLivePrinter)
#include "tst_liveprinter.moc"
