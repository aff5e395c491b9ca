// What moves on the state diagram: tokens travelling along arrows, arrows flashing and
// thickening with traffic, boxes pulsing when something arrives. Time is passed in (seconds
// on any monotonic clock), so the logic is tested without a screen.
//
// Batched for storms: transitions along the same path starting within kBatchWindow share one
// token that carries their count, so 10,000 transitions a second make at most a few hundred
// tokens on screen.
#pragma once

#include "diagramgraph.h"

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tcpscope {

// Which endpoint of a followed connection took a step: its client's and its server's arrows,
// tokens and step numbers have their own colours (Unknown: one colour for both).
enum class FollowedSide : std::uint8_t { Unknown, Client, Server };

class DiagramAnimator
{
public:
    static constexpr double kBatchWindow = 0.05;
    static constexpr double kFlashSeconds = 0.8;
    static constexpr double kPulseSeconds = 0.6;

    struct Token
    {
        std::vector<int> edges; // the arrows travelled, in order
        double start = 0;
        double duration = 0;
        int count = 1;                // transitions it stands for
        std::uint64_t connection = 0; // the first one's
        bool followed = false;
        FollowedSide side = FollowedSide::Unknown; // of a followed connection's token
        std::uint64_t logSeq = 0;                  // its entry in startedLog()
    };

    DiagramAnimator() { m_pulseAt.fill(-1e9); }

    // How long a token takes over one arrow (0: no tokens; flashes and counts only).
    void setSecondsPerArrow(double seconds) { m_perArrow = seconds; }
    double secondsPerArrow() const { return m_perArrow; }
    // Only this connection's tokens move (nullopt: everyone's).
    void setFollowed(std::optional<std::uint64_t> connection) { m_followed = connection; }
    std::optional<std::uint64_t> followed() const { return m_followed; }

    // One connection took `edges` (see diagramPath()); `landed` is the state it reached, which
    // pulses when the token arrives (or at once for an appearance with no arrow).
    void push(const std::vector<int> &edges, TcpState landed, std::uint64_t connection, double now,
              FollowedSide side = FollowedSide::Unknown);
    // Retires finished tokens and updates the traffic rates.
    void advance(double now);

    const std::vector<Token> &tokens() const { return m_tokens; }
    // 0..1 along its path at `now` (eased).
    double progress(const Token &t, double now) const;
    // Transitions per second along an arrow (smoothed over about a second).
    double rate(int edge) const { return m_rate[std::size_t(edge)]; }
    // 1 right after an arrow was taken, fading to 0 over kFlashSeconds.
    double flash(int edge, double now) const;
    // 1 when something arrived in a state, fading to 0.
    double pulse(TcpState s, double now) const;
    // Something is still moving or fading: keep drawing frames.
    bool busy(double now) const;
    void clear();

    // Every token started, oldest first (bounded): what a test or a history list reads.
    struct Started
    {
        std::vector<int> edges;
        std::uint64_t connection = 0;
        int count = 1;
    };
    const std::deque<Started> &startedLog() const { return m_log; }
    static constexpr std::size_t kLogLimit = 4096;

private:
    static std::uint64_t pathKey(const std::vector<int> &edges, bool followed, FollowedSide side);

    double m_perArrow = 0.45;
    std::optional<std::uint64_t> m_followed;
    std::vector<Token> m_tokens;
    // Tokens still open to join (started within kBatchWindow): path → index in m_tokens.
    std::unordered_map<std::uint64_t, std::size_t> m_openBatch;
    std::vector<double> m_rate = std::vector<double>(diagramEdges().size(), 0.0);
    std::vector<int> m_pending = std::vector<int>(diagramEdges().size(), 0);
    std::vector<double> m_flashAt = std::vector<double>(diagramEdges().size(), -1e9);
    std::array<double, kTcpStateCount> m_pulseAt{};
    double m_lastAdvance = -1;
    double m_lastEvent = -1e9;
    std::deque<Started> m_log;
    std::uint64_t m_logBase = 0; // sequence number of m_log.front()
};

} // namespace tcpscope
