// What the explanation panel says of a socket gone from the kernel's table — its row fading out,
// or already removed: when it went (between which two polls), the state it was last seen in and
// for how long, what vanishing from that state means, and that no timer runs for it any more.
#pragma once

#include "models/socketsituation.h"

#include <QCoreApplication>

namespace tcpscope {

class GoneSocketText
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::GoneSocketText)
public:
    // The box that takes the place of a live socket's situation (rich text).
    static QString html(const SocketSituation &socket);
    // What vanishing from `last` between two polls means: its likely ends.
    static QString meaning(TcpState last);
};

} // namespace tcpscope
