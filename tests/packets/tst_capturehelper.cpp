// CaptureHelper and the real capture helper (tcpscope-capture) together: what the helper
// refuses before it opens anything (no root needed), and a helper that ignores SIGTERM —
// as the real one does while libpcap compiles a filter — is killed by stop().
#include "packets/capturehelper.h"
#include "packets/capturereader.h"
#include "packets/helperprotocol.h"
#include "packets/interfaces.h"

#include <QTest>

#include <csignal>
#include <thread>

using namespace tcpscope;

namespace {
const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-capture");
const QString kIgnoresSigterm =
    QStringLiteral(TCPSCOPE_SOURCE_DIR "/tests/tools/helper_ignoring_sigterm.sh");

struct Outcome
{
    int code = -1;
    QString errorText;
    QString lastStats;
};

// Runs the real helper to its end with these arguments, its stream unread.
Outcome runHelper(const QStringList &args)
{
    CaptureHelper helper;
    QString error;
    if (!helper.start(kHelper, args, &error))
        qFatal("%s", qPrintable(error));
    if (FILE *out = helper.takeOutput())
        std::fclose(out);
    Outcome o;
    o.code = helper.wait();
    o.errorText = helper.errorText();
    o.lastStats = helper.lastStats();
    return o;
}
} // namespace

class TestCaptureHelper : public QObject
{
    Q_OBJECT
private slots:
    void refusesControlCharacters_data();
    void refusesControlCharacters();
    void refusesFiltersTooLongToCompile();
    void stopKillsAHelperThatIgnoresSigterm();
};

void TestCaptureHelper::refusesControlCharacters_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    // Echoed in "there is no interface …", this name used to forge a drop report.
    QTest::newRow("newline in the interface")
        << QStringList{u"-i"_qs,
                       u"lo\ntcpscope-capture: stats received=999 dropped=0 ifdropped=0"_qs}
        << u"the interface name contains a control character"_qs;
    QTest::newRow("tab in the interface")
        << QStringList{u"-i"_qs, u"lo\t"_qs} << u"the interface name contains a control"_qs;
    QTest::newRow("newline in the filter")
        << QStringList{u"-i"_qs, u"lo"_qs, u"-f"_qs,
                       u"tcp\ntcpscope-capture: stats received=999 dropped=0 ifdropped=0"_qs}
        << u"the filter contains a control character"_qs;
    QTest::newRow("DEL in the filter") << QStringList{u"-i"_qs, u"lo"_qs, u"-f"_qs, u"tcp\x7f"_qs}
                                       << u"the filter contains a control character"_qs;
}

void TestCaptureHelper::refusesControlCharacters()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Outcome o = runHelper(args);
    QCOMPARE(o.code, 2);
    QVERIFY2(o.errorText.contains(message), qPrintable(o.errorText));
    QVERIFY2(o.lastStats.isEmpty(), qPrintable(o.lastStats)); // nothing forged
    QCOMPARE(o.errorText.count(u'\n'), 1);                    // one line said it
}

void TestCaptureHelper::refusesFiltersTooLongToCompile()
{
    const auto cap = qsizetype(helperprotocol::kMaxFilterBytes);
    // "port 1 or port 1 or …", one byte too long: refused before libpcap sees it.
    QString filter = u"port 1"_qs;
    while (filter.size() < cap + 1)
        filter += u" or port 1"_qs;
    filter.truncate(cap + 1);
    const Outcome tooLong = runHelper({u"-i"_qs, u"lo"_qs, u"-f"_qs, filter});
    QCOMPARE(tooLong.code, 2);
    QVERIFY2(tooLong.errorText.contains(u"the filter is 4097 bytes long; at most 4096"),
             qPrintable(tooLong.errorText));
    // At the cap it goes on to libpcap: a permission error without root; with root, the
    // compiler's verdict on the dangling "or" at its end.
    filter.truncate(cap - 3);
    filter += u" or"_qs;
    const Outcome atCap = runHelper({u"-i"_qs, u"lo"_qs, u"-f"_qs, filter});
    QVERIFY2(!atCap.errorText.contains(u"bytes long"), qPrintable(atCap.errorText));
    QVERIFY2(atCap.code == 2 || atCap.code == 3, qPrintable(atCap.errorText));
}

void TestCaptureHelper::stopKillsAHelperThatIgnoresSigterm()
{
    qputenv("TCPSCOPE_CAPTURE_HELPER", kIgnoresSigterm.toLocal8Bit());
    QCOMPARE(captureHelperPath(), kIgnoresSigterm);
    CaptureHelper helper;
    QString error;
    QVERIFY2(helper.start(captureHelperPath(), {u"-i"_qs, u"lo"_qs}, &error), qPrintable(error));
    // As the live page does: a worker waits in open() for the stream's header, which never
    // comes; the user presses Stop.
    bool opened = true;
    QString openError;
    std::thread worker([&] {
        CaptureReader reader;
        opened = reader.open(helper.takeOutput(), u"the capture on lo"_qs, &openError);
    });
    QTest::qWait(300);
    helper.stop();
    worker.join(); // returns once the helper is gone and its pipe closed
    QVERIFY(!opened);
    QVERIFY(!openError.isEmpty());
    QCOMPARE(helper.wait(), 128 + SIGKILL);
    QVERIFY(helper.stoppedByUs());
    qunsetenv("TCPSCOPE_CAPTURE_HELPER");
}

QTEST_GUILESS_MAIN(TestCaptureHelper)
#include "tst_capturehelper.moc"
