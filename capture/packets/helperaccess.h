// Why a privileged helper (tcpscope-capture) cannot be started, and what the user can do.
// A packaged install (installers/debian) lets only the group "tcpscope" run the helpers, as
// Wireshark's package does for dumpcap; a build from source carries file capabilities set
// by hand. The advice names the route that applies to the helper as it is installed.
#pragma once

#include <QString>

namespace tcpscope {

// The group a packaged install restricts the helpers to.
inline constexpr char kHelperGroup[] = "tcpscope";

// What to say when `program` cannot be executed (errno `error`, from access or exec).
QString helperStartAdvice(const QString &program, int error);

// Is `program` installed the packaged way: group kHelperGroup, not executable by others?
bool helperIsGroupRestricted(const QString &program);

} // namespace tcpscope
