// The kernel tab in exact mode, offscreen, as a user meets it: a loopback connection that
// lives 5 ms shows every one of its transitions — traced by tcpscope-trace — in the record, as
// a fading row whose history gives each change to the microsecond with the process that made
// it, and as tokens along exactly those arrows, one after another. Root only (the helper
// loads BPF programs): skipped otherwise, saying why.
#include "diagram/statediagramview.h"
#include "diagramgraph.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/kerneltrace.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "support/netns.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/findingspanel.h"
#include "widgets/statecountchart.h"

#include <QCheckBox>
#include <QFile>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <unistd.h>

using namespace tcpscope;

class TestKernelTraceGui : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void fiveMillisecondConnectionIsShownExactly();
    void chartCountsFollowTracedTransitions();
    void refusedConnectsAreAFinding();

private:
    void screenshot(KernelPage &page);
    std::unique_ptr<TestNetns> m_netns;
};

void TestKernelTraceGui::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the trace helper loads BPF programs (or cap_bpf,cap_perfmon)");
    const QString helper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace");
    if (!QFile::exists(helper))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    qputenv("TCPSCOPE_TRACE_HELPER", helper.toLocal8Bit());
    // A namespace of our own, entered before the page's threads and helper start (they
    // inherit it): no other test's connections on the diagram.
    m_netns = std::make_unique<TestNetns>(u"trace-gui"_qs);
    QVERIFY(m_netns->ok());
    QVERIFY(m_netns->enter());
    const QString style = qEnvironmentVariable("TCPSCOPE_SCREENSHOT_STYLE", u"en-light"_qs);
    applyTheme(style.endsWith(u"dark") ? u"dark"_qs : u"light"_qs);
    UiLanguage::instance().set(style.left(2));
}

namespace {
using Step = std::pair<TcpState, TcpState>;
std::vector<Step> stepsOf(const std::vector<Transition> &ts)
{
    std::vector<Step> out;
    for (const Transition &t : ts)
        out.emplace_back(t.from, t.to);
    return out;
}
} // namespace

