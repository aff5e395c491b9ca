// Saved sessions and saved packets, both as pcapng: the packets (Enhanced Packet Blocks,
// nanosecond timestamps), and for a session the kernel table's timeline as a Custom Block
// (PEN 32473, the documentation example number of RFC 5612) holding JSON — the chart's samples,
// every transition seen, and the last table with its processes. Wireshark and tcpdump open the
// file as an ordinary capture; tcpscope reopens the whole session as it was.
#pragma once

#include "formats/sessiontimeline.h"
#include "kernel/kerneltimeline.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace tcpscope {

// Writes a pcapng file: the packets of `pcapPath` (a pcap file; empty: none) and, when given,
// the kernel timeline. False, with the reason, on any failure (nothing half-written is left).
bool writeSessionFile(const QString &path, const QString &pcapPath, const KernelTimeline *timeline,
                      QString *error);

// The kernel timeline saved in a pcapng file; nullopt when the file holds none (an ordinary
// capture) or cannot be read (`error` says which). A timeline with damaged records left out
// is returned with `error` set (see parseTimelineJson).
std::optional<KernelTimeline> readSessionTimeline(const QString &path, QString *error);

} // namespace tcpscope
