// The link types fuzz_packetdecoder picks by its first input byte (make_seeds writes real frames
// with the byte of their link type): each one the decoder supports, and DLT_IEEE802_11 (105),
// which it does not.
#pragma once

#include <array>

namespace tcpscope::fuzz {

// NULL, EN10MB, RAW (12, 14, 101), LOOP, LINUX_SLL, IPV4, IPV6, NFLOG, LINUX_SLL2, IEEE802_11.
inline constexpr std::array kLinkTypes{0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276, 105};

} // namespace tcpscope::fuzz
