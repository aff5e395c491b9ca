// `tcpscope-cli watch --format stream`, run as ssh runs it on a remote host, read with the
// parser the remote tab uses: the header says what the stream is; the snapshot and the deltas
// after it add up to the table that `ss` and `tcpscope-cli snapshot` print, socket by socket
// (full 4-tuple and state, for the sockets this test made); quiet polls carry no sockets.
#include "formats/watchstream.h"
#include "remote/remotefeed.h"
#include "support/loopsockets.h"
#include "support/sstext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTest>

using namespace tcpscope;

namespace {

struct Tuple
{
    QString local;
    QString remote;
    QString state; // RFC name
    friend bool operator<(const Tuple &a, const Tuple &b)
    {
        return std::tie(a.local, a.remote, a.state) < std::tie(b.local, b.remote, b.state);
    }
    friend bool operator==(const Tuple &, const Tuple &) = default;
};

QString ep(const QString &addr, int port) { return addr + u':' + QString::number(port); }

} // namespace

class TestCliWatchStream : public QObject
{
    Q_OBJECT
private slots:
    void parserRules();
    void snapshotAndDeltasAddUpToTheTable();

private:
    // Reads the stream until `polls` more polls arrived; the lines of each poll, counted.
    bool readPolls(int polls, QList<int> *socketLines = nullptr);
    QList<Tuple> streamed() const;
    QList<Tuple> fromSs() const;
    QList<Tuple> fromSnapshot() const;
    bool ours(int port) const { return m_ports.contains(port); }

    QProcess m_watch;
    QByteArray m_buffer;
    WatchStreamParser m_parser;
    QList<int> m_ports; // the listeners' ports: the sockets of this test
};

void TestCliWatchStream::parserRules()
{
    WatchStreamParser p;
    QCOMPARE(p.feed("{\"t\":\"snapshot\",\"time\":1}"), WatchStreamParser::Line::Error);
    QVERIFY(p.error().contains(u"header"));

    WatchStreamParser newer;
    QCOMPARE(newer.feed("{\"t\":\"header\",\"format\":\"tcpscope-watch\",\"version\":2}"),
             WatchStreamParser::Line::Error);
    QVERIFY(newer.error().contains(u"update this tcpscope"));

    WatchStreamParser other;
    QCOMPARE(other.feed("{\"t\":\"header\",\"format\":\"something-else\",\"version\":1}"),
             WatchStreamParser::Line::Error);

    // A line type of a later version 1 writer is ignored; the poll's count is checked.
    WatchStreamParser ok;
    QCOMPARE(ok.feed("{\"t\":\"header\",\"format\":\"tcpscope-watch\",\"version\":1,\"host\":"
                     "\"h\",\"interval_ms\":500}"),
             WatchStreamParser::Line::Header);
    QCOMPARE(ok.header().intervalMs, 500);
    QCOMPARE(ok.feed("{\"t\":\"later-kind\",\"x\":1}"), WatchStreamParser::Line::Other);
    QCOMPARE(ok.feed("{\"t\":\"snapshot\",\"time\":10}"), WatchStreamParser::Line::Other);
    QCOMPARE(ok.feed("{\"t\":\"+\",\"c\":7,\"la\":\"127.0.0.1\",\"lp\":80,\"ra\":\"127.0.0.1\","
                     "\"rp\":5000,\"s\":\"TIME_WAIT\",\"tm\":3,\"x\":60000,\"o\":\"nodesc\","
                     "\"new_field\":1}"),
             WatchStreamParser::Line::Other);
    QCOMPARE(ok.feed("{\"t\":\"poll\",\"time\":10,\"n\":1}"), WatchStreamParser::Line::Poll);
    QVERIFY(ok.poll().snapshot);
    const StreamSocket &s = ok.sockets().at(7);
    QCOMPARE(s.record.state, TcpState::TimeWait);
    QCOMPARE(s.ownership, Ownership::NoDescriptor);
    QCOMPARE(agedTimerMs(s, 12.5), 57500u); // aged by the reader between resends
    QCOMPARE(ok.feed("{\"t\":\"poll\",\"time\":11,\"n\":2}"), WatchStreamParser::Line::Error);
    QVERIFY(ok.error().contains(u"lost its place"));
}

bool TestCliWatchStream::readPolls(int polls, QList<int> *socketLines)
{
    int lines = 0;
    QDeadlineTimer deadline(20000);
    while (polls > 0 && !deadline.hasExpired()) {
        if (!m_watch.waitForReadyRead(500) && m_watch.state() != QProcess::Running)
            return false;
        m_buffer += m_watch.readAllStandardOutput();
        qsizetype nl;
        while (polls > 0 && (nl = m_buffer.indexOf('\n')) >= 0) {
            const QByteArray line = m_buffer.left(nl);
            m_buffer.remove(0, nl + 1);
            if (line.startsWith("{\"t\":\"+\"") || line.startsWith("{\"t\":\"~\"")) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                lines += ours(o.value(u"lp").toInt()) || ours(o.value(u"rp").toInt());
            }
            const auto kind = m_parser.feed(line);
            if (kind == WatchStreamParser::Line::Error) {
                qWarning() << m_parser.error();
                return false;
            }
            if (kind == WatchStreamParser::Line::Poll) {
                --polls;
                if (socketLines)
                    *socketLines << lines;
                lines = 0;
            }
        }
    }
    return polls == 0;
}

