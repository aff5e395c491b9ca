// The privilege split of the exact transitions, with the real helper and the real kernel:
// run as `nobody`, tcpscope-trace refuses with the one setcap command and tcpscope-cli
// `watch --exact` says so once and goes on polling; with exactly those capabilities, `nobody`
// traces (all hooks); as root, `watch --exact --format json` prints the kernel's own
// transitions of a loopback connection with ns time and the process. Root only (to become
// nobody and to grant capabilities): skipped otherwise, saying why.
#include "support/loopsockets.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

class TestCliTrace : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void helperWithoutCapabilitiesSaysHow();
    void watchExactFallsBackToPolling();
    void capabilitiesAreEnough();
    void watchExactPrintsTheKernelsTransitions();
    void killDestroysARealConnection();
    void killRefusesAndSaysWhy();

private:
    QProcess *asNobody(const QString &program, const QStringList &args);
    QString m_copy; // the helper, copied where nobody may run it, without capabilities
    QTemporaryDir m_dir{QStringLiteral("/tmp/tcpscope-trace-XXXXXX")};
};

namespace {
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-trace");
const QString kSetcap = QStringLiteral("setcap cap_bpf,cap_perfmon,cap_syslog=ep");

// Reads stdout until `pred` holds for it or timeoutMs passes.
template<typename Pred>
QByteArray readUntil(QProcess *p, Pred pred, int timeoutMs)
{
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!pred(out) && t.elapsed() < timeoutMs) {
        p->waitForReadyRead(100);
        out += p->readAllStandardOutput();
    }
    return out;
}
} // namespace

void TestCliTrace::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP("needs root: to run the helper as nobody and to grant it capabilities");
    if (!QFile::exists(kHelper))
        QSKIP("tcpscope-trace was not built (libbpf-dev, clang or bpftool missing)");
    QVERIFY(m_dir.isValid());
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                            | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                            | QFileDevice::ExeOther);
    m_copy = m_dir.filePath(QStringLiteral("tcpscope-trace"));
    QVERIFY(QFile::copy(kHelper, m_copy));
    QFile::setPermissions(m_copy, QFile::permissions(kHelper));
}

QProcess *TestCliTrace::asNobody(const QString &program, const QStringList &args)
{
    auto *p = new QProcess(this);
    p->setProgram(QStringLiteral("setpriv"));
    p->setArguments(QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                QStringLiteral("--clear-groups"), program}
                    + args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_TRACE_HELPER"), m_copy);
    p->setProcessEnvironment(env);
    p->start();
    return p;
}

void TestCliTrace::helperWithoutCapabilitiesSaysHow()
{
    QProcess *p = asNobody(m_copy, {});
    QVERIFY(p->waitForFinished(60000));
    QCOMPARE(p->exitCode(), 3); // kNoPermission
    const QString err = QString::fromLocal8Bit(p->readAllStandardError());
    QVERIFY2(err.contains(kSetcap + u' ' + m_copy), qPrintable(err));
    QVERIFY2(!err.contains(u"libbpf:"), qPrintable(err)); // one message, ours
    QVERIFY(p->readAllStandardOutput().isEmpty());
}

void TestCliTrace::watchExactFallsBackToPolling()
{
    QProcess *p = asNobody(kCli, {QStringLiteral("watch"), QStringLiteral("--exact"),
                                  QStringLiteral("--interval"), QStringLiteral("200")});
    QVERIFY(p->waitForStarted());
    QString err;
    QElapsedTimer t;
    t.start();
    while (!err.contains(u"polling instead") && t.elapsed() < 60000) {
        p->waitForReadyRead(100);
        err += QString::fromLocal8Bit(p->readAllStandardError());
    }
    QVERIFY2(err.contains(u"no exact transitions") && err.contains(kSetcap), qPrintable(err));
    // ... and the poller works on: a new listener is seen.
    LoopSockets s;
    const int port = LoopSockets::port(s.listen("127.0.0.1"));
    const QByteArray needle = ":" + QByteArray::number(port) + " ";
    const QByteArray out = readUntil(
        p, [&](const QByteArray &o) { return o.contains(needle); }, 30000);
    QVERIFY2(out.contains(needle) && out.contains("LISTEN"), out.constData());
    QVERIFY(!out.contains("(exact)"));
    p->terminate();
    QVERIFY(p->waitForFinished(10000));
    QCOMPARE(p->exitCode(), 0);
}

