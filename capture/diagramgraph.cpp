#include "diagramgraph.h"

#include "teachingtext.h"

#include <array>
#include <deque>

namespace tcpscope {

namespace {

using S = TcpState;

std::vector<DiagramEdge> makeEdges()
{
    std::vector<DiagramEdge> edges;
    const auto add = [&](S from, S to, EdgeKind kind, bool final = false) {
        edges.push_back({from, to, kind, final, transitionId(from, to)});
    };
    add(S::Closed, S::Listen, EdgeKind::Rfc);
    add(S::Closed, S::SynSent, EdgeKind::Rfc);
    add(S::Listen, S::Closed, EdgeKind::Rfc);
    add(S::Listen, S::SynReceived, EdgeKind::Rfc);
    add(S::Listen, S::SynSent, EdgeKind::Rfc);
    add(S::SynSent, S::Closed, EdgeKind::Rfc);
    add(S::SynSent, S::SynReceived, EdgeKind::Rfc);
    add(S::SynSent, S::Established, EdgeKind::Rfc);
    add(S::SynReceived, S::Established, EdgeKind::Rfc);
    add(S::SynReceived, S::FinWait1, EdgeKind::Rfc);
    add(S::SynReceived, S::Listen, EdgeKind::Rfc);
    add(S::Established, S::FinWait1, EdgeKind::Rfc);
    add(S::Established, S::CloseWait, EdgeKind::Rfc);
    add(S::FinWait1, S::FinWait2, EdgeKind::Rfc);
    add(S::FinWait1, S::Closing, EdgeKind::Rfc);
    add(S::FinWait1, S::TimeWait, EdgeKind::Extra);
    add(S::FinWait2, S::TimeWait, EdgeKind::Rfc);
    add(S::Closing, S::TimeWait, EdgeKind::Rfc);
    add(S::CloseWait, S::LastAck, EdgeKind::Rfc);
    add(S::LastAck, S::Closed, EdgeKind::Rfc, true);
    add(S::TimeWait, S::Closed, EdgeKind::Rfc, true);
    add(S::TimeWait, S::SynReceived, EdgeKind::Extra);
    for (S s : {S::SynSent, S::SynReceived, S::Established, S::FinWait1, S::FinWait2, S::CloseWait,
                S::Closing, S::LastAck, S::TimeWait})
        edges.push_back({s, S::Closed, EdgeKind::Reset, true, QStringLiteral("ANY>CLOSED")});
    return edges;
}

int directEdge(S from, S to)
{
    const auto &edges = diagramEdges();
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind != EdgeKind::Reset && edges[i].from == from && edges[i].to == to)
            return int(i);
    }
    return -1;
}

// Arrows a skipped-over path may use: not LISTEN → SYN_SENT (sockets never do it), not the
// TIME_WAIT reopen (a new connection), not resets.
bool usableInPath(const DiagramEdge &e)
{
    return e.kind != EdgeKind::Reset && !(e.from == S::Listen && e.to == S::SynSent)
           && !(e.from == S::TimeWait && e.to == S::SynReceived);
}

} // namespace

const std::vector<DiagramEdge> &diagramEdges()
{
    static const std::vector<DiagramEdge> edges = makeEdges();
    return edges;
}

int resetEdge(S from)
{
    const auto &edges = diagramEdges();
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (edges[i].kind == EdgeKind::Reset && edges[i].from == from)
            return int(i);
    }
    return -1;
}

std::vector<int> diagramPath(S from, S to, bool reset, bool appeared)
{
    if (appeared) {
        if (to == S::Listen || to == S::SynSent)
            return {directEdge(S::Closed, to)};
        if (to == S::SynReceived)
            return {directEdge(S::Listen, to)};
        return {};
    }
    if (from == to)
        return {};
    if (reset && to == S::Closed && resetEdge(from) >= 0)
        return {resetEdge(from)};
    if (const int e = directEdge(from, to); e >= 0)
        return {e};
    // A request socket that vanished was dropped or reset, not closed in order.
    if (to == S::Closed && from == S::SynReceived)
        return {resetEdge(from)};
    // Breadth-first: the fewest arrows from `from` to `to`, over the figure's arrows first
    // (what a textbook connection does), then with the extra ones.
    const auto &edges = diagramEdges();
    std::array<int, kTcpStateCount> via;
    bool found = false;
    for (const bool withExtra : {false, true}) {
        via.fill(-1);
        std::deque<S> queue{from};
        while (!queue.empty() && !found) {
            const S at = queue.front();
            queue.pop_front();
            for (std::size_t i = 0; i < edges.size(); ++i) {
                const DiagramEdge &e = edges[i];
                if (e.from != at || !usableInPath(e) || (!withExtra && e.kind != EdgeKind::Rfc)
                    || e.to == from || via[std::size_t(index(e.to))] >= 0)
                    continue;
                via[std::size_t(index(e.to))] = int(i);
                if (e.to == to) {
                    found = true;
                    break;
                }
                queue.push_back(e.to);
            }
        }
        if (found)
            break;
    }
    if (!found)
        return to == S::Closed && resetEdge(from) >= 0 ? std::vector<int>{resetEdge(from)}
                                                       : std::vector<int>{};
    std::vector<int> path;
    for (S at = to; at != from;) {
        const int e = via[std::size_t(index(at))];
        path.insert(path.begin(), e);
        at = edges[std::size_t(e)].from;
    }
    return path;
}

const std::vector<int> &cachedDiagramPath(S from, S to, bool reset, bool appeared)
{
    using Table = std::array<std::vector<int>, 4 * kTcpStateCount * kTcpStateCount>;
    static const Table paths = [] {
        Table t;
        for (int f = 0; f < kTcpStateCount; ++f)
            for (int k = 0; k < kTcpStateCount; ++k)
                for (int flags = 0; flags < 4; ++flags)
                    t[std::size_t((flags * kTcpStateCount + f) * kTcpStateCount + k)] =
                        diagramPath(stateAt(f), stateAt(k), flags & 1, flags & 2);
        return t;
    }();
    const int flags = (reset ? 1 : 0) | (appeared ? 2 : 0);
    return paths[std::size_t((flags * kTcpStateCount + index(from)) * kTcpStateCount + index(to))];
}

} // namespace tcpscope
