// How tcpscope-cli prints the kernel's socket table (`snapshot`) and its transitions
// (`watch`), as JSON or as text.
#pragma once

#include "kernel/processmap.h"
#include "kernel/sockettable.h"
#include "kernel/systemsettings.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tcpscope {

// What to call each network namespace (by inode) in "netns_label" and the text's Namespace
// column. A record whose netns is not 0 carries "netns" (the inode) and, with labels,
// "netns_label".
using NetnsLabels = std::unordered_map<std::uint32_t, std::string>;

// processes may be null (--no-process): then "processes" is null for every socket.
void writeSocketJson(std::string &out, const SocketRecord &r, const ProcessMap *processes,
                     const NetnsLabels *labels = nullptr);

// The whole `snapshot --format json` document. With flush, it is handed over in pieces of
// about 1 MiB (flush writes and empties the buffer), so 100k sockets never sit in memory
// as one 25 MB string.
void writeSnapshotJson(std::string &out, const std::vector<SocketRecord> &records,
                       const ProcessMap *processes, const char *source, const QString &notice,
                       double time, const std::function<void(std::string &)> &flush = {},
                       const NetnsLabels *labels = nullptr);

// `snapshot --format text`: a header, one line per socket (like `ss -tanop`), the counts.
// With allNamespaces, a Namespace column first.
void writeSnapshotText(std::string &out, const std::vector<SocketRecord> &records,
                       const ProcessMap *processes, const char *source, const QString &notice,
                       const NetnsLabels *labels = nullptr, bool allNamespaces = false);

// One `watch` line per transition, text or JSON. A traced transition (`watch --exact`)
// carries its time to the microsecond in text and to the nanosecond in JSON ("time_ns"), and
// the process that made it ("pid", "comm"; null for a packet or a timer); with exactMode,
// every JSON line says whether it is exact ("exact": true) or the poller's (false).
void writeTransitionText(std::string &out, const Transition &t, const ProcessMap *processes,
                         const SocketRecord *record);
void writeTransitionJson(std::string &out, const Transition &t, const ProcessMap *processes,
                         const SocketRecord *record, bool exactMode = false,
                         const NetnsLabels *labels = nullptr);

StateCounts countStates(const std::vector<SocketRecord> &records);

// "users:(("nginx",pid=412))"-like text of who holds a socket, or why nobody does.
std::string processText(const SocketRecord &r, const ProcessMap &processes);

} // namespace tcpscope
