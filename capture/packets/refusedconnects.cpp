#include "packets/refusedconnects.h"

#include "packets/livedelta.h"

namespace tcpscope {

namespace {

std::uint64_t identity(const Connection &c)
{
    std::uint64_t h = 14695981039346656037ull ^ std::uint64_t(c.firstSeenNs);
    for (int e = 0; e < 2; ++e) {
        for (std::uint8_t b : c.address[std::size_t(e)].bytes)
            h = (h ^ b) * 1099511628211ull;
        h = (h ^ c.port[std::size_t(e)]) * 1099511628211ull;
    }
    return h;
}

Transition refusal(const Connection &c, std::uint64_t id)
{
    // The refused side is the one that sent the SYN; the other never had a socket.
    const std::size_t client = c.ep[0].synSent ? 0 : 1, server = 1 - client;
    Transition t;
    t.timeNs = c.lastSeenNs;
    t.time = double(c.lastSeenNs) / 1e9;
    t.earliest = t.time;
    t.localAddress = c.address[client];
    t.localPort = c.port[client];
    t.remoteAddress = c.address[server];
    t.remotePort = c.port[server];
    t.from = TcpState::SynSent;
    t.to = TcpState::Closed;
    t.observedBy = ObservedBy::Packets;
    t.connection = id;
    return t;
}

} // namespace

std::vector<Transition> RefusedConnects::take(const LiveDelta &delta)
{
    if (delta.first)
        m_reported.clear();
    std::vector<Transition> out;
    std::int64_t latest = 0;
    auto consider = [&](const Connection &c) {
        latest = std::max(latest, c.lastSeenNs);
        if (!c.refused)
            return;
        const std::uint64_t id = identity(c);
        if (m_reported.emplace(id, c.lastSeenNs).second)
            out.push_back(refusal(c, id));
    };
    for (const auto &[index, c] : delta.changed)
        consider(c);
    for (const Connection &c : delta.added)
        consider(c);
    for (const Connection &c : delta.retiredConnections)
        consider(c);
    // Forget what is older than the engine's minute, and more: a port reused later is new.
    constexpr std::int64_t kKeepNs = 300'000'000'000;
    for (auto it = m_reported.begin(); it != m_reported.end();)
        it = it->second < latest - kKeepNs ? m_reported.erase(it) : std::next(it);
    return out;
}

} // namespace tcpscope
