#include "diagram/diagramanimator.h"

#include <algorithm>
#include <cmath>

namespace tcpscope {

std::uint64_t DiagramAnimator::pathKey(const std::vector<int> &edges, bool followed,
                                       FollowedSide side)
{
    std::uint64_t key = followed ? 1 + std::uint64_t(side) : 0;
    for (int e : edges)
        key = key * 64 + std::uint64_t(e) + 1;
    return key;
}

void DiagramAnimator::push(const std::vector<int> &edges, TcpState landed, std::uint64_t connection,
                           double now, FollowedSide side)
{
    m_lastEvent = now;
    for (int e : edges) {
        ++m_pending[std::size_t(e)];
        m_flashAt[std::size_t(e)] = now;
    }
    const bool followed = m_followed && *m_followed == connection;
    if (edges.empty() || m_perArrow <= 0 || (m_followed && !followed)) {
        m_pulseAt[std::size_t(index(landed))] = now;
        return;
    }
    const std::uint64_t key = pathKey(edges, followed, side);
    if (const auto it = m_openBatch.find(key); it != m_openBatch.end()) {
        Token &t = m_tokens[it->second];
        if (now - t.start < kBatchWindow) {
            ++t.count;
            if (t.logSeq >= m_logBase)
                ++m_log[std::size_t(t.logSeq - m_logBase)].count;
            return;
        }
    }
    Token t;
    t.edges = edges;
    t.start = now;
    t.duration = m_perArrow * (0.6 + 0.4 * double(edges.size()));
    t.connection = connection;
    t.followed = followed;
    t.side = followed ? side : FollowedSide::Unknown;
    t.logSeq = m_logBase + m_log.size();
    m_tokens.push_back(std::move(t));
    m_openBatch[key] = m_tokens.size() - 1;
    m_log.push_back({edges, connection, 1});
    if (m_log.size() > kLogLimit) {
        m_log.pop_front();
        ++m_logBase;
    }
}

void DiagramAnimator::advance(double now)
{
    // Finished tokens land (their state pulses) and go; the open batches are re-indexed.
    std::erase_if(m_tokens, [&](const Token &t) {
        if (now < t.start + t.duration)
            return false;
        const int last = t.edges.back();
        m_pulseAt[std::size_t(index(diagramEdges()[std::size_t(last)].to))] = now;
        return true;
    });
    m_openBatch.clear();
    for (std::size_t i = 0; i < m_tokens.size(); ++i) {
        if (now - m_tokens[i].start < kBatchWindow)
            m_openBatch[pathKey(m_tokens[i].edges, m_tokens[i].followed, m_tokens[i].side)] = i;
    }
    if (m_lastAdvance >= 0 && now > m_lastAdvance) {
        const double dt = now - m_lastAdvance;
        const double keep = std::exp(-dt / 1.0);
        for (std::size_t e = 0; e < m_rate.size(); ++e) {
            m_rate[e] = m_rate[e] * keep + (1 - keep) * (m_pending[e] / dt);
            m_pending[e] = 0;
        }
    }
    m_lastAdvance = now;
}

double DiagramAnimator::progress(const Token &t, double now) const
{
    const double x = t.duration > 0 ? std::clamp((now - t.start) / t.duration, 0.0, 1.0) : 1.0;
    return x * x * (3 - 2 * x); // ease in and out
}

double DiagramAnimator::flash(int edge, double now) const
{
    const double age = now - m_flashAt[std::size_t(edge)];
    return age < 0 || age > kFlashSeconds ? 0.0 : 1.0 - age / kFlashSeconds;
}

double DiagramAnimator::pulse(TcpState s, double now) const
{
    const double age = now - m_pulseAt[std::size_t(index(s))];
    return age < 0 || age > kPulseSeconds ? 0.0 : 1.0 - age / kPulseSeconds;
}

bool DiagramAnimator::busy(double now) const
{
    if (!m_tokens.empty() || now - m_lastEvent < std::max(kFlashSeconds, kPulseSeconds))
        return true;
    return std::any_of(m_rate.begin(), m_rate.end(), [](double r) { return r > 0.05; });
}

void DiagramAnimator::clear()
{
    m_tokens.clear();
    m_openBatch.clear();
    std::fill(m_rate.begin(), m_rate.end(), 0.0);
    std::fill(m_pending.begin(), m_pending.end(), 0);
    std::fill(m_flashAt.begin(), m_flashAt.end(), -1e9);
    m_pulseAt.fill(-1e9);
    m_log.clear();
    m_logBase = 0;
}

} // namespace tcpscope
