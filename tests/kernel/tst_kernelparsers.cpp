// The sock_diag and /proc/net/tcp parsers against recorded fixtures: what the kernel said
// about the loopback sockets of tst_kerneltable_live (recorded with TCPSCOPE_RECORD_FIXTURES),
// checked against what `ss -tanoeH` printed at the same moment. Plus malformed input.
#include "kernel/procnettcp.h"
#include "kernel/sockdiag.h"
#include "kernel/systemsettings.h"
#include "support/sstext.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <limits>

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>

using namespace tcpscope;

class TestKernelParsers : public QObject
{
    Q_OBJECT
private slots:
    void sockDiagFixture_data();
    void sockDiagFixture();
    void procFixture_data();
    void procFixture();
    void truncatedRecording_data();
    void truncatedRecording();
    void netlinkError();
    void netlinkErrorOfIntMin();
    void procMalformedLines_data();
    void procMalformedLines();
    void netstatCounters();
    void missingSysctlsAreReported();

private:
    static QByteArray fixture(const QString &dir, const char *name);
    static void compare(const std::vector<SocketRecord> &records, const QList<SsSocket> &ss,
                        bool fromProc);
};

QByteArray TestKernelParsers::fixture(const QString &dir, const char *name)
{
    QFile f(QStringLiteral(TCPSCOPE_TEST_DATA "/kernel/") + dir + u'/' + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(f.fileName()));
    return f.readAll();
}

static void addFixtureRows()
{
    QTest::addColumn<QString>("dir");
    const QDir root(QStringLiteral(TCPSCOPE_TEST_DATA "/kernel"));
    for (const QString &d : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        QTest::newRow(qPrintable(d)) << d;
}

void TestKernelParsers::compare(const std::vector<SocketRecord> &records, const QList<SsSocket> &ss,
                                bool fromProc)
{
    QVERIFY(!ss.isEmpty());
    QCOMPARE(int(records.size()), int(ss.size()));
    for (const SsSocket &s : ss) {
        const auto it = std::find_if(records.begin(), records.end(), [&](const SocketRecord &r) {
            return r.localPort == s.localPort && r.remotePort == s.remotePort
                   && r.localAddress.toString() == s.localAddress
                   && r.remoteAddress.toString() == s.remoteAddress;
        });
        QVERIFY2(it != records.end(), qPrintable(s.state + u' ' + QString::number(s.localPort)));
        QCOMPARE(it->state, parseTcpState(s.state).value_or(TcpState::Closed));
        QCOMPARE(it->recvQ, s.recvQ);
        if (!(fromProc && it->state == TcpState::Listen))
            QCOMPARE(it->sendQ, s.sendQ);
        QCOMPARE(it->inode, s.inode);
        QCOMPARE(it->uid, s.uid);
        if (!fromProc)
            QCOMPARE(it->cookie, s.cookie);
        const QString kind = it->timer == TimerKind::None
                                 ? QString()
                                 : QString::fromLatin1(timerKindName(it->timer));
        QCOMPARE(kind, s.timerKind);
        if (it->timer != TimerKind::None) // recorded a few ms apart; ss rounds down
            QVERIFY(std::abs(it->timerExpiresMs / 1000.0 - s.timerSeconds) <= 1.5);
    }
}

void TestKernelParsers::sockDiagFixture_data() { addFixtureRows(); }

void TestKernelParsers::sockDiagFixture()
{
    QFETCH(QString, dir);
    std::vector<SocketRecord> records;
    QString error;
    QVERIFY2(parseRecordedReplies(fixture(dir, "sockdiag.bin"), records, &error),
             qPrintable(error));
    compare(records, parseSsOutput(QString::fromUtf8(fixture(dir, "ss.txt"))), false);
}

void TestKernelParsers::procFixture_data() { addFixtureRows(); }

void TestKernelParsers::procFixture()
{
    QFETCH(QString, dir);
    std::vector<SocketRecord> records;
    const ProcParseResult v4 = parseProcNetTcp(fixture(dir, "tcp"), AF_INET, records);
    const ProcParseResult v6 = parseProcNetTcp(fixture(dir, "tcp6"), AF_INET6, records);
    QCOMPARE(v4.malformed + v6.malformed, 0);
    QCOMPARE(v4.parsed + v6.parsed, int(records.size()));
    compare(records, parseSsOutput(QString::fromUtf8(fixture(dir, "ss.txt"))), true);
}

void TestKernelParsers::truncatedRecording_data()
{
    QTest::addColumn<int>("cut");
    for (int cut : {1, 3, 4, 17, 100, 500})
        QTest::addRow("minus %d bytes", cut) << cut;
}

void TestKernelParsers::truncatedRecording()
{
    QFETCH(int, cut);
    const QByteArray full = fixture(QStringLiteral("loopback"), "sockdiag.bin");
    std::vector<SocketRecord> records;
    QString error;
    QVERIFY(!parseRecordedReplies(full.left(full.size() - cut), records, &error));
    QVERIFY2(error.contains(u"truncated"), qPrintable(error));

    // A datagram whose message claims more bytes than it holds: an error, not a read past it.
    QByteArray bad = full;
    nlmsghdr h;
    std::memcpy(&h, bad.constData() + 4, sizeof h);
    h.nlmsg_len += std::uint32_t(cut) * 1000;
    std::memcpy(bad.data() + 4, &h, sizeof h);
    records.clear();
    QVERIFY(!parseRecordedReplies(bad, records, &error));
    QVERIFY2(error.contains(u"malformed"), qPrintable(error));
}

void TestKernelParsers::netlinkError()
{
    struct
    {
        nlmsghdr h;
        int err;
        nlmsghdr orig;
    } msg{};
    msg.h.nlmsg_len = sizeof msg;
    msg.h.nlmsg_type = NLMSG_ERROR;
    msg.err = -EPERM;
    std::vector<SocketRecord> records;
    QString error;
    QCOMPARE(parseSockDiagReply(reinterpret_cast<const std::uint8_t *>(&msg), sizeof msg, records,
                                &error),
             ReplyStatus::Error);
    QVERIFY2(error.contains(QString::fromLocal8Bit(std::strerror(EPERM))), qPrintable(error));
    QVERIFY(records.empty());
}

// A reply whose error code is INT_MIN (fuzz_sockdiag's finding: negating it overflowed, which
// the asan build's UBSan reports) is an error like any other.
void TestKernelParsers::netlinkErrorOfIntMin()
{
    struct
    {
        nlmsghdr h;
        int err;
    } msg{};
    msg.h.nlmsg_len = sizeof msg;
    msg.h.nlmsg_type = NLMSG_ERROR;
    msg.err = std::numeric_limits<int>::min();
    std::vector<SocketRecord> records;
    QString error;
    QCOMPARE(parseSockDiagReply(reinterpret_cast<const std::uint8_t *>(&msg), sizeof msg, records,
                                &error),
             ReplyStatus::Error);
    QVERIFY2(error.contains(u"refused"), qPrintable(error));
}

void TestKernelParsers::procMalformedLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("cut after the address") << QByteArray("   0: 0100007F:1F90");
    QTest::newRow("not hex") << QByteArray("   0: 0100007G:1F90 00000000:0000 0A 00000000:00000000 "
                                           "00:00000000 00000000     0        0 1 1");
    QTest::newRow("state 0") << QByteArray("   0: 0100007F:1F90 00000000:0000 00 00000000:00000000 "
                                           "00:00000000 00000000     0        0 1 1");
    QTest::newRow("short address") << QByteArray("   0: 7F:1F90 00000000:0000 0A 00000000:00000000 "
                                                 "00:00000000 00000000     0        0 1 1");
    QTest::newRow("binary") << QByteArray("\x01\x02\x03\xff", 4);
}

