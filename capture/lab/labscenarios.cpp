// The eleven scenarios' actions and what each step must show (time-wait-burst's are in
// labtimewait.cpp); their words are in resources/lab/scenarios.json under the same scenario
// and step ids.
#include "lab/labscenario.h"

#include <QThread>

namespace tcpscope {

namespace {

using S = TcpState;

LabExpect in(const QString &who, S state, int atLeast = 1) { return {who, state, atLeast, -1}; }
LabExpect gone(const QString &who) { return {who, std::nullopt, 1, -1}; }
// Asserted when the step is traced: polling never sees these states on loopback.
LabExpect through(const QString &who, S state) { return {who, state, 1, -1, true}; }

LabStep listenStep()
{
    return {u"listen"_qs,
            S::Listen,
            [](LabContext &c) { return c.listen(u"listener"_qs); },
            {in(u"listener"_qs, S::Listen)}};
}

// The opening every connection scenario shares: a listener, a client, the accepted socket.
std::vector<LabStep> withOpening(std::vector<LabStep> rest)
{
    std::vector<LabStep> steps{
        listenStep(),
        {u"handshake"_qs,
         S::Established,
         [](LabContext &c) {
             return c.connect(u"client"_qs, u"listener"_qs)
                    && c.accept(u"server"_qs, u"listener"_qs);
         },
         {in(u"client"_qs, S::Established), in(u"server"_qs, S::Established),
          through(u"client"_qs, S::SynSent), through(u"server"_qs, S::SynReceived)}}};
    steps.insert(steps.end(), rest.begin(), rest.end());
    return steps;
}

// `who` reads to the end of the stream, then closes.
auto readAndClose(const QString &who)
{
    return [who](LabContext &c) {
        return c.readToEnd(who) && c.close(who);
    };
}

auto closeOf(const QString &who)
{
    return [who](LabContext &c) {
        return c.close(who);
    };
}

LabScenario clientClose()
{
    return {u"client-close"_qs, false,
            withOpening({{u"client-closes"_qs,
                          S::FinWait2,
                          closeOf(u"client"_qs),
                          {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait),
                           through(u"client"_qs, S::FinWait1)}},
                         {u"server-closes"_qs,
                          S::TimeWait,
                          readAndClose(u"server"_qs),
                          {in(u"client"_qs, S::TimeWait), gone(u"server"_qs),
                           through(u"server"_qs, S::LastAck)}}})};
}

LabScenario serverClose()
{
    return {u"server-close"_qs, false,
            withOpening({{u"server-closes"_qs,
                          S::FinWait2,
                          closeOf(u"server"_qs),
                          {in(u"server"_qs, S::FinWait2), in(u"client"_qs, S::CloseWait),
                           through(u"server"_qs, S::FinWait1)}},
                         {u"client-closes"_qs,
                          S::TimeWait,
                          readAndClose(u"client"_qs),
                          {in(u"server"_qs, S::TimeWait), gone(u"client"_qs),
                           through(u"client"_qs, S::LastAck)}}})};
}

// The CLOSE_WAIT leak's clients: more than the diagnosis needs to call it one (its default
// closeWaitCount is 10 per process), so the Findings tab names the Lab's worker.
constexpr int kLeakClients = 12;

// client1..client12 and server1..server12: `each` on every one; false at the first failure.
bool forEachLeakClient(const QString &prefix, const std::function<bool(const QString &)> &each)
{
    for (int i = 1; i <= kLeakClients; ++i) {
        if (!each(prefix + QString::number(i)))
            return false;
    }
    return true;
}

bool connectLeakClients(LabContext &c)
{
    QStringList clients, servers;
    const bool ok = forEachLeakClient(u"client"_qs, [&](const QString &cn) {
        const QString sn = u"server"_qs + cn.mid(6);
        clients << cn;
        servers << sn;
        return c.connect(cn, u"listener"_qs) && c.accept(sn, u"listener"_qs);
    });
    c.group(u"clients"_qs, clients);
    c.group(u"servers"_qs, servers);
    return ok;
}

// shutdown() first, close() once the FINs are acknowledged: the orphan then lives out its
// 5 s in FIN_WAIT_2 as a minisocket and goes silently. A socket orphaned in FIN_WAIT_1 whose
// ACK arrived while close() still held it waits on a timer instead, which ends it with an RST
// to the server (tcp_keepalive_timer, when the orphan timeout is under TIME_WAIT's 60 s), and
// that RST ended the very CLOSE_WAIT the scenario shows (seen in CI on a loaded host).
bool closeLeakClients(LabContext &c)
{
    if (!forEachLeakClient(u"client"_qs, [&c](const QString &cn) {
            return c.setOrphanTimeout(cn, 5) && c.shutdownWrite(cn);
        }))
        return false;
    QThread::msleep(300); // the FINs' ACKs (a delayed ACK waits at most 200 ms)
    return forEachLeakClient(u"client"_qs, [&c](const QString &cn) { return c.close(cn); });
}

LabScenario closeWaitLeak()
{
    return {u"close-wait-leak"_qs,
            false,
            {listenStep(),
             {u"five-connect"_qs,
              S::Established,
              connectLeakClients,
              {in(u"clients"_qs, S::Established, kLeakClients),
               in(u"servers"_qs, S::Established, kLeakClients)}},
             {u"clients-close"_qs,
              S::CloseWait,
              closeLeakClients,
              {in(u"servers"_qs, S::CloseWait, kLeakClients),
               in(u"clients"_qs, S::FinWait2, kLeakClients)}},
             {u"never-closed"_qs,
              S::CloseWait,
              [](LabContext &) { return true; },
              {gone(u"clients"_qs), in(u"servers"_qs, S::CloseWait, kLeakClients)},
              12},
             {u"server-closes"_qs,
              S::LastAck,
              [](LabContext &c) {
                  return forEachLeakClient(u"server"_qs,
                                           [&c](const QString &sn) { return c.close(sn); });
              },
              {gone(u"servers"_qs)}}}};
}

LabScenario forkedSocket()
{
    return {u"fork"_qs, false,
            withOpening({
                {u"server-forks"_qs,
                 S::Established,
                 [](LabContext &c) { return c.forkHolder(u"server"_qs); },
                 {in(u"server"_qs, S::Established)}},
                {u"parent-closes"_qs,
                 S::Established,
                 closeOf(u"server"_qs),
                 {in(u"server"_qs, S::Established), in(u"client"_qs, S::Established)},
                 1.5},
                {u"child-shuts-down"_qs,
                 S::FinWait2,
                 [](LabContext &c) { return c.childShutdownWrite(u"server"_qs); },
                 {in(u"server"_qs, S::FinWait2), in(u"client"_qs, S::CloseWait)}},
                {u"client-closes"_qs,
                 S::TimeWait,
                 readAndClose(u"client"_qs),
                 {in(u"server"_qs, S::TimeWait), gone(u"client"_qs)}},
                {u"child-closes"_qs,
                 S::TimeWait,
                 [](LabContext &c) { return c.childClose(u"server"_qs); },
                 {in(u"server"_qs, S::TimeWait)},
                 1},
            })};
}

bool sendToHalfClosed(LabContext &c)
{
    QByteArray got;
    if (!c.send(u"server"_qs, "still talking"))
        return false;
    QThread::msleep(50);
    if (!c.receiveAll(u"client"_qs, &got))
        return false;
    c.note({u"client-read"_qs, {{u"text"_qs, QString::fromLatin1(got)}}});
    return got == "still talking";
}

LabScenario halfClose()
{
    return {u"half-close"_qs, false,
            withOpening({
                {u"client-shuts-down"_qs,
                 S::FinWait2,
                 [](LabContext &c) { return c.shutdownWrite(u"client"_qs); },
                 {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait)}},
                {u"server-sends"_qs,
                 S::CloseWait,
                 sendToHalfClosed,
                 {in(u"client"_qs, S::FinWait2), in(u"server"_qs, S::CloseWait)}},
                {u"server-closes"_qs,
                 S::TimeWait,
                 closeOf(u"server"_qs),
                 {in(u"client"_qs, S::TimeWait), gone(u"server"_qs)}},
            })};
}

