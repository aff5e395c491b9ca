// The diff of one poll against the last: appear, change, vanish (and fade), a 4-tuple reused
// by a new socket, a request socket becoming its full socket, and /proc's identity by
// 4-tuple and inode.
#include "kernel/sockettable.h"

#include <QTest>

using namespace tcpscope;

namespace {

SocketRecord sock(std::uint16_t lport, std::uint16_t rport, TcpState s, std::uint64_t cookie,
                  std::uint64_t inode = 0)
{
    SocketRecord r;
    const std::uint8_t lo[4] = {127, 0, 0, 1};
    r.localAddress = IpAddress::v4(lo);
    r.remoteAddress = IpAddress::v4(lo);
    r.localPort = lport;
    r.remotePort = rport;
    r.state = s;
    r.cookie = cookie;
    r.inode = inode;
    return r;
}

QStringList describe(const std::vector<Transition> &ts)
{
    QStringList out;
    for (const Transition &t : ts)
        out << QStringLiteral("%1 %2>%3%4")
                   .arg(t.localPort)
                   .arg(QString::fromLatin1(names(t.from).rfc),
                        QString::fromLatin1(names(t.to).rfc),
                        t.firstSeen ? QStringLiteral(" new") : QString());
    out.sort();
    return out;
}

} // namespace

class TestSocketTable : public QObject
{
    Q_OBJECT
private slots:
    void firstPollOnlyCounts();
    void appearChangeVanish();
    void vanishedRowsFadeThenGo();
    void tupleReusedByNewCookie();
    void requestBecomesFullSocket();
    void procIdentityByTupleAndInode();
    void pollWindowIsRecorded();
    void dyingSocketBesideItsSuccessor();
};

void TestSocketTable::firstPollOnlyCounts()
{
    SocketTable t;
    const auto ts =
        t.apply({sock(80, 0, TcpState::Listen, 1), sock(80, 5000, TcpState::Established, 2),
                 sock(5000, 80, TcpState::Established, 3)},
                100.0);
    QVERIFY(ts.empty());
    QCOMPARE(t.aliveCount(), 3);
    QCOMPARE(t.counts()[index(TcpState::Established)], 2);
    QCOMPARE(t.counts()[index(TcpState::Listen)], 1);
}

void TestSocketTable::appearChangeVanish()
{
    SocketTable t;
    t.apply({sock(80, 0, TcpState::Listen, 1)}, 100.0);
    QCOMPARE(describe(t.apply({sock(80, 0, TcpState::Listen, 1),
                               sock(80, 5000, TcpState::Established, 2),
                               sock(5000, 80, TcpState::Established, 3)},
                              101.0)),
             (QStringList{u"5000 CLOSED>ESTABLISHED new"_qs, u"80 CLOSED>ESTABLISHED new"_qs}));
    QCOMPARE(
        describe(t.apply({sock(80, 0, TcpState::Listen, 1), sock(80, 5000, TcpState::CloseWait, 2),
                          sock(5000, 80, TcpState::FinWait2, 3)},
                         102.0)),
        (QStringList{u"5000 ESTABLISHED>FIN_WAIT_2"_qs, u"80 ESTABLISHED>CLOSE_WAIT"_qs}));
    QCOMPARE(describe(t.apply(
                 {sock(80, 0, TcpState::Listen, 1), sock(5000, 80, TcpState::TimeWait, 3)}, 103.0)),
             (QStringList{u"5000 FIN_WAIT_2>TIME_WAIT"_qs, u"80 CLOSE_WAIT>CLOSED"_qs}));
    QCOMPARE(t.aliveCount(), 2);
    QCOMPARE(t.counts()[index(TcpState::TimeWait)], 1);
    QCOMPARE(t.counts()[index(TcpState::CloseWait)], 0);
}

void TestSocketTable::vanishedRowsFadeThenGo()
{
    SocketTable t(3.0);
    t.apply({sock(80, 5000, TcpState::Established, 2)}, 100.0);
    t.apply({}, 101.0);
    QCOMPARE(int(t.rows().size()), 1);
    QVERIFY(!t.rows()[0].alive());
    QCOMPARE(t.rows()[0].goneAt, 101.0);
    QCOMPARE(t.aliveCount(), 0);
    t.apply({}, 103.9);
    QCOMPARE(int(t.rows().size()), 1); // still fading
    t.apply({}, 104.0);
    QCOMPARE(int(t.rows().size()), 0);
}

