// The kernel tab's ladder, offscreen, on a real loopback connection traced by tcpscope-trace:
// its two bands are exactly the traced transitions of both ends (the other end found by the
// reversed 4-tuple), the states at the end are what `ss` says, nothing is drawn between the
// timelines (no segments), no two labels overlap in English or Chinese; an end that is not a
// socket of this host is labelled not observed; without the trace the pane says why there are
// no bands. Root only (the helper loads BPF programs): skipped otherwise, saying why.
#include "kernel/kernelladder.h"
#include "ladder/kernelladderview.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/kerneltrace.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "support/netns.h"
#include "support/sstext.h"
#include "theme.h"
#include "uilanguage.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace tcpscope;

class TestKernelLadder : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void tracedLoopbackConnection();
    void withoutTraceSaysWhy();

private:
    std::unique_ptr<TestNetns> m_netns;
};

namespace {

QList<SsSocket> ss(quint16 local, quint16 remote)
{
    QProcess p;
    p.start(QStringLiteral("ss"),
            {QStringLiteral("-tanH"),
             QStringLiteral("sport = :%1 and dport = :%2").arg(local).arg(remote)});
    p.waitForFinished(30000);
    return parseSsOutput(QString::fromLocal8Bit(p.readAllStandardOutput()));
}

int rowOf(KernelPage &page, quint64 key)
{
    for (int r = 0; r < page.proxy()->rowCount(); ++r) {
        if (page.proxy()->index(r, 0).data(KernelSocketModel::KeyRole).toULongLong() == key)
            return r;
    }
    return -1;
}

// The ladder's changes of one end are the record's traced transitions of that socket, and its
// band goes through exactly their states.
QString bandDifferences(const KernelLadder &l, int end, const std::vector<Transition> &history)
{
    std::vector<Transition> mine;
    for (const KernelLadder::Change &c : l.changes) {
        if (c.end == end)
            mine.push_back(c.transition);
    }
    if (mine.size() != history.size())
        return QStringLiteral("end %1: %2 changes, the record %3")
            .arg(end)
            .arg(mine.size())
            .arg(history.size());
    TcpState band = l.ends[std::size_t(end)].initial;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        if (mine[i].timeNs != history[i].timeNs || mine[i].from != history[i].from
            || mine[i].to != history[i].to || mine[i].observedBy != ObservedBy::Tracing)
            return QStringLiteral("end %1: change %2 differs").arg(end).arg(i);
        if (band != history[i].from)
            return QStringLiteral("end %1: the band is %2 before change %3")
                .arg(end)
                .arg(rfcName(band))
                .arg(i);
        band = history[i].to;
    }
    for (std::size_t i = 0; i < l.changes.size(); ++i) { // after each row, both ends
        if (i > 0 && l.changes[i].timeNs < l.changes[i - 1].timeNs)
            return QStringLiteral("the rows are not in time order");
    }
    if (band != l.ends[std::size_t(end)].final)
        return QStringLiteral("end %1 ends elsewhere").arg(end);
    return {};
}

// No two texts overlap, and none of the header's or the states' is cut.
QString overlaps(const KernelLadderView &view)
{
    const KernelLadderLayout &L = view.layout();
    const std::vector<QRectF> rects = L.textRects(0, L.rowCount() - 1);
    for (std::size_t i = 0; i < rects.size(); ++i) {
        for (std::size_t j = i + 1; j < rects.size(); ++j) {
            const QRectF x = rects[i].intersected(rects[j]);
            if (x.width() > 0.5 && x.height() > 0.5)
                return QStringLiteral("texts %1 and %2 overlap").arg(i).arg(j);
        }
        if (rects[i].left() < 0 || rects[i].right() > L.width())
            return QStringLiteral("text %1 is outside the view").arg(i);
    }
    QFont bold = view.font();
    bold.setBold(true);
    for (int e = 0; e < 2; ++e) {
        for (int k = 0; k < 3; ++k) {
            const QFontMetricsF fm(k == 0 ? bold : view.font());
            if (fm.horizontalAdvance(L.titleText(e, k)) > L.titleRect(e, k).width())
                return QStringLiteral("title line %1 of end %2 is cut: ").arg(k).arg(e)
                       + L.titleText(e, k);
        }
    }
    for (int r = 0; r < L.rowCount(); ++r) {
        if (QFontMetricsF(bold).horizontalAdvance(L.changeText(r, 0)) > L.changeRect(r, 0).width())
            return QStringLiteral("row %1's state is cut").arg(r);
    }
    return {};
}

