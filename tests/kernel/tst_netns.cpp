// Network namespaces: discovery, the namespace helper's strict arguments, and — as root, in two
// namespaces the test makes — each namespace's sockets in its own view and all of them in the
// all-namespaces view with the right labels, from tcpscope-cli as a user runs it, compared with
// `ip netns exec NAME ss -tan`; without the privilege, the one message saying what to run; a
// process in a namespace of its own (unshare -n) found by its name.
#include "kernel/kerneltable.h"
#include "kernel/netnsdiscovery.h"
#include "kernel/netnsprotocol.h"
#include "support/netnspair.h"
#include "support/sstext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>

using namespace tcpscope;

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForStarted() || !p.waitForFinished(60000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");
const QString kHelper = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-netns");

QJsonArray snapshot(const QStringList &extra, Run *r)
{
    *r = run(kCli, QStringList{QStringLiteral("snapshot")} + extra);
    return QJsonDocument::fromJson(r->out).object().value(u"sockets").toArray();
}

// "STATE local:port peer:port" of each socket, as ss and the snapshot both can say it.
QSet<QString> ssLines(TestNetns &ns)
{
    QString text;
    ns.exec({QStringLiteral("ss"), QStringLiteral("-tanH")}, &text);
    QSet<QString> lines;
    for (const SsSocket &s : parseSsOutput(text))
        lines << QStringLiteral("%1 %2:%3 %4:%5")
                     .arg(s.state, s.localAddress)
                     .arg(s.localPort)
                     .arg(s.remoteAddress)
                     .arg(s.remotePort);
    return lines;
}

QSet<QString> jsonLines(const QJsonArray &sockets, quint32 netns = 0)
{
    static const QHash<QString, QString> ssName{
        {QStringLiteral("ESTABLISHED"), QStringLiteral("ESTAB")},
        {QStringLiteral("TIME_WAIT"), QStringLiteral("TIME-WAIT")},
        {QStringLiteral("LISTEN"), QStringLiteral("LISTEN")}};
    QSet<QString> lines;
    for (const QJsonValue &v : sockets) {
        const QJsonObject o = v.toObject();
        if (netns && quint32(o.value(u"netns").toDouble()) != netns)
            continue;
        lines << QStringLiteral("%1 %2:%3 %4:%5")
                     .arg(ssName.value(o.value(u"state").toString(), o.value(u"state").toString()),
                          o.value(u"local_address").toString())
                     .arg(o.value(u"local_port").toInt())
                     .arg(o.value(u"remote_address").toString())
                     .arg(o.value(u"remote_port").toInt());
    }
    return lines;
}

} // namespace

class TestNetnsViews : public QObject
{
    Q_OBJECT
private slots:
    void names_data();
    void names();
    void helperRefuses_data();
    void helperRefuses();
    void containerLabels_data();
    void containerLabels();
    void ownNamespaceListed();
    void twoNamespaces();
    void withoutPrivilege();
    void processNamespace();
};

void TestNetnsViews::names_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("name");
    QTest::addColumn<bool>("pid");
    QTest::newRow("ip netns name") << "lab-1.a_b" << true << false;
    QTest::newRow("traversal") << "../../etc/passwd" << false << false;
    QTest::newRow("dot dot") << ".." << false << false;
    QTest::newRow("slash") << "a/b" << false << false;
    QTest::newRow("space") << "a b" << false << false;
    QTest::newRow("empty") << "" << false << false;
    QTest::newRow("too long") << QString(65, u'x') << false << false;
    QTest::newRow("pid") << "412" << true << true;
    QTest::newRow("leading zero") << "0412" << true << false;
    QTest::newRow("signed") << "+412" << false << false;
    QTest::newRow("beyond PID_MAX_LIMIT") << "4194305" << true << false;
}

void TestNetnsViews::names()
{
    QFETCH(QString, text);
    QFETCH(bool, name);
    QFETCH(bool, pid);
    const QByteArray bytes = text.toUtf8();
    int value = 0;
    QCOMPARE(netnsprotocol::validPid(bytes.constData(), &value), pid);
    QCOMPARE(netnsprotocol::validName(bytes.constData()), name);
}

void TestNetnsViews::helperRefuses_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("traversal") << QStringList{"--name", "../../proc/1/ns/net"};
    QTest::newRow("absolute") << QStringList{"--name", "/proc/1/ns/net"};
    QTest::newRow("pid not a number") << QStringList{"--pid", "1/../2"};
    QTest::newRow("pid signed") << QStringList{"--pid", "-1"};
    QTest::newRow("both") << QStringList{"--name", "a", "--pid", "1"};
    QTest::newRow("none") << QStringList{};
}

