// What tcpscope-netns says when it may not enter a namespace: built from source, the setcap
// command; built for the Debian package (-DTCPSCOPE_PACKAGED=ON), the package's group and
// dpkg-reconfigure, as the other helpers do.
#pragma once

namespace tcpscope::netns {

#ifdef TCPSCOPE_PACKAGED
inline constexpr bool kPackaged = true;
#else
inline constexpr bool kPackaged = false;
#endif

// setns() needs CAP_SYS_ADMIN; opening another user's /proc/PID/ns/net, CAP_SYS_PTRACE.
inline constexpr const char *kCapabilities = "cap_sys_admin,cap_sys_ptrace";

inline constexpr const char *kPackagedGrant =
    "  The package grants entering namespaces to the group tcpscope when asked to: as\n"
    "  root, `dpkg-reconfigure tcpscope-cli` (answer Yes), then `usermod -aG tcpscope USER`\n"
    "  and log in again.\n";

} // namespace tcpscope::netns