void TestCliTrace::capabilitiesAreEnough()
{
    QProcess setcap;
    setcap.start(QStringLiteral("setcap"),
                 {QStringLiteral("cap_bpf,cap_perfmon,cap_syslog=ep"), m_copy});
    QVERIFY(setcap.waitForFinished(30000));
    if (setcap.exitCode() != 0)
        QSKIP("setcap failed here (a file system without extended attributes?)");
    QProcess *p = asNobody(m_copy, {});
    // The Hello frame: header (type 1, size) then the magic; features in its payload.
    const QByteArray out = readUntil(
        p, [](const QByteArray &o) { return o.size() >= 48; }, 60000);
    p->terminate();
    p->waitForFinished(10000);
    QVERIFY2(out.size() >= 48, qPrintable(QString::fromLocal8Bit(p->readAllStandardError())));
    std::uint32_t type = 0, features = 0;
    std::memcpy(&type, out.constData(), 4);
    QCOMPARE(type, 1u);
    QCOMPARE(out.mid(8, 8), QByteArray("tcptrace"));
    std::memcpy(&features, out.constData() + 8 + 32, 4); // after magic, version, sizes, clocks
    // TIME_WAIT entry, its expiry, softirq told apart, a minisocket's FIN_WAIT_2 -> TIME_WAIT
    // (kfree_skb's rx_sk: Linux >= 6.12) and its early end: all with these three capabilities.
    QCOMPARE(features, 31u);
    QFile::remove(m_copy); // capabilities granted only for this test
    QFile::copy(kHelper, m_copy);
}

void TestCliTrace::watchExactPrintsTheKernelsTransitions()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_TRACE_HELPER"), kHelper);
    p.setProcessEnvironment(env);
    p.start(kCli, {QStringLiteral("watch"), QStringLiteral("--exact"), QStringLiteral("--format"),
                   QStringLiteral("json")});
    QString err;
    QElapsedTimer t;
    t.start();
    while (!err.contains(u"Ctrl-C") && t.elapsed() < 60000) {
        p.waitForReadyRead(100);
        err += QString::fromLocal8Bit(p.readAllStandardError());
    }
    QVERIFY2(err.contains(u"exact transitions from the kernel"), qPrintable(err));
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int port = LoopSockets::port(l);
    const int c = s.connect("127.0.0.1", port);
    const int a = s.accept(l);
    s.close(c);
    QVERIFY(LoopSockets::drainToEof(a));
    s.close(a);
    const QByteArray lastAck = "\"from\":\"LAST_ACK\",\"to\":\"CLOSED\"";
    const QByteArray out = readUntil(
        &p, [&](const QByteArray &o) { return o.contains(lastAck); }, 30000);
    p.terminate();
    p.waitForFinished(10000);
    QStringList seen;
    for (const QByteArray &line : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(u"local_port").toInt() != port && o.value(u"remote_port").toInt() != port)
            continue;
        if (o.value(u"local_port").toInt() != port) // the client's side
            continue;
        QVERIFY(o.value(u"exact").toBool());
        QVERIFY(o.value(u"time_ns").toDouble() > 1e18);
        seen << o.value(u"from").toString() + u'>' + o.value(u"to").toString();
        if (o.value(u"to").toString() == u"LAST_ACK") { // our close(): our pid
            QCOMPARE(o.value(u"pid").toInt(), int(::getpid()));
            QCOMPARE(o.value(u"comm").toString(), u"tst_cli_trace"_qs);
        }
        if (o.value(u"to").toString() == u"CLOSE_WAIT") // the peer's FIN: no process
            QVERIFY(o.value(u"pid").isNull());
    }
    QCOMPARE(seen, (QStringList{u"CLOSED>LISTEN"_qs, u"LISTEN>SYN_RECEIVED"_qs,
                                u"SYN_RECEIVED>ESTABLISHED"_qs, u"ESTABLISHED>CLOSE_WAIT"_qs,
                                u"CLOSE_WAIT>LAST_ACK"_qs, u"LAST_ACK>CLOSED"_qs}));
    s.close(l);
}

