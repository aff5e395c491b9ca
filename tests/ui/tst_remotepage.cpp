// The remote tab against a real sshd (Debian's openssh-server, started by this test on a free
// loopback port with keys of its own): "the remote" is this machine reached through ssh, so the
// sockets the test opens must show up in the tab, matched by their full 4-tuple, with their
// transitions; killing sshd and its sessions mid-stream shows the drop and keeps what was
// received; sshd back on its port, the tab reconnects and resumes from a fresh snapshot. A host
// without tcpscope-cli gets the install help. With TCPSCOPE_SCREENSHOT_DIR set, the window is
// saved there at each stage (English and Chinese).
#include "kernel/kerneltimeline.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "pages/remotepage.h"
#include "pages/sourceviews.h"
#include "support/loopsockets.h"
#include "support/testsshd.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QFrame>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace tcpscope;

namespace {

struct Tuple
{
    QString local, remote;
};

Tuple tupleOf(int fd)
{
    sockaddr_in a{}, b{};
    socklen_t la = sizeof a, lb = sizeof b;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &la);
    ::getpeername(fd, reinterpret_cast<sockaddr *>(&b), &lb);
    return {QStringLiteral("127.0.0.1:%1").arg(ntohs(a.sin_port)),
            QStringLiteral("127.0.0.1:%1").arg(ntohs(b.sin_port))};
}

// The state the tab's latest poll gives the socket with this 4-tuple (nullopt: not there).
std::optional<TcpState> stateIn(const RemotePage &page, const Tuple &t)
{
    const KernelPollBatch &latest = page.kernelPage()->store().latest();
    if (!latest.rows)
        return std::nullopt;
    for (const KernelPollBatch::Row &row : *latest.rows) {
        const SocketRecord &r = row.row.record;
        if (row.row.alive() && endpointText(r.localAddress, r.localPort) == t.local
            && endpointText(r.remoteAddress, r.remotePort) == t.remote)
            return r.state;
    }
    return std::nullopt;
}

// Whether the table (the model the view shows) has a row with this 4-tuple.
bool inTable(const RemotePage &page, const Tuple &t)
{
    const KernelSocketModel &m = *page.kernelPage()->model();
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, KernelSocketModel::Local).data().toString() == t.local
            && m.index(r, KernelSocketModel::Remote).data().toString() == t.remote)
            return true;
    }
    return false;
}

bool sawTransition(const RemotePage &page, const Tuple &t, TcpState to)
{
    for (const Transition &tr : page.kernelPage()->store().allTransitions()) {
        if (endpointText(tr.localAddress, tr.localPort) == t.local
            && endpointText(tr.remoteAddress, tr.remotePort) == t.remote && tr.to == to)
            return true;
    }
    return false;
}

// Selects the table's row of this 4-tuple, as a click does.
bool select(RemotePage &page, const Tuple &t)
{
    const KernelSocketModel &m = *page.kernelPage()->model();
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, KernelSocketModel::Local).data().toString() == t.local
            && m.index(r, KernelSocketModel::Remote).data().toString() == t.remote) {
            const QModelIndex at = page.kernelPage()->proxy()->mapFromSource(m.index(r, 0));
            page.kernelPage()->table()->selectRow(at.row());
            page.kernelPage()->table()->scrollTo(at);
            return at.isValid();
        }
    }
    return false;
}

void screenshot(QWidget *window, const char *name)
{
    const QString dir = qEnvironmentVariable("TCPSCOPE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(1000); // a poll in the language shown; the diagram's tokens settle
    window->grab().save(dir + u'/' + QLatin1String(name) + QStringLiteral(".png"));
}

} // namespace

class TestRemotePage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void remoteWithoutTcpscopeCliSaysHowToInstall();
    void showsTheRemoteSocketsDropsAndResumes();

private:
    RemoteOptions options(const QString &command) const;
    TestSshd m_sshd;
};

void TestRemotePage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's settings are not the user's
    if (const QString why = TestSshd::unavailable(); !why.isEmpty())
        QSKIP(qPrintable(why));
    QString why;
    QVERIFY2(m_sshd.setUp(&why), qPrintable(why));
}

RemoteOptions TestRemotePage::options(const QString &command) const
{
    RemoteOptions o;
    o.target = *RemoteTarget::parse(m_sshd.target());
    o.sshOptions = m_sshd.clientOptions();
    o.command = command;
    o.intervalMs = 300;
    o.retryMinMs = 300;
    o.retryMaxMs = 1000;
    return o;
}

