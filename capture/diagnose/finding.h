// One diagnosis: what is wrong (a kind), for whom (a process, a listener, a destination), how
// bad (a level), the numbers that say so, and the sockets that are the evidence. Findings are
// plain values: the engine makes them on the poller's thread, the window, the CLI and the
// exports read them.
#pragma once

#include "tcpstate.h"

#include <QString>

#include <cstdint>
#include <utility>
#include <vector>

namespace tcpscope {

enum class FindingLevel : std::uint8_t { Info, Warning, Critical };

enum class FindingKind : std::uint8_t {
    CloseWaitLeak,    // a process does not close() the sockets its peers closed
    CloseWaitBurst,   // many young CLOSE_WAIT being handled (info)
    PortExhaustion,   // ephemeral ports toward one destination running out
    AcceptQueueFull,  // a listener's application does not accept() fast enough
    SynFlood,         // many SYN_RECEIVED, SYN cookies sent
    FinWait2Pileup,   // our FINs acknowledged, the peers never close: peer in CLOSE_WAIT
    CloseRetransmits, // FIN_WAIT_1 / LAST_ACK retransmitting their FIN
    OrphansNearLimit, // orphaned sockets against tcp_max_orphans
    SynSentPileup,    // SYNs to one destination unanswered (black-holed)
    DeadPeer,         // ESTABLISHED retransmitting, or a Send-Q the peer does not drain
    ConnectsRefused,  // connects answered at once with RST (or ICMP unreachable): seen by the
                      // trace or the packets, never by polls
};
inline constexpr int kFindingKindCount = 11;

// Stable ids, used in JSON, in the teaching text (findings.json) and on the command line.
const char *findingKindId(FindingKind k);     // "close-wait-leak", "port-exhaustion", ...
const char *findingLevelName(FindingLevel l); // "info", "warning", "critical"

struct Finding
{
    FindingKind kind = FindingKind::CloseWaitLeak;
    FindingLevel level = FindingLevel::Info;
    QString key;     // identity across polls: kind id + subject ("close-wait-leak/pid:4242")
    QString subject; // "python3 (4242)", "127.0.0.1 → 127.0.0.1:8080", "listener 0.0.0.0:80"
    int pid = 0;     // the process concerned, when there is one
    TcpState state = TcpState::CloseWait; // the state whose sockets are the evidence
    double since = 0;                     // poll time the finding was first made
    // The numbers, in a fixed order per kind: ("count", 42), ("oldest_s", 95.0), ...
    std::vector<std::pair<QString, double>> numbers;
    // Texts that are not numbers: top peers ("127.0.0.1 ×40"), sysctl values, verdicts.
    std::vector<std::pair<QString, QString>> facts;
    std::vector<std::uint64_t> sockets; // the evidence: socket keys (SocketRow::key)
    // The finding's main count over time: (poll time, value), oldest first.
    std::vector<std::pair<double, double>> history;

    double number(const QString &name, double fallback = -1) const;
    QString fact(const QString &name) const;
};

} // namespace tcpscope
