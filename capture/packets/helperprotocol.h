// What the capture helper (tcpscope-capture, app/capture_helper.cpp) says on standard error,
// and what it accepts, shared by the helper and its reader (CaptureHelper). Plain C++, no Qt:
// the helper links libpcap only.
//
// Once a second and at the end the helper writes one stats line,
//     tcpscope-capture: stats received=N dropped=N ifdropped=N
//     tcpscope-capture: stats final received=N dropped=N ifdropped=N
// (libpcap's pcap_stat, 32-bit counters). Every other line is a message for the user. Only a
// whole line of exactly this form is a stats line; the helper refuses arguments with control
// characters, so nothing it echoes can forge one.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcpscope::helperprotocol {

inline constexpr std::string_view kStatsPrefix = "tcpscope-capture: stats";

// The longest filter the helper compiles. libpcap's optimiser is super-linear in the filter's
// length and cannot be interrupted: 16 KiB took 11 s here and 118 KiB more than a minute and
// 2.9 GB. A hand-written filter is a few hundred bytes; 4 KiB still allows a list of ~200
// "host A or" terms, and compiles in well under a second.
inline constexpr std::size_t kMaxFilterBytes = 4096;

struct Stats
{
    std::uint32_t received = 0;
    std::uint32_t dropped = 0;
    std::uint32_t ifdropped = 0;
    bool final = false;
};

// "received=N dropped=N ifdropped=N": the part a user is shown.
inline std::string statsText(const Stats &s)
{
    return "received=" + std::to_string(s.received) + " dropped=" + std::to_string(s.dropped)
           + " ifdropped=" + std::to_string(s.ifdropped);
}

// The whole line, with its newline.
inline std::string formatStats(const Stats &s)
{
    return std::string(kStatsPrefix) + (s.final ? " final " : " ") + statsText(s) + '\n';
}

namespace detail {
// Reads "name=N" (N a 32-bit decimal) at the front of `rest` and moves past it.
inline bool take(std::string_view &rest, std::string_view name, std::uint32_t *out)
{
    if (rest.substr(0, name.size()) != name)
        return false;
    rest.remove_prefix(name.size());
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *out);
    if (ec != std::errc() || end == rest.data())
        return false;
    rest.remove_prefix(std::size_t(end - rest.data()));
    return true;
}
} // namespace detail

// A line (without its newline) that is exactly a stats line; nullopt for anything else.
inline std::optional<Stats> parseStats(std::string_view line)
{
    if (line.substr(0, kStatsPrefix.size()) != kStatsPrefix)
        return std::nullopt;
    std::string_view rest = line.substr(kStatsPrefix.size());
    Stats s;
    if (rest.substr(0, 7) == " final ") {
        s.final = true;
        rest.remove_prefix(6);
    }
    if (!detail::take(rest, " received=", &s.received)
        || !detail::take(rest, " dropped=", &s.dropped)
        || !detail::take(rest, " ifdropped=", &s.ifdropped) || !rest.empty())
        return std::nullopt;
    return s;
}

// A byte below 0x20 or DEL: a newline in an interface name could forge a stats line.
inline bool hasControlCharacter(std::string_view text)
{
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

} // namespace tcpscope::helperprotocol
