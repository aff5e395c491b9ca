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
    t.netns = r.netns;
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
    Poll poll;
    poll.now = now;
    poll.earliest = m_first ? now : m_lastPoll;
    poll.generation = ++m_generation;
    std::vector<std::size_t> appeared;
    m_index.reserve(records.size() + records.size() / 4);
    for (const SocketRecord &r : records)
        merge(r, poll, appeared);
    const std::vector<bool> continued = announceAppeared(appeared, poll);
    retireVanished(continued, poll);
    recount();
    m_lastPoll = now;
    m_first = false;
    return std::move(poll.out);
}

// A socket of this poll: a known one (a change of state is a transition), or a new row.
void SocketTable::merge(const SocketRecord &r, Poll &poll, std::vector<std::size_t> &appeared)
{
    const std::uint64_t key = identity(r);
    const auto it = m_index.find(key);
    if (it != m_index.end()) {
        SocketRow &row = m_rows[it->second];
        const bool reincarnated =
            r.cookie == 0 && row.record.inode != 0 && r.inode != 0 && row.record.inode != r.inode;
        if (!reincarnated) {
            if (r.state == TcpState::Closed) {
                // A socket caught dying (TCP_CLOSE, still in the dump's batch): its successor
                // (the TIME_WAIT or FIN_WAIT_2 minisocket with the same cookie) may be in this
                // very dump, and if not, the next poll sees it gone. Not a state of its own.
                row.generation = poll.generation;
                return;
            }
            if (row.record.state != r.state) {
                poll.out.push_back(
                    transitionFor(r, row.record.state, r.state, poll.earliest, poll.now, key));
                row.stateSince = poll.now;
            }
            row.record = r;
            row.generation = poll.generation;
            return;
        }
        // /proc only: the same 4-tuple with a different socket behind it. The old one
        // vanished (handled later, as it keeps the old generation) and this one is new.
        row.key = mix(row.key, row.record.inode); // keep the old row out of the way
        m_index.erase(it);
    }
    addRow(r, key, poll, appeared);
}

void SocketTable::addRow(const SocketRecord &r, std::uint64_t key, Poll &poll,
                         std::vector<std::size_t> &appeared)
{
    SocketRow row;
    row.record = r;
    row.key = key;
    row.firstSeen = poll.now;
    row.stateSince = poll.now;
    row.generation = poll.generation;
    appeared.push_back(m_rows.size());
    m_index.emplace(key, std::uint32_t(m_rows.size()));
    m_rows.push_back(std::move(row));
}

// Request sockets (SYN_RECEIVED, with a cookie) not seen this poll, by their 4-tuple.
SocketTable::RequestIndex SocketTable::vanishedRequests(std::uint32_t generation) const
{
    RequestIndex requests;
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const SocketRow &row = m_rows[i];
        if (!row.alive() || row.generation == generation)
            continue;
        if (row.record.state == TcpState::SynReceived && row.record.cookie != 0) {
            SocketRecord tupleOnly = row.record;
            tupleOnly.cookie = 0;
            requests.emplace(identity(tupleOnly), i);
        }
    }
    return requests;
}

// A request socket whose 4-tuple reappears under a new cookie became that full socket: one
// connection, not two. True when `row` continues one of `requests`.
bool SocketTable::continueRequest(SocketRow &row, RequestIndex &requests, Poll &poll,
                                  std::vector<bool> &continued)
{
    SocketRecord tupleOnly = row.record;
    tupleOnly.cookie = 0;
    const auto it = requests.find(identity(tupleOnly));
    if (it == requests.end() || !sameTuple(m_rows[it->second].record, row.record))
        return false;
    const SocketRow &request = m_rows[it->second];
    row.firstSeen = request.firstSeen;
    if (row.record.state != TcpState::SynReceived)
        poll.out.push_back(transitionFor(row.record, TcpState::SynReceived, row.record.state,
                                         poll.earliest, poll.now, row.key));
    else
        row.stateSince = request.stateSince;
    continued[it->second] = true;
    requests.erase(it);
    return true;
}

// The sockets new in this poll: each continues a request socket, or appeared (not reported
// on the first poll). Returns the rows continued, which are to go without a transition.
std::vector<bool> SocketTable::announceAppeared(const std::vector<std::size_t> &appeared,
                                                Poll &poll)
{
    RequestIndex requests = vanishedRequests(poll.generation);
    std::vector<bool> continued(m_rows.size(), false);
    for (std::size_t i : appeared) {
        SocketRow &row = m_rows[i];
        if (!requests.empty() && continueRequest(row, requests, poll, continued))
            continue;
        if (!m_first) {
            Transition t = transitionFor(row.record, TcpState::Closed, row.record.state,
                                         poll.earliest, poll.now, row.key);
            t.firstSeen = true;
            poll.out.push_back(t);
        }
    }
    return continued;
}

// Sockets not seen this poll vanished (→ CLOSED, kept fading for the linger time); rows
// faded long enough, and request sockets continued by a full one, go.
void SocketTable::retireVanished(const std::vector<bool> &continued, Poll &poll)
{
    for (std::size_t i = m_rows.size(); i-- > 0;) {
        SocketRow &row = m_rows[i];
        if (row.alive() && row.generation != poll.generation) {
            const auto it = m_index.find(row.key);
            if (it != m_index.end() && it->second == i)
                m_index.erase(it);
            if (i < continued.size() && continued[i]) {
                removeRow(i);
                continue;
            }
            poll.out.push_back(transitionFor(row.record, row.record.state, TcpState::Closed,
                                             poll.earliest, poll.now, row.key));
            row.goneAt = poll.now;
        } else if (!row.alive() && poll.now - row.goneAt >= m_linger) {
            removeRow(i);
        }
    }
}

void SocketTable::recount()
{
    m_counts.fill(0);
    m_alive = 0;
    for (const SocketRow &row : m_rows) {
        if (row.alive()) {
            ++m_counts[std::size_t(index(row.record.state))];
            ++m_alive;
        }
    }
}

} // namespace tcpscope
