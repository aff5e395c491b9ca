// Sequence-space comparisons (RFC 9293 §3.4), modulo 2^32, for the packet engine's files.
#pragma once

#include <cstdint>

namespace tcpscope {

inline bool seqGE(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) >= 0; }
inline bool seqGT(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) > 0; }

} // namespace tcpscope
