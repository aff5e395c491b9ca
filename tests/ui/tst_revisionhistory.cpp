// A correction shows as a correction (issue 14). lost_last_ack.lo.pcap, a real capture: the
// client's ACK of the server's FIN looks delivered (the server LAST_ACK -> CLOSED), until the
// server sends its FIN again. Played through the live worker one packet per publish, the
// CLOSED was already shown: the History keeps that row and adds "revised: the ACK at … did
// not act …" going back to LAST_ACK, in English and in Chinese. Read as a file, nothing was
// shown before the whole capture was read: the withdrawn change is simply not there.
#include "formats/summaryformat.h"
#include "models/packetconnectionmodel.h"
#include "packets/capturefile.h"
#include "pages/capturepage.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "support/pcapfeed.h"
#include "theme.h"
#include "uilanguage.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <fcntl.h>

using namespace tcpscope;
using namespace std::chrono_literals;

namespace {

const QString kFixture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/lost_last_ack.lo.pcap");

// The History rows of the page's first connection: "FROM>TO | packet column".
QStringList historyRows(CapturePage *page)
{
    page->table()->selectRow(0);
    QStringList out;
    const QTreeWidget *h = page->historyView();
    for (int i = 0; i < h->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *it = h->topLevelItem(i);
        out << it->text(3) + u'>' + it->text(4) + u" | "_qs + it->text(5);
    }
    return out;
}

QStringList revised(const QStringList &rows, const QString &prefix)
{
    QStringList out;
    for (const QString &r : rows) {
        if (r.section(u" | "_qs, 1).startsWith(prefix))
            out << r;
    }
    return out;
}

// TCPSCOPE_SHOTS=DIR: the page as the test sees it, to look at (not compared).
void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SHOTS");
    if (!dir.isEmpty())
        w->grab().save(dir + u'/' + name + u".png"_qs);
}

} // namespace

class TestRevisionHistory : public QObject
{
    Q_OBJECT
private slots:
    void liveShowsTheCorrection();
    void fileShowsTheFinalHistory();
    void summaryJsonMarksPublishedRevisions();
};

void TestRevisionHistory::liveShowsTheCorrection()
{
    LiveCapturePage live;
    live.resize(1400, 900);
    live.show();
    LiveCaptureOptions o;
    o.wallClock = false; // the recording's own times: its ACKs are held as they were
    o.publishIntervalMs = 20;
    o.keepPackets = false;
    int p[2];
    QCOMPARE(::pipe2(p, O_CLOEXEC), 0);
    QSignalSpy stopped(&live, &LiveCapturePage::stopped);
    // Every change reaches the view as an entry of a delta: the revision too.
    std::vector<StateChange> delivered;
    connect(&live, &LiveCapturePage::deltaShown, &live, [&](const LiveDelta &d) {
        delivered.insert(delivered.end(), d.changes.begin(), d.changes.end());
    });
    live.startStream(p[0], u"lost_last_ack"_qs, o);
    {
        test::PcapFeeder feed(test::splitPcap(kFixture), p[1], 1, 120ms);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 20000);
    }
    const auto isRevision = [](const StateChange &c) {
        return c.revision != Revision::None;
    };
    QCOMPARE(std::count_if(delivered.begin(), delivered.end(), isRevision), 1);
    const StateChange r = *std::find_if(delivered.begin(), delivered.end(), isRevision);
    QCOMPARE(r.revision, Revision::AckDidNotAct);
    QCOMPARE(r.from, TcpState::Closed);
    QCOMPARE(r.to, TcpState::LastAck);
    QCOMPARE(r.packet, 8u); // the FIN's second copy

    const QStringList rows = historyRows(live.page());
    // The earlier row stays as it was shown, and the correction follows it.
    const int closed = int(rows.indexOf(QRegularExpression(u"^LAST_ACK>CLOSED \\| #7 ACK$"_qs)));
    QVERIFY2(closed >= 0, qPrintable(rows.join(u'\n')));
    const QStringList en = revised(rows, u"revised: "_qs);
    QCOMPARE(en.size(), 1);
    QCOMPARE(rows.indexOf(en.front()), closed + 1);
    QVERIFY2(en.front().startsWith(u"CLOSED>LAST_ACK | revised: the ACK at "_qs),
             qPrintable(en.front()));
    QVERIFY2(en.front().contains(u" did not act (lost or ignored): the server sent its FIN "
                                 u"again, #8 at "_qs),
             qPrintable(en.front()));
    live.page()->views().side->setCurrentIndex(1); // History in front, for the picture
    shoot(&live, u"revision-history-en"_qs);
    QVERIFY(UiLanguage::instance().set(u"zh"_qs));
    QStringList zh;
    QTRY_VERIFY((zh = revised(historyRows(live.page()), u"已修正："_qs)).size() == 1);
    shoot(&live, u"revision-history-zh"_qs);
    if (!qEnvironmentVariableIsEmpty("TCPSCOPE_SHOTS")) { // the dark theme, to look at too
        const QString before = currentTheme();
        applyTheme(u"dark"_qs);
        QApplication::processEvents();
        shoot(&live, u"revision-history-zh-dark"_qs);
        applyTheme(before);
    }
    QVERIFY(UiLanguage::instance().set(u"en"_qs));
    QVERIFY2(zh.front().contains(u"服务器"_qs) && zh.front().contains(u"#8"_qs),
             qPrintable(zh.front()));
}