void TestSocketTable::tupleReusedByNewCookie()
{
    // A TIME_WAIT 4-tuple taken over by a new connection (tcp_tw_reuse): a new socket, a new
    // cookie. The old one closes, the new one appears.
    SocketTable t;
    t.apply({sock(5000, 80, TcpState::TimeWait, 7)}, 100.0);
    QCOMPARE(describe(t.apply({sock(5000, 80, TcpState::SynSent, 8, 99)}, 101.0)),
             (QStringList{u"5000 CLOSED>SYN_SENT new"_qs, u"5000 TIME_WAIT>CLOSED"_qs}));
    QCOMPARE(t.aliveCount(), 1);
}

void TestSocketTable::requestBecomesFullSocket()
{
    SocketTable t;
    t.apply({sock(80, 0, TcpState::Listen, 1), sock(80, 5000, TcpState::SynReceived, 20)}, 100.0);
    QCOMPARE(describe(t.apply(
                 {sock(80, 0, TcpState::Listen, 1), sock(80, 5000, TcpState::Established, 21, 55)},
                 101.0)),
             (QStringList{u"80 SYN_RECEIVED>ESTABLISHED"_qs}));
    QCOMPARE(int(t.rows().size()), 2); // no fading ghost of the request socket
    QCOMPARE(t.rows()[1].firstSeen, 100.0);
}

void TestSocketTable::procIdentityByTupleAndInode()
{
    SocketTable t;
    t.apply({sock(5000, 80, TcpState::Established, 0, 11)}, 100.0);
    QCOMPARE(describe(t.apply({sock(5000, 80, TcpState::FinWait2, 0, 11)}, 101.0)),
             (QStringList{u"5000 ESTABLISHED>FIN_WAIT_2"_qs}));
    QCOMPARE(describe(t.apply({sock(5000, 80, TcpState::TimeWait, 0, 0)}, 102.0)),
             (QStringList{u"5000 FIN_WAIT_2>TIME_WAIT"_qs}));
    // Same 4-tuple, a different live socket behind it: a new incarnation.
    t.apply({sock(5000, 80, TcpState::Established, 0, 12)}, 103.0);
    QCOMPARE(describe(t.apply({sock(5000, 80, TcpState::Established, 0, 13)}, 104.0)),
             (QStringList{u"5000 CLOSED>ESTABLISHED new"_qs, u"5000 ESTABLISHED>CLOSED"_qs}));
    QCOMPARE(t.aliveCount(), 1);
}

void TestSocketTable::pollWindowIsRecorded()
{
    SocketTable t;
    t.apply({sock(5000, 80, TcpState::Established, 3)}, 100.0);
    const auto ts = t.apply({sock(5000, 80, TcpState::FinWait1, 3)}, 100.5);
    QCOMPARE(ts.size(), std::size_t(1));
    QCOMPARE(ts[0].earliest, 100.0);
    QCOMPARE(ts[0].time, 100.5);
    QCOMPARE(ts[0].observedBy, ObservedBy::Polling);
    QCOMPARE(ts[0].connection, std::uint64_t(3));
    QCOMPARE(t.rows()[0].stateSince, 100.5);
}

void TestSocketTable::dyingSocketBesideItsSuccessor()
{
    // Seen in a real dump under load: the orphaned client's full socket, already TCP_CLOSE,
    // and the FIN_WAIT_2 minisocket that replaced it, with the same cookie, in one poll, in
    // either order. One change, ESTABLISHED to FIN_WAIT_2, never a close and a rebirth.
    for (bool dyingFirst : {true, false}) {
        SocketTable t;
        t.apply({sock(5000, 80, TcpState::Established, 3, 40)}, 100.0);
        std::vector<SocketRecord> dump{sock(5000, 80, TcpState::Closed, 3, 40),
                                       sock(5000, 80, TcpState::FinWait2, 3)};
        if (!dyingFirst)
            std::swap(dump[0], dump[1]);
        QCOMPARE(describe(t.apply(dump, 101.0)), (QStringList{u"5000 ESTABLISHED>FIN_WAIT_2"_qs}));
        QCOMPARE(t.counts()[index(TcpState::FinWait2)], 1);
    }
    // Caught dying alone: kept as it was for this poll, gone at the next.
    SocketTable t;
    t.apply({sock(5000, 80, TcpState::Established, 3, 40)}, 100.0);
    QVERIFY(t.apply({sock(5000, 80, TcpState::Closed, 3, 40)}, 101.0).empty());
    QCOMPARE(describe(t.apply({}, 102.0)), (QStringList{u"5000 ESTABLISHED>CLOSED"_qs}));
}

QTEST_GUILESS_MAIN(TestSocketTable)
#include "tst_sockettable.moc"
