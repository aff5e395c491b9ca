#include "socketrecord.h"

namespace tcpscope {

const char *timerKindName(TimerKind k)
{
    switch (k) {
    case TimerKind::None:
        return "off";
    case TimerKind::Retransmit:
        return "on";
    case TimerKind::Keepalive:
        return "keepalive";
    case TimerKind::TimeWait:
        return "timewait";
    case TimerKind::Probe:
        return "persist";
    }
    return "unknown";
}

} // namespace tcpscope