void TestRevisionHistory::fileShowsTheFinalHistory()
{
    CapturePage page(readCapture(kFixture));
    page.resize(1400, 900);
    page.show();
    const QStringList rows = historyRows(&page);
    QVERIFY2(revised(rows, u"revised: "_qs).isEmpty(), qPrintable(rows.join(u'\n')));
    // The server's close as the whole capture shows it: LAST_ACK until the end (only the
    // clock after the file's last ACK would show that it acted).
    QVERIFY2(rows.filter(u"CLOSE_WAIT>LAST_ACK"_qs).size() == 1, qPrintable(rows.join(u'\n')));
    QVERIFY2(rows.filter(u"LAST_ACK>CLOSED"_qs).isEmpty(), qPrintable(rows.join(u'\n')));
}

// As a live capture publishes (every change shown at once), summarize's JSON writer marks
// the correction: the server's history goes LAST_ACK, CLOSED, then LAST_ACK again, revised.
void TestRevisionHistory::summaryJsonMarksPublishedRevisions()
{
    CaptureReader reader;
    QString error;
    std::vector<Segment> segments;
    QVERIFY2(reader.open(kFixture, &error) && reader.read(nullptr, &segments, &error),
             qPrintable(error));
    TcpTracker tracker;
    for (const Segment &s : segments) {
        tracker.process(s);
        tracker.markPublished(tracker.changes().size());
    }
    std::string out;
    writeSummaryJson(out, tracker, reader.stats());
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(out)).object();
    QCOMPARE(o[u"revisions"].toInt(), 1);
    QStringList server;
    for (const QJsonValue &e : o[u"connections"][0][u"endpoints"].toArray()) {
        if (e[u"role"] != u"server"_qs)
            continue;
        for (const QJsonValue &h : e[u"history"].toArray())
            server << h[u"state"].toString() + u'#' + QString::number(h[u"packet"].toInt())
                          + (h.toObject().contains(u"revision"_qs)
                                 ? u' ' + h[u"revision"].toString()
                                 : QString());
    }
    QCOMPARE(server,
             (QStringList{u"SYN_RECEIVED#1"_qs, u"ESTABLISHED#3"_qs, u"CLOSE_WAIT#4"_qs,
                          u"LAST_ACK#6"_qs, u"CLOSED#7"_qs, u"LAST_ACK#8 ack_did_not_act"_qs}));
}

QTEST_MAIN(TestRevisionHistory)
#include "tst_revisionhistory.moc"
