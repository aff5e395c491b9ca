// Times as signed 64-bit nanoseconds since the epoch (±292 years), and the arithmetic on them
// that a hostile capture or session file cannot overflow: conversions that say when a time
// does not fit, and sums and differences that saturate instead of wrapping.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace tcpscope {

inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;
inline constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kMinNs = std::numeric_limits<std::int64_t>::min();
__extension__ typedef unsigned __int128 Uint128; // GCC and clang; __extension__ for -Wpedantic

inline std::int64_t saturatingAdd(std::int64_t a, std::int64_t b)
{
    std::int64_t r;
    if (!__builtin_add_overflow(a, b, &r))
        return r;
    return b > 0 ? kMaxNs : kMinNs;
}

inline std::int64_t saturatingSub(std::int64_t a, std::int64_t b)
{
    std::int64_t r;
    if (!__builtin_sub_overflow(a, b, &r))
        return r;
    return b < 0 ? kMaxNs : kMinNs;
}

// seconds·10⁹ + nanoseconds, or nullopt when that is not a time we can hold.
inline std::optional<std::int64_t> nsFromParts(std::int64_t seconds, std::int64_t nanoseconds)
{
    std::int64_t ns;
    if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns)
        || __builtin_add_overflow(ns, nanoseconds, &ns))
        return std::nullopt;
    return ns;
}

// A count of ticks at `unitsPerSecond` (a pcapng if_tsresol) as nanoseconds; nullopt when it
// does not fit. The fraction is scaled in 128 bits: ticks of 10⁻¹² s times 10⁹ overflow 64.
inline std::optional<std::int64_t> nsFromTicks(std::uint64_t ticks, std::uint64_t unitsPerSecond)
{
    const std::uint64_t seconds = ticks / unitsPerSecond;
    if (seconds > std::uint64_t(kMaxNs / kNsPerSecond))
        return std::nullopt;
    const auto fraction =
        static_cast<std::int64_t>(Uint128(ticks % unitsPerSecond) * kNsPerSecond / unitsPerSecond);
    return nsFromParts(std::int64_t(seconds), fraction);
}

// Seconds (a double, as sessions store them) as nanoseconds; nullopt when not finite or out
// of range. 9.2e18 is the largest double below 2⁶³ that the check lets through.
inline std::optional<std::int64_t> nsFromSeconds(double seconds)
{
    const double ns = seconds * 1e9;
    if (!std::isfinite(ns) || ns >= 9.2e18 || ns <= -9.2e18)
        return std::nullopt;
    return std::int64_t(ns);
}

} // namespace tcpscope