void TestRemotePage::remoteWithoutTcpscopeCliSaysHowToInstall()
{
    RemotePage page(options(QStringLiteral("/nonexistent/tcpscope-cli")));
    QTRY_COMPARE_WITH_TIMEOUT(page.state().status, RemoteSource::Status::NotInstalled, 20000);
    QVERIFY(!page.banner()->isHidden());
    QVERIFY2(page.bannerText().contains(u"tcpscope-cli_*.deb"), qPrintable(page.bannerText()));
    QVERIFY(page.bannerText().contains(u"No such file or directory"));
    QCOMPARE(page.state().retryMs, 0); // retrying will not install it
}

void TestRemotePage::showsTheRemoteSocketsDropsAndResumes()
{
    LoopSockets sockets;
    const int listener = sockets.listen("127.0.0.1");
    const int client = sockets.connect("127.0.0.1", LoopSockets::port(listener));
    const int server = sockets.accept(listener);
    QVERIFY(client >= 0 && server >= 0);
    const Tuple closing = tupleOf(client);

    MainWindow window(false);
    window.show();
    RemotePage *page = window.openRemote(options(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli")));
    QCOMPARE(window.tabs()->currentWidget(), page);
    QTRY_VERIFY_WITH_TIMEOUT(stateIn(*page, closing) == TcpState::Established, 20000);
    QTRY_VERIFY(inTable(*page, closing));
    QCOMPARE(page->title(), QSysInfo::machineHostName());
    QVERIFY(window.tabs()->tabText(window.tabs()->currentIndex()).contains(page->title()));
    QVERIFY(page->banner()->isHidden());
    QVERIFY(page->statusText().contains(u"over SSH"));

    // A transition on the remote: the client closes first and keeps TIME_WAIT.
    sockets.close(client);
    QVERIFY(LoopSockets::drainToEof(server));
    sockets.close(server);
    QTRY_VERIFY_WITH_TIMEOUT(stateIn(*page, closing) == TcpState::TimeWait, 10000);
    QVERIFY(sawTransition(*page, closing, TcpState::TimeWait));
    // Selected, it is explained with the remote's own sysctl values.
    QVERIFY(select(*page, closing));
    TeachingPanel *panel = page->views().teaching;
    QTRY_VERIFY(panel->toPlainText().contains(QStringLiteral("value on ") + page->title()));
    QVERIFY(panel->toPlainText().contains(u"net.ipv4.tcp_max_tw_buckets"));
    screenshot(&window, "remote-en");

    // sshd and its sessions killed: the drop is shown, with ssh's reason; the data stays.
    const KernelTimelineStore &store = page->kernelPage()->store();
    const double firstSample = store.samples().front().first;
    const std::size_t samples = store.samples().size();
    m_sshd.killAll();
    QTRY_COMPARE_WITH_TIMEOUT(page->state().status, RemoteSource::Status::Dropped, 20000);
    QVERIFY(!page->banner()->isHidden());
    QVERIFY2(page->bannerText().contains(u"dropped"), qPrintable(page->bannerText()));
    QVERIFY(!page->state().reason.isEmpty());
    QVERIFY(store.samples().size() >= samples);
    QCOMPARE(store.samples().front().first, firstSample);
    QVERIFY(inTable(*page, closing)); // the picture as it was last received
    QVERIFY(sawTransition(*page, closing, TcpState::TimeWait));
    UiLanguage::instance().set(QStringLiteral("zh"));
    screenshot(&window, "remote-dropped-zh");
    UiLanguage::instance().set(QStringLiteral("en"));
    applyTheme(QStringLiteral("dark"));
    screenshot(&window, "remote-dropped-en-dark");
    applyTheme(QStringLiteral("light"));

    // Made while the tab was cut off: the fresh snapshot after the reconnection brings it.
    const int later = sockets.connect("127.0.0.1", LoopSockets::port(listener));
    QVERIFY(later >= 0 && sockets.accept(listener) >= 0);
    const Tuple during = tupleOf(later);
    QTest::qWait(1500); // a retry or two meets a closed port
    QString why;
    QVERIFY2(m_sshd.start(&why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(page->state().connections, 2, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(stateIn(*page, during) == TcpState::Established, 10000);
    QVERIFY(sawTransition(*page, during, TcpState::Established)); // reconciled: it appeared
    QVERIFY(page->banner()->isHidden());
    QCOMPARE(store.samples().front().first, firstSample); // the chart's history is kept
    QVERIFY(stateIn(*page, closing) == TcpState::TimeWait);
    UiLanguage::instance().set(QStringLiteral("zh"));
    screenshot(&window, "remote-zh");
    UiLanguage::instance().set(QStringLiteral("en"));
}

QTEST_MAIN(TestRemotePage)
#include "tst_remotepage.moc"
