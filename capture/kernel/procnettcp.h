// The kernel's TCP socket table from /proc/net/tcp and /proc/net/tcp6: the fallback when
// netlink sock_diag is unavailable. Gives the same records, without cookies or the accept
// queue's limit.
#pragma once

#include "socketrecord.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace tcpscope {

struct ProcParseResult
{
    int parsed = 0;
    int malformed = 0; // lines that were not a socket line; never read past their end
};

// Parses the text of /proc/net/tcp (family AF_INET) or /proc/net/tcp6 (AF_INET6), appending
// to out the sockets whose state is in stateMask (bit 1 << Linux state number).
// clockTicksPerSecond converts the timer column (USER_HZ) to milliseconds.
ProcParseResult parseProcNetTcp(const QByteArray &text, int family, std::vector<SocketRecord> &out,
                                long clockTicksPerSecond = 100, std::uint32_t stateMask = ~0u);

// Reads both files under procRoot (normally "/proc"). False with *error when neither can be
// read; a missing tcp6 (IPv6 disabled) is not an error.
bool readProcNetTcp(const QString &procRoot, std::uint32_t stateMask,
                    std::vector<SocketRecord> &out, QString *error);

} // namespace tcpscope
