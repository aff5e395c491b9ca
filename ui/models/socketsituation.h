// Where one socket is now, as the explanation panel tells it (a value the models fill and the
// panel reads), and the durations the models and the panel show.
#pragma once

#include "tcpstate.h"

#include <QString>

namespace tcpscope {

// One socket's situation, for an explanation of where *it* is and why.
struct SocketSituation
{
    TcpState state = TcpState::Closed;
    double secondsInState = 0;
    bool atLeast = false; // a lower bound: it was in the state when the watch began
    QString local, remote;
    QString process; // "nginx (pid 412)", or why there is none
    quint32 recvQ = 0, sendQ = 0;
    QString timer;  // "timewait 41.2 s", or empty
    QString source; // where the picture comes from ("kernel table", "packets")
    // A socket no longer in the kernel's table (its row fading out, or removed): no timer runs
    // for it; what it was last and when it went.
    bool gone = false;
    bool removed = false; // its row has left the table too
    TcpState lastState = TcpState::Closed;
    double goneAt = 0;     // the poll that found it missing (seconds since the epoch)
    double lastSeenAt = 0; // the poll before, where it still was (0: not known)
};

// The same socket gone: what it was last, no timer, missing at the poll of `goneAt`.
SocketSituation goneSituation(SocketSituation last, double goneAt, double lastSeenAt);

// "12 min 5 s", "3 h 2 min"... in the interface language.
QString durationText(double seconds);

} // namespace tcpscope
