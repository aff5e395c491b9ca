// What a Lab step must make the kernel show, and how it is said.
#pragma once

#include "tcpstate.h"

#include <QString>

#include <optional>

namespace tcpscope {

// `who` (a socket or a group of the scenario) in `state` (nullopt: gone from the table), at
// least `atLeast` of them; for a listener, optionally its accept queue (Recv-Q) at least
// `minRecvQ`.
struct LabExpect
{
    QString who;
    std::optional<TcpState> state;
    int atLeast = 1;
    int minRecvQ = -1;
    QString text() const; // "server CLOSE_WAIT", "clients TIME_WAIT ×200", "client gone"
    friend bool operator==(const LabExpect &, const LabExpect &) = default;
};

} // namespace tcpscope
