// KernelSocketModel: what a live capture says of the kernel's sockets — the packet engine's
// states of both ends, by 4-tuple, shown in the Source column of the same row.
#include "models/kernelsocketmodel.h"

#include <algorithm>

namespace tcpscope {

namespace {
quint64 tupleKey(const IpAddress &local, std::uint16_t lport, const IpAddress &remote,
                 std::uint16_t rport)
{
    SocketRecord r;
    r.localAddress = local;
    r.localPort = lport;
    r.remoteAddress = remote;
    r.remotePort = rport;
    return SocketTable::identity(r); // no cookie: a hash of the 4-tuple
}
} // namespace

// Both directions of a connection, unless a later incarnation of its 4-tuple is there.
void KernelSocketModel::setPacketState(const Connection &c, std::vector<quint64> *touched)
{
    for (std::size_t e = 0; e < 2; ++e) {
        const quint64 key = tupleKey(c.address[e], c.port[e], c.address[1 - e], c.port[1 - e]);
        auto it = m_packetStates.find(key);
        if (it != m_packetStates.end() && it->firstSeenNs > c.firstSeenNs)
            continue;
        m_packetStates.insert(key, {{c.ep[e].state, c.ep[1 - e].state}, c.firstSeenNs});
        if (touched)
            touched->push_back(key);
    }
}

void KernelSocketModel::setPacketView(std::shared_ptr<const TcpTracker> tracker)
{
    m_packetStates.clear();
    if (tracker) {
        for (const Connection &c : tracker->connections())
            setPacketState(c, nullptr);
    }
    if (m_order.empty())
        return;
    Q_EMIT dataChanged(index(0, State), index(int(m_order.size()) - 1, Source));
    SlotChanges changes; // every row's Source
    changes.changed = m_order;
    Q_EMIT slotsChanged(changes);
}

void KernelSocketModel::applyPacketDelta(const LiveDelta &d)
{
    if (d.first && !m_packetStates.isEmpty()) { // a new capture
        setPacketView(nullptr);
    }
    std::vector<quint64> touched;
    for (const Connection &c : d.retiredConnections) {
        for (std::size_t e = 0; e < 2; ++e) {
            const quint64 key = tupleKey(c.address[e], c.port[e], c.address[1 - e], c.port[1 - e]);
            const auto it = m_packetStates.constFind(key);
            if (it != m_packetStates.constEnd() && it->firstSeenNs == c.firstSeenNs) {
                m_packetStates.erase(it);
                touched.push_back(key);
            }
        }
    }
    for (const auto &[id, c] : d.changed)
        setPacketState(c, &touched);
    for (const Connection &c : d.added)
        setPacketState(c, &touched);
    signalPacketRows(std::move(touched));
}

// dataChanged for the kernel rows whose 4-tuple is one of `touched`, in runs.
void KernelSocketModel::signalPacketRows(std::vector<quint64> touched)
{
    if (touched.empty() || m_order.empty())
        return;
    std::sort(touched.begin(), touched.end());
    SlotChanges changes;
    int first = -1;
    for (int row = 0; row <= int(m_order.size()); ++row) {
        bool hit = false;
        if (row < int(m_order.size())) {
            const SocketRecord &r = m_pool[std::size_t(m_order[std::size_t(row)])].row.row.record;
            const quint64 key =
                tupleKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort);
            hit = std::binary_search(touched.begin(), touched.end(), key);
        }
        if (hit)
            changes.changed.push_back(m_order[std::size_t(row)]);
        if (hit && first < 0)
            first = row;
        if (!hit && first >= 0) {
            Q_EMIT dataChanged(index(first, State), index(row - 1, Source));
            first = -1;
        }
    }
    if (!changes.changed.empty())
        Q_EMIT slotsChanged(changes);
}

std::optional<std::pair<TcpState, TcpState>>
KernelSocketModel::packetState(const SocketRecord &r) const
{
    if (m_packetStates.isEmpty())
        return std::nullopt;
    const auto it = m_packetStates.constFind(
        tupleKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort));
    return it == m_packetStates.constEnd() ? std::nullopt : std::optional(it->states);
}

} // namespace tcpscope
