// What a Lab step must make the kernel show, and how it is said.
#pragma once

#include "tcpstate.h"

#include <QString>

#include <optional>

namespace tcpscope {

// `who` (a socket or a group of the scenario) in `state` (nullopt: gone from the table), at
// least `atLeast` of them; for a listener, optionally its accept queue (Recv-Q) at least
// `minRecvQ`. With `passedThrough`, `who` entered `state` during the step, however briefly
// (FIN_WAIT_1, LAST_ACK, SYN_RECEIVED last microseconds on loopback): only the exact trace
// sees that, so such an expectation is asserted only when the step was traced.
struct LabExpect
{
    QString who;
    std::optional<TcpState> state;
    int atLeast = 1;
    int minRecvQ = -1;
    bool passedThrough = false;
    QString text() const; // "server CLOSE_WAIT", "clients TIME_WAIT ×200", "client gone",
                          // "client passed through FIN_WAIT_1 (exact)"
    friend bool operator==(const LabExpect &, const LabExpect &) = default;
};

} // namespace tcpscope