void TestKernelTraceGui::fiveMillisecondConnectionIsShownExactly()
{
    KernelPage page(true);
    page.resize(1200, 800);
    page.show();
    auto *mode = page.findChild<KernelTraceMode *>();
    QVERIFY(mode);
    QTRY_VERIFY_WITH_TIMEOUT(mode->isExact() || !mode->notice().isEmpty(), 90000);
    if (!mode->isExact())
        QSKIP(qPrintable(mode->notice()));
    QSignalSpy status(&page, &KernelPage::statusChanged);
    QTRY_VERIFY_WITH_TIMEOUT(
        !status.isEmpty()
            && status.last().first().toString().contains(KernelTraceMode::tr(" · exact (eBPF)")),
        30000);

    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const quint16 port = quint16(LoopSockets::port(l));
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    ::usleep(5000);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);

    // The record: every change of both ends, exact and in the kernel's order.
    auto cookieOf = [&](bool client) -> std::uint64_t {
        for (const Transition &t : page.store().allTransitions()) {
            if (client && t.remotePort == port && t.from == TcpState::SynSent)
                return t.connection;
            if (!client && t.localPort == port && t.to == TcpState::SynReceived)
                return t.connection;
        }
        return 0;
    };
    auto serverDone = [&] {
        const std::uint64_t server = cookieOf(false);
        const auto h = page.store().history(server);
        return server && !h.empty() && h.back().to == TcpState::Closed;
    };
    QTRY_VERIFY_WITH_TIMEOUT(serverDone(), 30000);
    const std::uint64_t client = cookieOf(true), server = cookieOf(false);
    QVERIFY(client && server && client != server);
    using S = TcpState;
    std::vector<Transition> ch = page.store().history(client);
    // The client's FIN_WAIT_2 becomes TIME_WAIT as a full socket when the server's FIN finds
    // it still in close(); else it waits in a FIN_WAIT_2 minisocket (the same state).
    if (ch.size() == 5 && ch.back().from == TcpState::FinWait2
        && ch.back().to == TcpState::TimeWait)
        ch.pop_back();
    const std::vector<Transition> sh = page.store().history(server);
    QCOMPARE(stepsOf(ch), (std::vector<Step>{{S::Closed, S::SynSent},
                                             {S::SynSent, S::Established},
                                             {S::Established, S::FinWait1},
                                             {S::FinWait1, S::FinWait2}}));
    QCOMPARE(stepsOf(sh), (std::vector<Step>{{S::Listen, S::SynReceived},
                                             {S::SynReceived, S::Established},
                                             {S::Established, S::CloseWait},
                                             {S::CloseWait, S::LastAck},
                                             {S::LastAck, S::Closed}}));
    for (const Transition &t : ch)
        QCOMPARE(t.observedBy, ObservedBy::Tracing);
    QCOMPARE(ch.front().pid, std::uint32_t(::getpid())); // connect(): our system call
    const double livedMs = double(sh.back().timeNs - sh.front().timeNs) / 1e6;
    QVERIFY2(livedMs >= 5 && livedMs < 1000, qPrintable(QString::number(livedMs)));

    // The tokens: one per transition, along exactly its arrow.
    auto tokensOf = [&](std::uint64_t cookie) {
        std::vector<std::vector<int>> out;
        for (const auto &st : page.sourceViews()->diagram->animator().startedLog()) {
            if (st.connection == cookie)
                out.push_back(st.edges);
        }
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(tokensOf(server).size(), sh.size(), 30000);
    for (std::size_t i = 0; i < sh.size(); ++i) {
        QCOMPARE(tokensOf(server)[i], diagramPath(sh[i].from, sh[i].to, false));
        QCOMPARE(tokensOf(server)[i].size(), std::size_t(1));
    }
    const DiagramEdge &firstArrow = diagramEdges()[std::size_t(tokensOf(server)[0].at(0))];
    QCOMPARE(firstArrow.from, S::Listen); // one arrow each, no guessed path
    QCOMPARE(firstArrow.to, S::SynReceived);

    // The server lived 5 ms, between two polls: a fading row whose history is all of it.
    auto rowOf = [&](std::uint64_t cookie) {
        for (int r = 0; r < page.proxy()->rowCount(); ++r) {
            if (page.proxy()->index(r, 0).data(KernelSocketModel::KeyRole).toULongLong() == cookie)
                return r;
        }
        return -1;
    };
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(server) >= 0, 10000);
    page.table()->selectRow(rowOf(server));
    page.sourceViews()->follow->setChecked(true);
    QTRY_COMPARE(page.historyView()->topLevelItemCount(), int(sh.size()));
    const QTreeWidgetItem *first = page.historyView()->topLevelItem(0);
    QCOMPARE(first->text(1), u"LISTEN"_qs);
    QCOMPARE(first->text(2), u"SYN_RECEIVED"_qs);
    QVERIFY2(first->text(3).startsWith(KernelTraceMode::tr("exact, by %1").section(u"%1"_qs, 0, 0)),
             qPrintable(first->text(3)));
    QCOMPARE(first->text(0).size(), 15); // HH:mm:ss.zzzuuu: microseconds
    screenshot(page);
    s.close(l);
}

// Between two polls 10 s apart, a connection lives 300 ms: the chart's counts still show both
// ends ESTABLISHED while it lived, and none after, from the traced transitions.
void TestKernelTraceGui::chartCountsFollowTracedTransitions()
{
    KernelPage page(true);
    page.setInterval(10000);
    page.show();
    auto *mode = page.findChild<KernelTraceMode *>();
    QVERIFY(mode);
    QTRY_VERIFY_WITH_TIMEOUT(mode->isExact() || !mode->notice().isEmpty(), 90000);
    if (!mode->isExact())
        QSKIP(qPrintable(mode->notice()));
    auto *chart = page.findChild<StateCountChart *>();
    QVERIFY(chart);
    const std::size_t polls = page.store().samples().size(); // one sample per poll
    QTRY_VERIFY_WITH_TIMEOUT(page.store().samples().size() > polls, 15000);
    const std::size_t polled = page.store().samples().size(); // just after a poll: 10 s to go
    const std::size_t before = chart->samples().size();
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    QTest::qWait(300);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    s.close(l);
    const auto established = std::size_t(index(TcpState::Established));
    auto peak = [&] {
        int most = 0;
        for (std::size_t i = before; i < chart->samples().size(); ++i)
            most = std::max(most, chart->samples()[i].second[established]);
        return most;
    };
    QTRY_COMPARE_WITH_TIMEOUT(peak(), 2, 5000);
    QCOMPARE(page.store().samples().size(), polled); // no poll saw it: the trace did
    QTRY_COMPARE_WITH_TIMEOUT(chart->samples().back().second[established], 0, 5000); // closed
}