LabScenario lingerZero()
{
    return {u"linger-zero"_qs, false,
            withOpening({{u"client-aborts"_qs,
                          S::Closed,
                          [](LabContext &c) {
                              return c.setLingerZero(u"client"_qs) && c.close(u"client"_qs);
                          },
                          {gone(u"client"_qs), gone(u"server"_qs)}}})};
}

LabScenario unreadData()
{
    return {u"unread-data"_qs, false,
            withOpening({{u"server-sends"_qs,
                          S::Established,
                          [](LabContext &c) { return c.send(u"server"_qs, "unread"); },
                          {in(u"client"_qs, S::Established)}},
                         {u"client-closes"_qs,
                          S::Closed,
                          closeOf(u"client"_qs),
                          {gone(u"client"_qs), gone(u"server"_qs)}}})};
}

LabScenario refused()
{
    return {u"refused"_qs,
            false,
            {{u"client-connects"_qs,
              S::SynSent,
              [](LabContext &c) { return c.connectRefused(u"client"_qs); },
              {gone(u"client"_qs)}}}};
}

LabScenario acceptQueue()
{
    return {u"accept-queue"_qs,
            false,
            {{u"listen-small"_qs,
              S::Listen,
              [](LabContext &c) { return c.listen(u"listener"_qs, 2); },
              {in(u"listener"_qs, S::Listen)}},
             {u"six-connect"_qs,
              S::Listen,
              [](LabContext &c) { return c.connectMany(u"clients"_qs, u"listener"_qs, 6); },
              {{u"listener"_qs, S::Listen, 1, 3}, in(u"clients"_qs, S::Established, 3)}},
             {u"accept-one"_qs,
              S::Established,
              [](LabContext &c) { return c.accept(u"server"_qs, u"listener"_qs); },
              {in(u"server"_qs, S::Established)}}}};
}

