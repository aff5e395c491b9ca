// The kernel table's "Close connection…", offscreen, on a real loopback connection: the
// confirmation, then the trace helper's SOCK_DESTROY; the application holding the socket gets
// ECONNABORTED, its peer a reset, and the kernel has neither any more. Cancel leaves it alone;
// a helper without cap_net_admin (run as nobody) is refused, and the window says which
// capability is missing and how to grant it. Root only: skipped otherwise, saying why.
#include "kernel/kerneltable.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"
#include "pages/kernelpage.h"
#include "support/loopsockets.h"
#include "theme.h"
#include "uilanguage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cerrno>
#include <poll.h>
#include <unistd.h>

using namespace tcpscope;

namespace {

const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace");

// Answers the window's message boxes as a user would: the confirmation with `confirm` (the
// button's text; empty: Cancel) and every other box with OK, noting what each said.
class Answerer : public QObject
{
public:
    explicit Answerer(QString confirm)
        : m_confirm(std::move(confirm))
    {
        connect(&m_timer, &QTimer::timeout, this, [this] { answer(); });
        m_timer.start(50);
    }
    QStringList said; // text, then informative text, of each box

private:
    void answer()
    {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        said << box->text() << box->informativeText();
        // TCPSCOPE_SCREENSHOT=PREFIX: each box as a user sees it, PREFIX-box-N.png.
        if (const QString prefix = qEnvironmentVariable("TCPSCOPE_SCREENSHOT"); !prefix.isEmpty())
            box->grab().save(QStringLiteral("%1-box-%2.png").arg(prefix).arg(said.size() / 2));
        if (m_confirm.isEmpty() && box->button(QMessageBox::Cancel)) {
            box->button(QMessageBox::Cancel)->click();
            return;
        }
        for (QAbstractButton *b : box->buttons()) {
            if (b->text() == m_confirm || box->buttonRole(b) == QMessageBox::AcceptRole) {
                b->click();
                return;
            }
        }
    }
    QString m_confirm;
    QTimer m_timer;
};

// What a read on fd says now: 0 (EOF), or -errno.
int readResult(int fd)
{
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 2000);
    char c;
    const ssize_t n = ::recv(fd, &c, 1, MSG_DONTWAIT); // never hangs: -EAGAIN if nothing came
    return n < 0 ? -errno : int(n);
}

} // namespace

class TestCloseConnectionGui : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void closesARealConnection();
    void cancelLeavesItOpen();
    void refusalNamesTheCapability();

private:
    // The page's table, fed one poll; the menu entry for the client's row (its own 4-tuple:
    // another socket of the host may share its ephemeral port towards another destination).
    QAction *closeEntry(KernelPage &page, QMenu &menu, quint16 clientPort, quint16 serverPort);
};

void TestCloseConnectionGui::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the trace helper destroys sockets with cap_net_admin");
    if (!QFile::exists(kHelper))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    qputenv("TCPSCOPE_TRACE_HELPER", kHelper.toLocal8Bit());
    const QString style = qEnvironmentVariable("TCPSCOPE_SCREENSHOT_STYLE", u"en-light"_qs);
    applyTheme(style.endsWith(u"dark") ? u"dark"_qs : u"light"_qs);
    UiLanguage::instance().set(style.left(2));
}

QAction *TestCloseConnectionGui::closeEntry(KernelPage &page, QMenu &menu, quint16 clientPort,
                                            quint16 serverPort)
{
    KernelTable table;
    const KernelPollBatch b = pollBatch(table);
    page.applyBatch(b);
    const auto *m = page.model();
    if (!QTest::qWaitFor([&] { return m->rowCount() == int(b.rows->size()); }, 10000))
        return nullptr;
    const QString local = QStringLiteral("127.0.0.1:%1").arg(clientPort);
    const QString remote = QStringLiteral("127.0.0.1:%1").arg(serverPort);
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, KernelSocketModel::Local).data().toString() != local
            || m->index(r, KernelSocketModel::Remote).data().toString() != remote)
            continue;
        page.fillContextMenu(&menu, page.proxy()->mapFromSource(m->index(r, 0)));
        for (QAction *a : menu.actions()) {
            if (a->text() == KernelPage::tr("Close connection…"))
                return a;
        }
    }
    return nullptr;
}