void TestKernelParsers::procMalformedLines()
{
    QFETCH(QByteArray, line);
    QByteArray text = fixture(QStringLiteral("loopback"), "tcp");
    const int lines = int(text.count('\n')) - 1; // minus the header
    text += line + '\n';
    std::vector<SocketRecord> records;
    const ProcParseResult r = parseProcNetTcp(text, AF_INET, records);
    QCOMPARE(r.malformed, 1);
    QCOMPARE(r.parsed, lines); // the good lines are all kept
}

void TestKernelParsers::netstatCounters()
{
    const QByteArray text = fixture(QStringLiteral("loopback"), "netstat");
    const auto values = parseNetstat(text, {u"TcpExt.ListenOverflows"_qs, u"TcpExt.TW"_qs,
                                            u"TcpExt.NoSuchCounter"_qs, u"IpExt.InOctets"_qs});
    QCOMPARE(values.size(), std::size_t(4));
    // Expected values read from the fixture independently: column by name.
    const QList<QByteArray> lines = text.split('\n');
    auto column = [&](const QByteArray &group, const QByteArray &name) {
        for (qsizetype i = 0; i + 1 < lines.size(); i += 2) {
            const auto n = lines[i].split(' ');
            if (n.first() != group + ':')
                continue;
            return QString::fromLatin1(lines[i + 1].split(' ').value(n.indexOf(name)));
        }
        return QString();
    };
    QCOMPARE(values[0].value, std::optional(column("TcpExt", "ListenOverflows")));
    QCOMPARE(values[1].value, std::optional(column("TcpExt", "TW")));
    QVERIFY(!values[2].value.has_value());
    QCOMPARE(values[3].value, std::optional(column("IpExt", "InOctets")));
    QVERIFY(!parseNetstat("garbage\n", {u"TcpExt.TW"_qs})[0].value.has_value());
}

void TestKernelParsers::missingSysctlsAreReported()
{
    const auto here = readSysctls();
    QCOMPARE(int(here.size()), int(explainedSysctls().size()));
    for (const SettingValue &v : here) {
        QFile f(QStringLiteral("/proc/sys/") + QString(v.name).replace(u'.', u'/'));
        QCOMPARE(v.value.has_value(), f.exists());
    }
    for (const SettingValue &v : readSysctls(QStringLiteral("/nonexistent")))
        QVERIFY2(!v.value.has_value(), qPrintable(v.name));
}

QTEST_GUILESS_MAIN(TestKernelParsers)
#include "tst_kernelparsers.moc"
