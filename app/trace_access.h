// What tcpscope-trace says when it lacks its capabilities: built from source, the setcap
// command; built for the Debian package (-DTCPSCOPE_PACKAGED=ON), the package's group and
// dpkg-reconfigure, as tcpscope-capture does (the package installs both helpers owned by
// root:tcpscope, mode 0750, with their capabilities, when the administrator says Yes).
#pragma once

namespace tcpscope::trace {

#ifdef TCPSCOPE_PACKAGED
inline constexpr bool kPackaged = true;
#else
inline constexpr bool kPackaged = false;
#endif

inline constexpr const char *kPackagedGrant =
    "  The package grants tracing and closing connections to the group tcpscope when\n"
    "  asked to: as root, `dpkg-reconfigure tcpscope-cli` (answer Yes), then\n"
    "  `usermod -aG tcpscope USER` and log in again.\n";

} // namespace tcpscope::trace
