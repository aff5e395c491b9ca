// The eleven scenarios' actions and what each step must show; their words are in
// resources/lab/scenarios.json under the same scenario and step ids.
#include "lab/labscenario.h"

#include "kernel/systemsettings.h"

#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cstring>

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

QString sysctl(const QString &name)
{
    for (const SettingValue &v : readSysctls()) {
        if (v.name == name)
            return v.value.value_or(QString());
    }
    return QString();
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
              [](LabContext &c) {
                  return forEachLeakClient(u"client"_qs, [&c](const QString &cn) {
                      return c.setOrphanTimeout(cn, 5) && c.close(cn);
                  });
              },
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

// time-wait-burst runs in a namespace of its own whose ip_local_port_range holds only
// kBurstPorts ports, with tcp_tw_reuse 0 (a new namespace's default 2 would let connect() on
// loopback take over a TIME_WAIT older than 1 s): the burst is a real exhaustion risk, and
// the last step runs the range out until connect() fails.
constexpr int kBurstPorts = 200;
constexpr int kBurst = 150;
constexpr quint16 kBurstListenPort = 5000; // outside the range (port 0 would take one of it)

bool namespaceWithFewPorts(LabContext &c)
{
    return c.enterNamespace()
           && c.setSysctl(u"net.ipv4.ip_local_port_range"_qs,
                          u"40000 %1"_qs.arg(40000 + kBurstPorts - 1))
           && c.setSysctl(u"net.ipv4.tcp_tw_reuse"_qs, u"0"_qs)
           && c.listen(u"listener"_qs, 16, kBurstListenPort);
}

// The namespace's range (read inside it), how many TIME_WAIT hold its ports, how many are left.
void noteEphemeralPorts(LabContext &c, int held)
{
    const QStringList range =
        sysctl(u"net.ipv4.ip_local_port_range"_qs).split(u' ', Qt::SkipEmptyParts);
    const int size = range.size() == 2 ? range[1].toInt() - range[0].toInt() + 1 : 0;
    c.note({u"ephemeral-ports"_qs,
            {{u"range"_qs, QString::number(size)},
             {u"held"_qs, QString::number(held)},
             {u"left"_qs, QString::number(std::max(0, size - held))},
             {u"reuse"_qs, sysctl(u"net.ipv4.tcp_tw_reuse"_qs)}}});
}

bool burstOfShortConnections(LabContext &c)
{
    if (!c.shortConnections(u"clients"_qs, u"listener"_qs, kBurst))
        return false;
    noteEphemeralPorts(c, kBurst);
    return true;
}

// Short connections until connect() fails: true when it failed with EADDRNOTAVAIL once every
// port of the range was held by a TIME_WAIT toward the listener.
bool connectUntilNoPortLeft(LabContext &c)
{
    for (int made = kBurst; made <= kBurstPorts; ++made) {
        if (c.shortConnections(u"clients"_qs, u"listener"_qs, 1))
            continue;
        const int err = c.lastErrno();
        const char *name = ::strerrorname_np(err);
        c.note({u"connect-failed"_qs,
                {{u"port"_qs, QString::number(kBurstListenPort)},
                 {u"error"_qs, QString::fromLatin1(name ? name : "?")}}});
        noteEphemeralPorts(c, made);
        return err == EADDRNOTAVAIL && made == kBurstPorts;
    }
    c.note({u"ports-left-over"_qs, {{u"made"_qs, QString::number(kBurstPorts + 1)}}});
    return false;
}

// What tcp_tw_reuse 1 allows (with TCP timestamps, on by default): connect() takes over a
// TIME_WAIT of the same destination older than a second (tcp_tw_reuse_delay).
bool reuseTakesOver(LabContext &c)
{
    QThread::msleep(2100); // every TIME_WAIT is older than that (counted in whole seconds)
    return c.setSysctl(u"net.ipv4.tcp_tw_reuse"_qs, u"1"_qs)
           && c.shortConnections(u"clients"_qs, u"listener"_qs, 1);
}

LabScenario timeWaitBurst()
{
    LabScenario s{
        u"time-wait-burst"_qs,
        true,
        {{u"namespace"_qs, S::Listen, namespaceWithFewPorts, {in(u"listener"_qs, S::Listen)}},
         {u"burst"_qs,
          S::TimeWait,
          burstOfShortConnections,
          {in(u"clients"_qs, S::TimeWait, kBurst)}},
         {u"ports-run-out"_qs,
          S::TimeWait,
          connectUntilNoPortLeft,
          {in(u"clients"_qs, S::TimeWait, kBurstPorts)}},
         {u"reuse-on"_qs,
          S::TimeWait,
          reuseTakesOver,
          {in(u"clients"_qs, S::TimeWait, kBurstPorts)}}}};
    s.ownNamespace = true;
    return s;
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

// nft rules of the namespace's table "lab", chain "out" (the output hook).
bool dropFlag(LabContext &c, const QString &flag)
{
    return c.nft({u"add"_qs, u"rule"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs, u"tcp"_qs, u"flags"_qs,
                  u"&"_qs, flag, u"=="_qs, flag, u"drop"_qs});
}

bool letEverythingThrough(LabContext &c)
{
    return c.nft({u"flush"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs});
}

// Each side's FIN goes out once (its port is then in the set "finned"), and what carries no
// FIN, SYN or RST — the ACKs that would acknowledge those FINs — is dropped: both sides have
// received the other's FIN, neither has its own acknowledged: both stay in CLOSING.
bool finsCrossAcksHeld(LabContext &c)
{
    return c.nftScript(u"flush chain inet lab out\n"
                       "add set inet lab finned { type inet_service; flags dynamic; }\n"
                       "add rule inet lab out tcp flags & fin == fin tcp sport @finned drop\n"
                       "add rule inet lab out tcp flags & fin == fin add @finned { tcp sport }\n"
                       "add rule inet lab out tcp flags & (fin|syn|rst) == 0 drop\n"_qs);
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

bool namespaceHoldingFins(LabContext &c)
{
    return c.enterNamespace() && patientRetransmissions(c)
           && c.nft({u"add"_qs, u"table"_qs, u"inet"_qs, u"lab"_qs})
           && c.nft({u"add"_qs, u"chain"_qs, u"inet"_qs, u"lab"_qs, u"out"_qs,
                     u"{ type filter hook output priority 0; }"_qs})
           && dropFlag(c, u"fin"_qs) && c.listen(u"listener"_qs)
           && c.connect(u"client"_qs, u"listener"_qs) && c.accept(u"server"_qs, u"listener"_qs);
}

LabScenario simultaneous()
{
    LabScenario s{u"simultaneous"_qs,
                  true,
                  {{u"namespace"_qs,
                    S::Established,
                    namespaceHoldingFins,
                    {in(u"client"_qs, S::Established), in(u"server"_qs, S::Established)}},
                   {u"both-close"_qs,
                    S::FinWait1,
                    [](LabContext &c) { return c.close(u"client"_qs) && c.close(u"server"_qs); },
                    {in(u"client"_qs, S::FinWait1), in(u"server"_qs, S::FinWait1)}},
                   {u"fins-cross"_qs,
                    S::Closing,
                    finsCrossAcksHeld,
                    {in(u"client"_qs, S::Closing), in(u"server"_qs, S::Closing)},
                    10},
                   {u"acks-through"_qs,
                    S::TimeWait,
                    letEverythingThrough,
                    {in(u"client"_qs, S::TimeWait), in(u"server"_qs, S::TimeWait)},
                    10},
                   {u"syns-held"_qs,
                    S::SynSent,
                    [](LabContext &c) {
                        return dropFlag(c, u"syn"_qs)
                               && c.connectEachOther(u"left"_qs, u"right"_qs);
                    },
                    {in(u"left"_qs, S::SynSent), in(u"right"_qs, S::SynSent)}},
                   {u"syns-through"_qs,
                    S::SynReceived,
                    letEverythingThrough,
                    {in(u"left"_qs, S::Established), in(u"right"_qs, S::Established),
                     through(u"left"_qs, S::SynReceived), through(u"right"_qs, S::SynReceived)},
                    10}}};
    s.ownNamespace = true;
    return s;
}

} // namespace

std::vector<LabScenario> makeLabScenarios()
{
    return {clientClose(),   serverClose(), closeWaitLeak(), forkedSocket(),
            halfClose(),     lingerZero(),  unreadData(),    refused(),
            timeWaitBurst(), acceptQueue(), simultaneous()};
}

} // namespace tcpscope