void TestCloseConnectionGui::closesARealConnection()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    const quint16 client = quint16(LoopSockets::port(c));
    KernelPage page(false);
    page.show();
    QMenu menu;
    QAction *close = closeEntry(page, menu, client, quint16(LoopSockets::port(l)));
    QVERIFY2(close, "no Close connection… on the client's row");
    if (const QString prefix = qEnvironmentVariable("TCPSCOPE_SCREENSHOT"); !prefix.isEmpty()) {
        menu.popup(QPoint(100, 100));
        QTest::qWait(200);
        menu.grab().save(prefix + QStringLiteral("-menu.png"));
        menu.hide();
    }
    Answerer answerer(KernelPage::tr("Close connection"));
    close->trigger(); // the confirmation, the helper, the outcome: answered above
    QCOMPARE(answerer.said.size(), 4);
    QVERIFY2(answerer.said[0].contains(QStringLiteral("127.0.0.1:%1").arg(client)),
             qPrintable(answerer.said[0]));
    QVERIFY(answerer.said[1].contains(u"ECONNABORTED"));
    QVERIFY2(answerer.said[2].contains(u"ECONNABORTED"), qPrintable(answerer.said.join(u'|')));
    // Both ends see it: our socket was aborted, the peer got the reset.
    QCOMPARE(readResult(c), -ECONNABORTED);
    QCOMPARE(readResult(a), -ECONNRESET);
    KernelTable table;
    std::vector<SocketRecord> now;
    QVERIFY(table.read(now));
    const quint16 server = quint16(LoopSockets::port(l));
    QVERIFY(std::none_of(now.begin(), now.end(), [&](const SocketRecord &r) {
        // this connection's two ends, not another socket of the host that shares a port
        return (r.localPort == client && r.remotePort == server)
               || (r.localPort == server && r.remotePort == client);
    }));
}

void TestCloseConnectionGui::cancelLeavesItOpen()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    KernelPage page(false);
    page.show();
    QMenu menu;
    QAction *close =
        closeEntry(page, menu, quint16(LoopSockets::port(c)), quint16(LoopSockets::port(l)));
    QVERIFY(close);
    Answerer answerer{QString()}; // Cancel
    close->trigger();
    QCOMPARE(answerer.said.size(), 2); // the confirmation only: nothing was done
    QCOMPARE(::write(c, "x", 1), 1);   // still connected
    char x = 0;
    QCOMPARE(::read(a, &x, 1), 1);
    QCOMPARE(x, 'x');
}

void TestCloseConnectionGui::refusalNamesTheCapability()
{
    QTemporaryDir dir;
    const QString wrapper = dir.filePath(u"tcpscope-trace"_qs);
    QFile f(wrapper);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\nexec runuser -u nobody -- " + kHelper.toLocal8Bit() + " \"$@\"\n");
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                     | QFile::ExeOther);
    qputenv("TCPSCOPE_TRACE_HELPER", wrapper.toLocal8Bit());
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    KernelPage page(false);
    page.show();
    QMenu menu;
    QAction *close =
        closeEntry(page, menu, quint16(LoopSockets::port(c)), quint16(LoopSockets::port(l)));
    QVERIFY(close);
    Answerer answerer(KernelPage::tr("Close connection"));
    close->trigger();
    qputenv("TCPSCOPE_TRACE_HELPER", kHelper.toLocal8Bit());
    QCOMPARE(answerer.said.size(), 4);
    QVERIFY2(answerer.said[2].contains(u"cap_net_admin"), qPrintable(answerer.said[2]));
    QVERIFY2(answerer.said[3].contains(u"setcap") || answerer.said[3].contains(u"tcpscope"),
             qPrintable(answerer.said[3]));
    QCOMPARE(::write(c, "y", 1), 1); // refused: still connected
    char y = 0;
    QCOMPARE(::read(a, &y, 1), 1);
}

QTEST_MAIN(TestCloseConnectionGui)
#include "tst_closeconnection_gui.moc"