// Between the timelines, below the header, every pixel is the background but the changes'
// texts: no arrow, no segment.
QString drawnBetween(KernelLadderView &view)
{
    const QImage img = view.viewport()->grab().toImage();
    const KernelLadderLayout &L = view.layout();
    const double line = L.lineHeight();
    const int scroll = view.verticalScrollBar()->value();
    std::vector<QRectF> texts; // where the texts are, in the viewport
    QFont bold = view.font();
    bold.setBold(true);
    for (int r = 0; r < L.rowCount(); ++r) {
        for (int k = 0; k < 3; ++k) {
            const QRectF box = L.changeRect(r, k).translated(0, -scroll);
            const QFontMetricsF fm(k == 0 ? bold : view.font());
            const double w = fm.horizontalAdvance(
                fm.elidedText(L.changeText(r, k), Qt::ElideRight, box.width()));
            const double x = L.changeAlignment(r) & Qt::AlignLeft ? box.left() : box.right() - w;
            texts.push_back(QRectF(x - 2, box.top() - 2, w + 4, box.height() + 4)); // antialiasing
        }
    }
    const int x0 = int(std::min(L.timelineX(0), L.timelineX(1)) + 0.7 * line);
    const int x1 = int(std::max(L.timelineX(0), L.timelineX(1)) - 0.7 * line);
    const QRgb base = view.palette().color(QPalette::Base).rgb();
    const int y1 = std::min(img.height(), int(L.height()) - scroll);
    int checked = 0;
    for (int y = int(L.headerHeight()) + 1; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
            const QPointF at(x + 0.5, y + 0.5);
            if (std::any_of(texts.begin(), texts.end(),
                            [&](const QRectF &t) { return t.contains(at); }))
                continue;
            ++checked;
            if (img.pixel(x, y) != base)
                return QStringLiteral("drawn at %1,%2").arg(x).arg(y);
        }
    }
    return checked > 10000 ? QString() : QStringLiteral("too little checked: %1").arg(checked);
}

void screenshot(KernelPage &page, const QString &name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    page.sourceViews()->showLadder();
    QTest::qWait(200);
    page.grab().save(dir + u'/' + name);
}

} // namespace

void TestKernelLadder::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the trace helper loads BPF programs (or cap_bpf,cap_perfmon)");
    const QString helper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace");
    if (!QFile::exists(helper))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    qputenv("TCPSCOPE_TRACE_HELPER", helper.toLocal8Bit());
    m_netns = std::make_unique<TestNetns>(u"kernel-ladder"_qs);
    QVERIFY(m_netns->ok());
    QVERIFY(m_netns->enter());
    const QString style = qEnvironmentVariable("TCPSCOPE_SCREENSHOT_STYLE", u"en-light"_qs);
    applyTheme(style.endsWith(u"dark") ? u"dark"_qs : u"light"_qs);
}

