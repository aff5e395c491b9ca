#include "widgets/gonesocket.h"

#include <QDateTime>

namespace tcpscope {

namespace {

QString clock(double seconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000))
        .toString(QStringLiteral("HH:mm:ss.zzz"));
}

} // namespace

QString GoneSocketText::meaning(TcpState last)
{
    switch (last) {
    case TcpState::TimeWait:
        return tr("Its TIME_WAIT is over: the 60 s timer ran out and the kernel freed it "
                  "(TIME_WAIT → CLOSED), the usual end of the side that closed first. A new SYN "
                  "for the same 4-tuple, tcp_tw_reuse or an RST can end it sooner.");
    case TcpState::LastAck:
        return tr("The ACK of its FIN arrived (LAST_ACK → CLOSED), or its FIN's retransmissions "
                  "ran out: this side closed without TIME_WAIT.");
    case TcpState::FinWait2:
        return tr("No FIN came from its peer (that would have moved it to TIME_WAIT): if its "
                  "application had closed it, tcp_fin_timeout ran out; otherwise an RST or a "
                  "timeout ended it.");
    case TcpState::FinWait1:
        return tr("An RST or a retransmission timeout ended it (for an orphan, "
                  "tcp_orphan_retries); its peer's FIN would have moved it to CLOSING or "
                  "TIME_WAIT instead.");
    case TcpState::Closing:
        return tr("An RST or a timeout ended it; the ACK of its FIN would have moved it to "
                  "TIME_WAIT instead.");
    case TcpState::CloseWait:
        return tr("Its application closed it between two polls: its FIN went out and the peer's "
                  "ACK came back (CLOSE_WAIT → LAST_ACK → CLOSED) faster than the polling "
                  "interval; or close() with unread data, or an RST, ended it at once.");
    case TcpState::Established:
        return tr("It ended between two polls: reset (an RST received, or sent by close() with "
                  "unread data or SO_LINGER 0), timed out, or — its peer closing first — closed "
                  "through CLOSE_WAIT and LAST_ACK faster than the polling interval. Closing "
                  "first would have left it in TIME_WAIT for 60 s. Exact mode sees every step.");
    case TcpState::Listen:
        return tr("Its application closed the listening socket (or exited): connections to "
                  "this port are now refused with an RST.");
    case TcpState::SynSent:
        return tr("The connection attempt ended: refused (RST), unreachable (ICMP), given up "
                  "after the SYN retries or closed by its application — or it succeeded and "
                  "closed again between two polls.");
    case TcpState::SynReceived:
        return tr("A request socket ends when the handshake completes (the connection is then "
                  "a new ESTABLISHED socket in the listener's accept queue), when its SYN+ACK "
                  "retries run out (about 63 s), or on an RST.");
    case TcpState::Closed:
        break;
    }
    return tr("It was closed or reset between two polls.");
}

QString GoneSocketText::html(const SocketSituation &s)
{
    const QString when =
        s.lastSeenAt > 0
            ? tr("Gone from the kernel's table: missing at the poll of %1, still there at %2.")
                  .arg(clock(s.goneAt), clock(s.lastSeenAt))
            : tr("Gone from the kernel's table: missing at the poll of %1.").arg(clock(s.goneAt));
    const QString last = QStringLiteral("<a href=\"state:%1\" style=\"color:#0b4f9c\">%1</a>")
                             .arg(rfcName(s.lastState));
    QString html = QStringLiteral("<b>%1 → %2</b><br><b>%3</b><br>%4<br>%5<br><i>%6</i>")
                       .arg(s.local.toHtmlEscaped(), s.remote.toHtmlEscaped(), when.toHtmlEscaped(),
                            tr("Last seen in %1, in that state for ≥ %2.")
                                .toHtmlEscaped()
                                .arg(last, durationText(s.secondsInState)),
                            meaning(s.lastState).toHtmlEscaped(),
                            tr("No timer runs for it any more: the kernel holds nothing of this "
                               "socket now.")
                                .toHtmlEscaped());
    if (s.removed)
        html +=
            QStringLiteral("<br>")
            + tr("Its row has left the table; its history stays under History.").toHtmlEscaped();
    return QStringLiteral("<table width=\"100%\" cellpadding=\"6\"><tr><td style=\""
                          "background-color:#ececec; color:#101010\">%1</td></tr></table>")
        .arg(html);
}

} // namespace tcpscope