QList<Tuple> TestCliWatchStream::streamed() const
{
    QList<Tuple> out;
    for (const auto &[key, s] : m_parser.sockets()) {
        const SocketRecord &r = s.record;
        if (ours(r.localPort) || ours(r.remotePort))
            out << Tuple{ep(r.localAddress.toString(), r.localPort),
                         ep(r.remoteAddress.toString(), r.remotePort), rfcName(r.state)};
    }
    std::sort(out.begin(), out.end());
    return out;
}

QList<Tuple> TestCliWatchStream::fromSs() const
{
    QProcess ss;
    ss.start(QStringLiteral("ss"), {QStringLiteral("-tanH")});
    ss.waitForFinished(10000);
    QList<Tuple> out;
    for (const SsSocket &s : parseSsOutput(QString::fromLocal8Bit(ss.readAllStandardOutput()))) {
        if (!ours(s.localPort) && !ours(s.remotePort))
            continue;
        const auto state = parseTcpState(s.state);
        out << Tuple{ep(s.localAddress, s.localPort), ep(s.remoteAddress, s.remotePort),
                     state ? rfcName(*state) : s.state};
    }
    std::sort(out.begin(), out.end());
    return out;
}

QList<Tuple> TestCliWatchStream::fromSnapshot() const
{
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {QStringLiteral("snapshot"), QStringLiteral("--no-process")});
    p.waitForFinished(30000);
    QList<Tuple> out;
    const QJsonArray sockets =
        QJsonDocument::fromJson(p.readAllStandardOutput()).object().value(u"sockets").toArray();
    for (const QJsonValue &v : sockets) {
        const QJsonObject o = v.toObject();
        const int lp = o.value(u"local_port").toInt(), rp = o.value(u"remote_port").toInt();
        if (ours(lp) || ours(rp))
            out << Tuple{ep(o.value(u"local_address").toString(), lp),
                         ep(o.value(u"remote_address").toString(), rp),
                         o.value(u"state").toString()};
    }
    std::sort(out.begin(), out.end());
    return out;
}

void TestCliWatchStream::snapshotAndDeltasAddUpToTheTable()
{
    LoopSockets sockets;
    const int l4 = sockets.listen("127.0.0.1"), l6 = sockets.listen("::1");
    QVERIFY(l4 >= 0 && l6 >= 0);
    m_ports = {LoopSockets::port(l4), LoopSockets::port(l6)};
    const int c1 = sockets.connect("127.0.0.1", m_ports[0]);
    const int s1 = sockets.accept(l4);
    const int c2 = sockets.connect("::1", m_ports[1]);
    const int s2 = sockets.accept(l6);
    QVERIFY(c1 >= 0 && s1 >= 0 && c2 >= 0 && s2 >= 0);

    m_watch.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
                  {QStringLiteral("watch"), QStringLiteral("--format"), QStringLiteral("stream"),
                   QStringLiteral("--interval"), QStringLiteral("200")});
    QVERIFY(m_watch.waitForStarted());
    QVERIFY(readPolls(1));
    QVERIFY(m_parser.hasHeader());
    const WatchStreamHeader &h = m_parser.header();
    QCOMPARE(h.format, QStringLiteral("tcpscope-watch"));
    QCOMPARE(h.version, kWatchStreamVersion);
    QCOMPARE(h.host, QSysInfo::machineHostName());
    QCOMPARE(h.kernel, QSysInfo::kernelVersion());
    QCOMPARE(h.intervalMs, 200);
    QVERIFY(!h.source.isEmpty() && !h.tcpscope.isEmpty());
    QVERIFY(m_parser.poll().snapshot);
    QVERIFY(!m_parser.settings().empty()); // the sysctls come once, at the start
    QCOMPARE(streamed(), fromSs());

    // Changes: one connection closed (the closer keeps TIME_WAIT), one half-closed (the peer
    // sits in CLOSE_WAIT), one new.
    sockets.close(c1);
    QVERIFY(LoopSockets::drainToEof(s1));
    sockets.close(s1);
    ::shutdown(c2, SHUT_WR);
    QVERIFY(LoopSockets::drainToEof(s2));
    const int c3 = sockets.connect("127.0.0.1", m_ports[0]);
    QVERIFY(c3 >= 0 && sockets.accept(l4) >= 0);
    QList<int> lines;
    QVERIFY(readPolls(3, &lines));
    QVERIFY(!m_parser.poll().snapshot); // deltas, not snapshots, after the first
    const QList<Tuple> now = streamed();
    QCOMPARE(now, fromSs());
    QCOMPARE(now, fromSnapshot());
    QVERIFY(std::any_of(now.begin(), now.end(),
                        [](const Tuple &t) { return t.state == u"TIME_WAIT"; }));
    QVERIFY(std::any_of(now.begin(), now.end(),
                        [](const Tuple &t) { return t.state == u"CLOSE_WAIT"; }));

    QVERIFY(lines.size() == 3 && lines[0] + lines[1] + lines[2] > 0); // the changes were sent

    // Nothing of ours changes now: they are not sent again (TIME_WAIT's timer included: the
    // reader ages it).
    lines.clear();
    QVERIFY(readPolls(4, &lines));
    QCOMPARE(lines, QList<int>({0, 0, 0, 0}));
    QCOMPARE(streamed(), now);
    m_watch.kill();
    m_watch.waitForFinished();
}

QTEST_GUILESS_MAIN(TestCliWatchStream)
#include "tst_cli_watchstream.moc"
