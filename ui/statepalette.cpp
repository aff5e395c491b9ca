#include "statepalette.h"

namespace tcpscope {

QColor stateColor(TcpState s)
{
    switch (s) {
    case TcpState::Closed:
        return QColor(0x99, 0x99, 0x99); // grey
    case TcpState::Listen:
        return QColor(0x56, 0xb4, 0xe9); // sky blue
    case TcpState::SynSent:
        return QColor(0xe6, 0x9f, 0x00); // orange
    case TcpState::SynReceived:
        return QColor(0xf0, 0xe4, 0x42); // yellow
    case TcpState::Established:
        return QColor(0x00, 0x9e, 0x73); // bluish green
    case TcpState::FinWait1:
        return QColor(0x00, 0x72, 0xb2); // blue
    case TcpState::FinWait2:
        return QColor(0x33, 0x4e, 0xa8); // indigo
    case TcpState::CloseWait:
        return QColor(0xd5, 0x5e, 0x00); // vermillion
    case TcpState::Closing:
        return QColor(0x88, 0x22, 0x55); // wine
    case TcpState::LastAck:
        return QColor(0xcc, 0x79, 0xa7); // reddish purple
    case TcpState::TimeWait:
        return QColor(0x7f, 0x3c, 0x8d); // purple
    }
    return Qt::black;
}

} // namespace tcpscope
