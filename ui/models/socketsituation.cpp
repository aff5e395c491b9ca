#include "models/socketsituation.h"

#include <QCoreApplication>

#include <algorithm>

namespace tcpscope {

QString durationText(double seconds)
{
    // The context is the explanation panel's, where these strings were first translated.
    const qint64 s = qint64(std::max(0.0, seconds));
    if (s < 60)
        return QCoreApplication::translate("tcpscope::TeachingPanel", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("tcpscope::TeachingPanel", "%1 min %2 s")
            .arg(s / 60)
            .arg(s % 60);
    if (s < 86400)
        return QCoreApplication::translate("tcpscope::TeachingPanel", "%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60);
    return QCoreApplication::translate("tcpscope::TeachingPanel", "%1 d %2 h")
        .arg(s / 86400)
        .arg((s % 86400) / 3600);
}

SocketSituation goneSituation(SocketSituation last, double goneAt, double lastSeenAt)
{
    if (!last.gone) {
        last.lastState = last.state;
        last.state = TcpState::Closed;
        last.gone = true;
    }
    last.timer.clear();
    last.goneAt = goneAt > 0 ? goneAt : last.goneAt;
    last.lastSeenAt = lastSeenAt > 0 ? lastSeenAt : last.lastSeenAt;
    return last;
}

} // namespace tcpscope