// Refused connects leave no socket for a poll: the trace's transitions reach the diagnosis
// engine on the poller's thread, and the Findings tab lists them with their count.
void TestKernelTraceGui::refusedConnectsAreAFinding()
{
    KernelPage page(true);
    page.resize(1200, 800);
    page.show();
    auto *mode = page.findChild<KernelTraceMode *>();
    QVERIFY(mode);
    QTRY_VERIFY_WITH_TIMEOUT(mode->isExact() || !mode->notice().isEmpty(), 90000);
    QVERIFY2(mode->isExact(), qPrintable(mode->notice()));
    auto *panel = page.findChild<FindingsPanel *>();
    QVERIFY(panel);
    LoopSockets s;
    const int probe = s.listen("127.0.0.1");
    const int closed = LoopSockets::port(probe);
    s.close(probe); // nothing listens there now, in this namespace of the test's own
    constexpr int kRefused = 6;
    for (int i = 0; i < kRefused; ++i)
        QCOMPARE(s.connect("127.0.0.1", closed), -1);
    const auto refused = [&]() -> const Finding * {
        for (const Finding &f : panel->findings()) {
            if (f.kind == FindingKind::ConnectsRefused)
                return &f;
        }
        return nullptr;
    };
    QTRY_VERIFY_WITH_TIMEOUT(refused(), 5000);
    QCOMPARE(refused()->number(u"refused"_qs), double(kRefused));
    QCOMPARE(refused()->subject, u"\u2192 127.0.0.1:%1"_qs.arg(closed));
    QCOMPARE(panel->list()->topLevelItemCount(), 1);
    const QString line =
        panel->list()->topLevelItem(0)->text(0) + panel->list()->topLevelItem(0)->text(1);
    QVERIFY2(line.contains(u"127.0.0.1:%1"_qs.arg(closed)), qPrintable(line));
    // Clicking it shows its sockets: the refused ones, fading in the table.
    QCOMPARE(refused()->sockets.size(), std::size_t(kRefused));
    QTreeWidget *list = panel->list();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {},
                      list->visualItemRect(list->topLevelItem(0)).center());
    auto *proxy = page.findChild<SocketFilterProxy *>();
    QVERIFY(proxy);
    QTRY_COMPARE(proxy->rowCount(), kRefused);
    for (int row = 0; row < proxy->rowCount(); ++row) {
        const QString remote = proxy->index(row, KernelSocketModel::Remote).data().toString();
        QCOMPARE(remote, u"127.0.0.1:%1"_qs.arg(closed));
    }
    if (const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOTS"); !dir.isEmpty()) {
        for (QWidget *w = panel; w; w = w->parentWidget()) {
            if (auto *tabs = qobject_cast<QTabWidget *>(w)) {
                tabs->setCurrentIndex(tabs->indexOf(panel));
                break;
            }
        }
        QTest::qWait(300);
        QVERIFY(page.grab().save(dir + u"/refused-findings.png"_qs));
    }
}

// TCPSCOPE_SCREENSHOT=PATH.png (and TCPSCOPE_SCREENSHOT_STYLE=en-light|zh-dark...): the page
// as a user sees it just after, for the README.
void TestKernelTraceGui::screenshot(KernelPage &page)
{
    const QString path = qEnvironmentVariable("TCPSCOPE_SCREENSHOT");
    if (path.isEmpty())
        return;
    for (QWidget *w = page.historyView(); w; w = w->parentWidget()) {
        if (auto *tabs = qobject_cast<QTabWidget *>(w)) { // the history, not the explanation
            tabs->setCurrentIndex(tabs->indexOf(page.historyView()));
            break;
        }
    }
    QTest::qWait(300);
    QVERIFY(page.grab().save(path));
}

QTEST_MAIN(TestKernelTraceGui)
#include "tst_kerneltrace_gui.moc"