void TestKernelLadder::tracedLoopbackConnection()
{
    KernelPage page(true);
    page.resize(1400, 900);
    page.show();
    auto *mode = page.findChild<KernelTraceMode *>();
    QVERIFY(mode);
    QTRY_VERIFY_WITH_TIMEOUT(mode->isExact() || !mode->notice().isEmpty(), 90000);
    if (!mode->isExact())
        QSKIP(qPrintable(mode->notice()));

    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    QCOMPARE(::shutdown(c, SHUT_WR), 0); // client FIN_WAIT_2, server CLOSE_WAIT: both stay
    auto cookieOf = [&](bool client) -> quint64 {
        for (const Transition &t : page.store().allTransitions()) {
            if (client && t.remotePort == port && t.from == TcpState::SynSent)
                return t.connection;
            if (!client && t.localPort == port && t.to == TcpState::SynReceived)
                return t.connection;
        }
        return 0;
    };
    auto lastIs = [&](quint64 key, TcpState state) {
        const auto h = page.store().history(key);
        return key && !h.empty() && h.back().to == state;
    };
    QTRY_VERIFY_WITH_TIMEOUT(lastIs(cookieOf(true), TcpState::FinWait2)
                                 && lastIs(cookieOf(false), TcpState::CloseWait),
                             30000);
    const quint64 client = cookieOf(true), server = cookieOf(false);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(page, client) >= 0, 10000);
    page.table()->selectRow(rowOf(page, client));
    KernelLadderView *view = page.ladderView();
    QTRY_VERIFY(view->ladder() && !view->ladder()->empty());
    const KernelLadder &ladder = *view->ladder();
    QCOMPARE(ladder.ends[0].key, client);
    QCOMPARE(ladder.ends[1].key, server); // paired by the reversed 4-tuple
    QVERIFY(ladder.ends[1].observed);
    QCOMPARE(ladder.left, 0); // the client, who connect()ed
    QString diff = bandDifferences(ladder, 0, page.store().history(client));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    diff = bandDifferences(ladder, 1, page.store().history(server));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    // The kernel agrees at the end.
    const quint16 clientPort = ladder.ends[0].port;
    const QList<SsSocket> mine = ss(clientPort, port), theirs = ss(port, clientPort);
    QCOMPARE(mine.size(), 1);
    QCOMPARE(theirs.size(), 1);
    QCOMPARE(mine[0].state, ssName(ladder.ends[0].final));
    QCOMPARE(theirs[0].state, ssName(ladder.ends[1].final));
    QCOMPARE(ladder.ends[0].final, TcpState::FinWait2);
    QCOMPARE(ladder.ends[1].final, TcpState::CloseWait);

    for (const QString &language : {u"en"_qs, u"zh"_qs}) {
        UiLanguage::instance().set(language);
        page.sourceViews()->showLadder();
        QTest::qWait(50);
        screenshot(page, QStringLiteral("kernel-ladder-%1-%2.png")
                             .arg(language,
                                  qEnvironmentVariable("TCPSCOPE_SCREENSHOT_STYLE", u"en-light"_qs)
                                      .section(u'-', 1)));
        diff = overlaps(*view);
        QVERIFY2(diff.isEmpty(), qPrintable(language + u": "_qs + diff + u" at width "_qs
                                            + QString::number(view->layout().width())));
        diff = drawnBetween(*view);
        QVERIFY2(diff.isEmpty(), qPrintable(language + u": "_qs + diff));
    }
    UiLanguage::instance().set(u"en"_qs);

    // The server closes too: its band ends CLOSED where the kernel says, and ss has no server.
    s.close(a);
    QTRY_VERIFY_WITH_TIMEOUT(lastIs(server, TcpState::Closed), 30000);
    QTRY_VERIFY(view->ladder() && view->ladder()->ends[1].final == TcpState::Closed);
    diff = bandDifferences(*view->ladder(), 1, page.store().history(server));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(ss(port, clientPort).size(), 0);

    // The same client seen without its other end (as a connection to another host would be):
    // that end is not observed, and says so.
    KernelTimelineStore alone;
    alone.recordTransitions(page.store().history(client));
    auto single = std::make_shared<const KernelLadder>(buildKernelLadder(alone, client));
    QVERIFY(!single->ends[1].observed);
    QCOMPARE(single->ends[1].port, port);
    for (const KernelLadder::Change &ch : single->changes)
        QCOMPARE(ch.end, 0);
    KernelLadderView solo;
    solo.resize(900, 600);
    solo.setLadder(single);
    solo.show();
    QVERIFY(solo.layout().titleText(1, 2).startsWith(u"not observed"_qs));
    for (const QString &language : {u"en"_qs, u"zh"_qs}) {
        UiLanguage::instance().set(language);
        QTest::qWait(20);
        diff = overlaps(solo);
        QVERIFY2(diff.isEmpty(), qPrintable(language + u": "_qs + diff));
        diff = drawnBetween(solo);
        QVERIFY2(diff.isEmpty(), qPrintable(language + u": "_qs + diff));
    }
    UiLanguage::instance().set(u"en"_qs);
    s.close(c);
    s.close(l);
}

// Polling only: a selected socket has no bands, and the pane says that they need the trace.
void TestKernelLadder::withoutTraceSaysWhy()
{
    qputenv("TCPSCOPE_TRACE", "0");
    KernelPage page(true);
    page.resize(1200, 800);
    page.show();
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    const QString local = QStringLiteral("127.0.0.1:%1").arg(port);
    auto listenerRow = [&] { // its row, as the table shows it
        for (int r = 0; r < page.proxy()->rowCount(); ++r) {
            for (int col = 0; col < page.proxy()->columnCount(); ++col) {
                if (page.proxy()->index(r, col).data().toString() == local)
                    return r;
            }
        }
        return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(listenerRow() >= 0, 20000);
    page.table()->selectRow(listenerRow());
    QTRY_VERIFY(page.ladderView()->emptyText().contains(u"exact trace"_qs));
    QVERIFY(!page.ladderView()->ladder());
    screenshot(page, u"kernel-ladder-polled.png"_qs);
    qunsetenv("TCPSCOPE_TRACE");
    s.close(l);
}

QTEST_MAIN(TestKernelLadder)
#include "tst_kernelladder.moc"
