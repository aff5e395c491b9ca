#include "packets/livedelta.h"

#include <algorithm>

namespace tcpscope {

void RetiredSummary::add(const RetiredSummary &o)
{
    connections += o.connections;
    refused += o.refused;
    timeWait += o.timeWait;
    for (std::size_t i = 0; i < closedFrom.size(); ++i)
        closedFrom[i] += o.closedFrom[i];
}

namespace {

// `later` changed rows overwrite ours; both are ascending, so a merge keeps them ascending.
void mergeChanged(std::vector<std::pair<std::uint32_t, Connection>> &ours,
                  std::vector<std::pair<std::uint32_t, Connection>> &&later)
{
    std::vector<std::pair<std::uint32_t, Connection>> out;
    out.reserve(ours.size() + later.size());
    auto a = ours.begin(), b = later.begin();
    while (a != ours.end() || b != later.end()) {
        if (b == later.end() || (a != ours.end() && a->first < b->first)) {
            out.push_back(std::move(*a++));
        } else {
            if (a != ours.end() && a->first == b->first)
                ++a;
            out.push_back(std::move(*b++));
        }
    }
    ours = std::move(out);
}

void keepNewer(QString &ours, QString &&later)
{
    if (!later.isEmpty())
        ours = std::move(later);
}

} // namespace

void LiveDelta::merge(LiveDelta &&later)
{
    // Rows the later delta changed that are new in this one are simply newer values.
    const std::uint32_t end = firstNew + std::uint32_t(added.size());
    const auto firstOld = std::partition_point(later.changed.begin(), later.changed.end(),
                                               [&](const auto &c) { return c.first < firstNew; });
    for (auto it = firstOld; it != later.changed.end() && it->first < end; ++it)
        added[it->first - firstNew] = std::move(it->second);
    later.changed.erase(firstOld, later.changed.end());
    mergeChanged(changed, std::move(later.changed));
    added.insert(added.end(), std::make_move_iterator(later.added.begin()),
                 std::make_move_iterator(later.added.end()));
    changes.insert(changes.end(), later.changes.begin(), later.changes.end());
    segments.insert(segments.end(), later.segments.begin(), later.segments.end());
    notes.insert(notes.end(), later.notes.begin(), later.notes.end());
    final = final || later.final;
    counts = later.counts;
    packets = later.packets;
    keptPackets = later.keptPackets;
    tcpPackets = later.tcpPackets;
    lastTimeNs = later.lastTimeNs;
    digits = later.digits;
    connections = later.connections;
    buildNs += later.buildNs;
    keepNewer(dropReport, std::move(later.dropReport));
    keepNewer(readError, std::move(later.readError));
    keepNewer(keepError, std::move(later.keepError));
    keepNewer(helperSays, std::move(later.helperSays));
    if (later.helperExitCode)
        helperExitCode = later.helperExitCode;
    if (later.helperSignal)
        helperSignal = later.helperSignal;
}

} // namespace tcpscope
