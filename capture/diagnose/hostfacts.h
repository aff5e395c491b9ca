// What the diagnoses need to know of this host besides its socket table: the ephemeral port
// range and its reserved ports, tcp_tw_reuse and timestamps, tcp_max_orphans, the kernel's
// orphan count, the TcpExt counters that confirm a finding, and a process's descriptors
// against its limit. Everything is read from a /proc root given as a parameter (tests pass a
// directory of their own); what cannot be read stays at -1.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <functional>

namespace tcpscope {

struct HostFacts
{
    int portLow = 32768; // net.ipv4.ip_local_port_range
    int portHigh = 60999;
    int reservedInRange = 0; // ports of ip_local_reserved_ports inside the range
    int twReuse = 2;         // net.ipv4.tcp_tw_reuse: 0, 1, or 2 (loopback only)
    int timestamps = 1;      // net.ipv4.tcp_timestamps
    int syncookies = 1;      // net.ipv4.tcp_syncookies
    long maxOrphans = -1;    // net.ipv4.tcp_max_orphans
    long orphans = -1;       // /proc/net/sockstat "orphan"
    // TcpExt counters by name without the group ("ListenOverflows"); absent: not readable.
    QHash<QString, qint64> counters;

    // Ports connect() can pick for one (local address, remote address:port).
    int ephemeralPorts() const;
    bool inEphemeralRange(int port) const { return port >= portLow && port <= portHigh; }
    qint64 counter(const QString &name) const { return counters.value(name, -1); }
    friend bool operator==(const HostFacts &, const HostFacts &) = default;
};

// The TcpExt counters read into HostFacts::counters.
const QStringList &diagnosisCounterNames();

HostFacts readHostFacts(const QString &procRoot = QStringLiteral("/proc"));
// The same from files named relative to a /proc ("sys/net/ipv4/tcp_tw_reuse", "net/netstat"),
// as `read` gives them (empty: unreadable): another namespace's, through its helper.
HostFacts hostFactsFrom(const std::function<QByteArray(const QString &)> &read);

// How many ports of ip_local_reserved_ports' text ("8080,9000-9010") lie in [low, high].
int reservedPortsIn(const QString &text, int low, int high);

struct DescriptorUsage
{
    long open = -1;  // entries of /proc/PID/fd
    long limit = -1; // the soft "Max open files" of /proc/PID/limits (-1: unlimited/unknown)
};
DescriptorUsage readDescriptorUsage(int pid, const QString &procRoot = QStringLiteral("/proc"));

} // namespace tcpscope
