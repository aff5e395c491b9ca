// The time-wait-burst scenario: ephemeral ports running out for real, in a namespace of its
// own (labscenarios.cpp has the others; its words are in resources/lab/scenarios.json).
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

QString sysctl(const QString &name)
{
    for (const SettingValue &v : readSysctls()) {
        if (v.name == name)
            return v.value.value_or(QString());
    }
    return QString();
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

} // namespace

LabScenario makeTimeWaitBurst()
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

} // namespace tcpscope
