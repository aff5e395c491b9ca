// The refused connects a live capture shows — a SYN answered by an RST — as exact transitions
// (SYN_SENT -> CLOSED, ObservedBy::Packets) for the diagnosis engine. A poll never sees them:
// the kernel drops such a socket the moment the RST arrives.
#pragma once

#include "transition.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tcpscope {

struct LiveDelta;

class RefusedConnects
{
public:
    // The connections this delta shows refused for the first time (a refused connection that
    // changes again — a retransmitted SYN, a second RST — is reported once).
    std::vector<Transition> take(const LiveDelta &delta);

private:
    std::unordered_map<std::uint64_t, std::int64_t> m_reported; // connection -> its last time
};

} // namespace tcpscope
