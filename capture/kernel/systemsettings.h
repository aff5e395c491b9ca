// The sysctls that explain what the socket table shows, and the /proc/net/netstat counters
// that confirm a diagnosis. Each is read as text; a missing one is reported as missing.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tcpscope {

struct SettingValue
{
    QString name;                 // "net.ipv4.tcp_fin_timeout", "TcpExt.ListenOverflows"
    std::optional<QString> value; // nullopt: missing on this kernel or unreadable
};

// The sysctls tcpscope explains, as dotted names.
const QStringList &explainedSysctls();
// The TcpExt counters that confirm a diagnosis (ListenOverflows, TCPTimeWaitOverflow...).
const QStringList &diagnosisCounters();

// Reads each of explainedSysctls() under procRoot + "/sys/...", whitespace folded to one
// space ("32768 60999").
std::vector<SettingValue> readSysctls(const QString &procRoot = QStringLiteral("/proc"));

// Parses the text of /proc/net/netstat (header line, value line, per group) and returns
// the wanted counters as "Group.Name"; a counter not in the text is missing.
std::vector<SettingValue> parseNetstat(const QByteArray &text, const QStringList &wanted);
std::vector<SettingValue> readNetstatCounters(const QString &procRoot = QStringLiteral("/proc"));

} // namespace tcpscope
