#include "kernel/sockettable.h"

#include <functional>

namespace tcpscope {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v)
{
    // splitmix64 step over h ^ v: cheap, and good enough to keep 4-tuples apart.
    std::uint64_t z = h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

bool sameTuple(const SocketRecord &a, const SocketRecord &b)
{
    return a.localPort == b.localPort && a.remotePort == b.remotePort
           && a.localAddress == b.localAddress && a.remoteAddress == b.remoteAddress;
}

Transition transitionFor(const SocketRecord &r, TcpState from, TcpState to, double earliest,
                         double now, std::uint64_t key)
{
    Transition t;
    t.time = now;
    t.earliest = earliest;
    t.localAddress = r.localAddress;
    t.remoteAddress = r.remoteAddress;
    t.localPort = r.localPort;
    t.remotePort = r.remotePort;
    t.from = from;
    t.to = to;
    t.observedBy = ObservedBy::Polling;
    t.connection = key;
    return t;
}

} // namespace

std::uint64_t SocketTable::identity(const SocketRecord &r)
{
    if (r.cookie != 0)
        return r.cookie;
    std::uint64_t h = mix(r.localAddress.family, (std::uint64_t(r.localPort) << 16) | r.remotePort);
    std::uint64_t w[4];
    std::memcpy(w, r.localAddress.bytes.data(), 16);
    std::memcpy(w + 2, r.remoteAddress.bytes.data(), 16);
    for (std::uint64_t v : w)
        h = mix(h, v);
    return h | 1; // never 0
}

void SocketTable::removeRow(std::size_t i)
{
    if (i + 1 != m_rows.size()) {
        m_rows[i] = std::move(m_rows.back());
        if (m_rows[i].alive())
            m_index[m_rows[i].key] = std::uint32_t(i);
    }
    m_rows.pop_back();
}

std::vector<Transition> SocketTable::apply(const std::vector<SocketRecord> &records, double now)
{
    std::vector<Transition> out;
    const double earliest = m_first ? now : m_lastPoll;
    const std::uint32_t gen = ++m_generation;
    std::vector<std::size_t> appeared;

    m_index.reserve(records.size() + records.size() / 4);
    for (const SocketRecord &r : records) {
        const std::uint64_t key = identity(r);
        const auto it = m_index.find(key);
        if (it != m_index.end()) {
            SocketRow &row = m_rows[it->second];
            const bool reincarnated = r.cookie == 0 && row.record.inode != 0 && r.inode != 0
                                      && row.record.inode != r.inode;
            if (!reincarnated) {
                if (row.record.state != r.state) {
                    out.push_back(transitionFor(r, row.record.state, r.state, earliest, now, key));
                    row.stateSince = now;
                }
                row.record = r;
                row.generation = gen;
                continue;
            }
            // /proc only: the same 4-tuple with a different socket behind it. The old one
            // vanished (handled below, as it keeps the old generation) and this one is new.
            row.key = mix(row.key, row.record.inode); // keep the old row out of the way
            m_index.erase(it);
        }
        SocketRow row;
        row.record = r;
        row.key = key;
        row.firstSeen = now;
        row.stateSince = now;
        row.generation = gen;
        appeared.push_back(m_rows.size());
        m_index.emplace(key, std::uint32_t(m_rows.size()));
        m_rows.push_back(std::move(row));
    }

    // Sockets not seen this poll vanished; a request socket (SYN_RECEIVED) whose 4-tuple
    // reappears under a new cookie became that full socket: one connection, not two.
    std::unordered_map<std::uint64_t, std::size_t> vanishedRequests;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        SocketRow &row = m_rows[i];
        if (!row.alive() || row.generation == gen)
            continue;
        if (row.record.state == TcpState::SynReceived && row.record.cookie != 0) {
            SocketRecord tupleOnly = row.record;
            tupleOnly.cookie = 0;
            vanishedRequests.emplace(identity(tupleOnly), i);
        }
    }
    std::vector<bool> continued(m_rows.size(), false);
    for (std::size_t i : appeared) {
        SocketRow &row = m_rows[i];
        if (!vanishedRequests.empty()) {
            SocketRecord tupleOnly = row.record;
            tupleOnly.cookie = 0;
            const auto it = vanishedRequests.find(identity(tupleOnly));
            if (it != vanishedRequests.end() && sameTuple(m_rows[it->second].record, row.record)) {
                const SocketRow &request = m_rows[it->second];
                row.firstSeen = request.firstSeen;
                if (row.record.state != TcpState::SynReceived)
                    out.push_back(transitionFor(row.record, TcpState::SynReceived, row.record.state,
                                                earliest, now, row.key));
                else
                    row.stateSince = request.stateSince;
                continued[it->second] = true;
                vanishedRequests.erase(it);
                continue;
            }
        }
        if (!m_first) {
            Transition t = transitionFor(row.record, TcpState::Closed, row.record.state, earliest,
                                         now, row.key);
            t.firstSeen = true;
            out.push_back(t);
        }
    }

    for (std::size_t i = m_rows.size(); i-- > 0;) {
        SocketRow &row = m_rows[i];
        if (row.alive() && row.generation != gen) {
            const auto it = m_index.find(row.key);
            if (it != m_index.end() && it->second == i)
                m_index.erase(it);
            if (i < continued.size() && continued[i]) {
                removeRow(i);
                continue;
            }
            out.push_back(transitionFor(row.record, row.record.state, TcpState::Closed, earliest,
                                        now, row.key));
            row.goneAt = now;
        } else if (!row.alive() && now - row.goneAt >= m_linger) {
            removeRow(i);
        }
    }

    m_counts.fill(0);
    m_alive = 0;
    for (const SocketRow &row : m_rows) {
        if (row.alive()) {
            ++m_counts[std::size_t(index(row.record.state))];
            ++m_alive;
        }
    }
    m_lastPoll = now;
    m_first = false;
    return out;
}

} // namespace tcpscope