namespace {
QString endpoint(int fd, bool peer)
{
    sockaddr_in a{};
    socklen_t len = sizeof a;
    peer ? ::getpeername(fd, reinterpret_cast<sockaddr *>(&a), &len)
         : ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    char text[INET_ADDRSTRLEN] = "";
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return QStringLiteral("%1:%2").arg(QLatin1String(text)).arg(ntohs(a.sin_port));
}

// The error the kernel holds for `fd` (SO_ERROR), else the errno a read ends with (0: none).
int readError(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
        return err;
    char b;
    return ::recv(fd, &b, 1, MSG_DONTWAIT) < 0 ? errno : 0;
}
} // namespace

// `tcpscope-cli kill` on one end of a real connection: the application holding it gets
// ECONNABORTED, the peer a reset, and ss no longer lists it.
void TestCliTrace::killDestroysARealConnection()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    const int a = s.accept(l);
    const QString local = endpoint(c, false), remote = endpoint(c, true);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_TRACE_HELPER"), kHelper);
    p.setProcessEnvironment(env);
    p.start(kCli, {QStringLiteral("kill"), local, remote});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardOutput().contains("ECONNABORTED"));
    QCOMPARE(readError(c), ECONNABORTED);
    int peer = 0; // read once: reading consumes the error
    QTRY_VERIFY((peer = peer ? peer : readError(a)) != 0);
    QCOMPARE(peer, ECONNRESET);
    QProcess ss;
    ss.start(QStringLiteral("ss"), {QStringLiteral("-tanH"), QStringLiteral("src"), local,
                                    QStringLiteral("dst"), remote});
    QVERIFY(ss.waitForFinished(30000));
    QVERIFY2(ss.readAllStandardOutput().trimmed().isEmpty(), "ss still lists it");
}

void TestCliTrace::killRefusesAndSaysWhy()
{
    LoopSockets s;
    const int l = s.listen("127.0.0.1");
    const int c = s.connect("127.0.0.1", LoopSockets::port(l));
    s.accept(l);
    // As nobody (no cap_net_admin): refused, with the command that grants it; still alive.
    QProcess *p = asNobody(kCli, {QStringLiteral("kill"), endpoint(c, false), endpoint(c, true)});
    QVERIFY(p->waitForFinished(60000));
    QCOMPARE(p->exitCode(), 3);
    QVERIFY(p->readAllStandardError().contains("cap_net_admin"));
    QCOMPARE(readError(c), EAGAIN);
    // No such socket, and endpoints that are not endpoints.
    QProcess q;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCPSCOPE_TRACE_HELPER"), kHelper);
    q.setProcessEnvironment(env);
    q.start(kCli,
            {QStringLiteral("kill"), QStringLiteral("127.0.0.1:1"), QStringLiteral("127.0.0.1:2")});
    QVERIFY(q.waitForFinished(60000));
    QCOMPARE(q.exitCode(), 5);
    QVERIFY(q.readAllStandardError().contains("no TCP socket"));
    q.start(kCli,
            {QStringLiteral("kill"), QStringLiteral("nonsense"), QStringLiteral("1.2.3.4:5")});
    QVERIFY(q.waitForFinished(60000));
    QCOMPARE(q.exitCode(), 2);
}

QTEST_GUILESS_MAIN(TestCliTrace)
#include "tst_cli_trace.moc"