// The namespace's table "lab", chain "out" (the output hook), emptied.
bool letEverythingThrough(LabContext &c)
{
    return c.nft({u"flush"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs});
}

bool everythingFree(LabContext &c) { return letEverythingThrough(c) && c.freeLo(); }

// Both FINs wait in lo's queue, sent before either has arrived (as FINs cross in a network):
// nftables now drops what carries no SYN or RST (the ACKs, and the FINs retransmitted later,
// which would acknowledge the peer's), then the queue lets both go. Each side receives the
// other's FIN while its own is not acknowledged: both stay in CLOSING. (Dropping FINs and
// letting one of each through was a race of the two retransmission timers: the FIN sent
// after the other had arrived acknowledged it, and its receiver went to TIME_WAIT.)
bool finsCrossAcksHeld(LabContext &c)
{
    return c.nftScript(u"flush chain inet lab out\n"
                       "add rule inet lab out tcp flags & (syn|rst) == 0 drop\n"_qs)
           && c.releaseLo();
}

// Held segments are retransmitted at most a second apart (tcp_rto_max_ms), and the held
// sockets live for minutes, not seconds, while the class reads a step (orphans in FIN_WAIT_1
// or CLOSING are given up after tcp_orphan_retries, a connect() after tcp_syn_retries).
bool patientRetransmissions(LabContext &c)
{
    return c.setSysctl(u"net.ipv4.tcp_rto_max_ms"_qs, u"1000"_qs)
           && c.setSysctl(u"net.ipv4.tcp_orphan_retries"_qs, u"120"_qs)
           && c.setSysctl(u"net.ipv4.tcp_syn_retries"_qs, u"120"_qs);
}

bool namespaceWithRules(LabContext &c)
{
    return c.enterNamespace() && patientRetransmissions(c)
           && c.nft({u"add"_qs, u"table"_qs, u"inet"_qs, u"lab"_qs})
           && c.nft({u"add"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs,
                     u"{ type filter hook output priority 0; }"_qs})
           && c.listen(u"listener"_qs) && c.connect(u"client"_qs, u"listener"_qs)
           && c.accept(u"server"_qs, u"listener"_qs);
}

LabScenario simultaneous()
{
    LabScenario s{
        u"simultaneous"_qs,
        true,
        {{u"namespace"_qs,
          S::Established,
          namespaceWithRules,
          {in(u"client"_qs, S::Established), in(u"server"_qs, S::Established)}},
         {u"both-close"_qs,
          S::FinWait1,
          [](LabContext &c) {
              return c.holdLo() && c.close(u"client"_qs) && c.close(u"server"_qs);
          },
          {in(u"client"_qs, S::FinWait1), in(u"server"_qs, S::FinWait1)}},
         {u"fins-cross"_qs,
          S::Closing,
          finsCrossAcksHeld,
          {in(u"client"_qs, S::Closing), in(u"server"_qs, S::Closing)},
          10},
         {u"acks-through"_qs,
          S::TimeWait,
          everythingFree,
          {in(u"client"_qs, S::TimeWait), in(u"server"_qs, S::TimeWait)},
          10},
         {u"syns-held"_qs,
          S::SynSent,
          [](LabContext &c) { return c.holdLo() && c.connectEachOther(u"left"_qs, u"right"_qs); },
          {in(u"left"_qs, S::SynSent), in(u"right"_qs, S::SynSent)}},
         {u"syns-through"_qs,
          S::SynReceived,
          [](LabContext &c) { return c.releaseLo() && c.freeLo(); },
          {in(u"left"_qs, S::Established), in(u"right"_qs, S::Established),
           through(u"left"_qs, S::SynReceived), through(u"right"_qs, S::SynReceived)},
          10}}};
    s.ownNamespace = true;
    return s;
}

} // namespace

std::vector<LabScenario> makeLabScenarios()
{
    return {clientClose(),       serverClose(), closeWaitLeak(), forkedSocket(),
            halfClose(),         lingerZero(),  unreadData(),    refused(),
            makeTimeWaitBurst(), acceptQueue(), simultaneous()};
}

} // namespace tcpscope