// Bad arguments end with the usage and 2, before anything is opened.
void TestNetnsViews::helperRefuses()
{
    QFETCH(QStringList, args);
    const Run r = run(kHelper, args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("usage: tcpscope-netns"), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestNetnsViews::containerLabels_data()
{
    QTest::addColumn<QByteArray>("cgroup");
    QTest::addColumn<QString>("label");
    QTest::newRow("docker (systemd)") << QByteArray(
        "0::/system.slice/docker-3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c"
        "5d4e3f2a.scope\n") << "docker 3f2a1b0c9d8e";
    QTest::newRow("docker (cgroupfs)") << QByteArray(
        "0::/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")
                                       << "docker 0123456789ab";
    QTest::newRow("podman") << QByteArray(
        "0::/machine.slice/libpod-aabbccddeeff00112233445566778899"
        "aabbccddeeff00112233445566778899.scope/container\n")
                            << "podman aabbccddeeff";
    QTest::newRow("kubernetes") << QByteArray(
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_"
        "5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/cri-containerd-abc.scope\n")
                                << "kubepods pod1a2b3c4d";
    QTest::newRow("a user's session")
        << QByteArray("0::/user.slice/user-1000.slice/session-2.scope\n") << "";
}

void TestNetnsViews::containerLabels()
{
    QFETCH(QByteArray, cgroup);
    QFETCH(QString, label);
    QCOMPARE(containerFromCgroup(cgroup), label);
}

void TestNetnsViews::ownNamespaceListed()
{
    const std::vector<NetNamespace> found = discoverNamespaces();
    QVERIFY(!found.empty());
    QVERIFY(found.front().own);
    QCOMPARE(found.front().inode, ownNamespaceInode());
    const Run r =
        run(kCli, {QStringLiteral("netns"), QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(r.code, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    QVERIFY(!list.isEmpty());
    QCOMPARE(quint32(list.first().toObject().value(u"netns").toDouble()), ownNamespaceInode());
}

void TestNetnsViews::twoNamespaces()
{
    if (!TestNetns::canCreate())
        QSKIP("making network namespaces needs root");
    NetnsPair pair;
    QVERIFY2(pair.ok(), "could not make the two namespaces and their sockets");
    const quint32 inodeA = NetnsPair::inodeOf(*pair.a), inodeB = NetnsPair::inodeOf(*pair.b);
    QVERIFY(inodeA && inodeB && inodeA != inodeB);

    // Each namespace's own view: what ss says inside it, labelled with its name.
    for (TestNetns *ns : {pair.a.get(), pair.b.get()}) {
        Run r;
        const QJsonArray sockets = snapshot({QStringLiteral("--netns"), ns->name()}, &r);
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(jsonLines(sockets), ssLines(*ns));
        for (const QJsonValue &v : sockets) {
            QCOMPARE(v.toObject().value(u"netns_label").toString(), ns->name());
            QCOMPARE(quint32(v.toObject().value(u"netns").toDouble()), NetnsPair::inodeOf(*ns));
        }
    }
    const QString estab = QStringLiteral("ESTAB 127.0.0.1:%1 127.0.0.1:%2");
    QVERIFY(ssLines(*pair.a).contains(estab.arg(pair.clientPort).arg(pair.listenPort)));
    QVERIFY(ssLines(*pair.b).contains(QStringLiteral("TIME-WAIT 127.0.0.1:%1 127.0.0.1:%2")
                                          .arg(pair.timeWaitPort)
                                          .arg(pair.timeWaitServerPort)));
    // This host's own view has neither.
    Run r;
    const QJsonArray host = snapshot({}, &r);
    QVERIFY(!jsonLines(host).contains(estab.arg(pair.clientPort).arg(pair.listenPort))
            || pair.clientPort == 0);

    // All namespaces: both, each socket with its namespace's inode and label.
    const QJsonArray all = snapshot({QStringLiteral("--netns"), QStringLiteral("all")}, &r);
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonLines(all, inodeA), ssLines(*pair.a));
    QCOMPARE(jsonLines(all, inodeB), ssLines(*pair.b));
    for (const QJsonValue &v : all) {
        const QJsonObject o = v.toObject();
        const quint32 n = quint32(o.value(u"netns").toDouble());
        if (n == inodeA || n == inodeB)
            QCOMPARE(o.value(u"netns_label").toString(), (n == inodeA ? pair.a : pair.b)->name());
    }
    // The text view's Namespace column says it too.
    const Run text =
        run(kCli, {QStringLiteral("snapshot"), QStringLiteral("--netns"), QStringLiteral("all"),
                   QStringLiteral("--format"), QStringLiteral("text")});
    QVERIFY(text.out.contains(QStringLiteral("%1 (%2)").arg(pair.b->name()).arg(inodeB).toUtf8()));

    // The list of namespaces names both.
    const Run list =
        run(kCli, {QStringLiteral("netns"), QStringLiteral("--format"), QStringLiteral("json")});
    QSet<QString> named;
    for (const QJsonValue &v : QJsonDocument::fromJson(list.out).array())
        named << v.toObject().value(u"name").toString();
    QVERIFY(named.contains(pair.a->name()) && named.contains(pair.b->name()));

    // The diagnosis reads the namespace's own sysctls: a port range set only inside B.
    pair.b->exec({QStringLiteral("sysctl"), QStringLiteral("-qw"),
                  QStringLiteral("net.ipv4.ip_local_port_range=40000 40009")});
    KernelTableOptions o;
    o.netns = NetnsSelection::one(NetnsTarget{pair.b->name(), 0});
    o.netnsHelper = kHelper;
    KernelTable tableB(o);
    const HostFacts facts = tableB.hostFacts();
    QCOMPARE(facts.portLow, 40000);
    QCOMPARE(facts.portHigh, 40009);
    QVERIFY(readHostFacts().portLow != 40000 || readHostFacts().portHigh != 40009);
}

void TestNetnsViews::withoutPrivilege()
{
    if (!TestNetns::canCreate())
        QSKIP("making a network namespace needs root");
    TestNetns ns(QStringLiteral("nopriv"));
    QVERIFY(ns.ok());
    const Run r = run(QStringLiteral("setpriv"),
                      {QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=nogroup"),
                       QStringLiteral("--clear-groups"), kCli, QStringLiteral("snapshot"),
                       QStringLiteral("--netns"), ns.name()});
    if (r.code == -1)
        QSKIP("setpriv could not run the CLI as nobody");
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.isEmpty()); // nothing half-shown: no other namespace's table instead
    QVERIFY2(r.err.contains("no permission to enter the network namespace"), r.err.constData());
    QVERIFY2(r.err.contains("setcap cap_sys_admin,cap_sys_ptrace=ep"), r.err.constData());
    QCOMPARE(r.err.count("no permission"), 1); // one message
}

// A process in a namespace of its own, made without `ip netns`: found through /proc, with its
// name and pid, and its sockets shown by --netns PID.
void TestNetnsViews::processNamespace()
{
    if (!TestNetns::canCreate())
        QSKIP("unshare -n needs root");
    QProcess holder;
    holder.start(QStringLiteral("unshare"),
                 {QStringLiteral("-n"), QStringLiteral("python3"), QStringLiteral("-c"),
                  QStringLiteral("import socket,subprocess,sys,time\n"
                                 "subprocess.run(['ip','link','set','lo','up'])\n"
                                 "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
                                 "print(s.getsockname()[1], flush=True); time.sleep(60)")});
    QVERIFY(holder.waitForStarted());
    QVERIFY(holder.waitForReadyRead(20000));
    const int port = holder.readLine().trimmed().toInt();
    QVERIFY(port > 0);
    const int pid = int(holder.processId()); // unshare execs python3 in the same process
    const std::vector<NetNamespace> found = discoverNamespaces();
    const auto it = std::find_if(found.begin(), found.end(),
                                 [&](const NetNamespace &n) { return n.pid == pid; });
    QVERIFY2(it != found.end(), "the process's namespace was not found");
    QCOMPARE(it->label, QStringLiteral("python3 (pid %1)").arg(pid));
    Run r;
    const QJsonArray sockets = snapshot({QStringLiteral("--netns"), QString::number(pid)}, &r);
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(sockets.size(), 1);
    QCOMPARE(sockets[0].toObject().value(u"local_port").toInt(), port);
    QCOMPARE(sockets[0].toObject().value(u"netns_label").toString(), it->label);
    holder.kill();
    holder.waitForFinished();
}

QTEST_GUILESS_MAIN(TestNetnsViews)
#include "tst_netns.moc"
