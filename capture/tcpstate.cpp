#include "tcpstate.h"

namespace tcpscope {

namespace {

// clang-format off
constexpr std::array<TcpStateNames, kTcpStateCount> kTable{{
    {TcpState::Closed,      "CLOSED",       "UNCONN",     "closed",      7,  "Closed",       "关闭"},
    {TcpState::Listen,      "LISTEN",       "LISTEN",     "listening",   10, "Listen",       "监听"},
    {TcpState::SynSent,     "SYN_SENT",     "SYN-SENT",   "syn-sent",    2,  "SYN sent",     "同步已发送"},
    {TcpState::SynReceived, "SYN_RECEIVED", "SYN-RECV",   "syn-recv",    3,  "SYN received", "同步已接收"},
    {TcpState::Established, "ESTABLISHED",  "ESTAB",      "established", 1,  "Established",  "已建立连接"},
    {TcpState::FinWait1,    "FIN_WAIT_1",   "FIN-WAIT-1", "fin-wait-1",  4,  "FIN wait 1",   "终止等待1"},
    {TcpState::FinWait2,    "FIN_WAIT_2",   "FIN-WAIT-2", "fin-wait-2",  5,  "FIN wait 2",   "终止等待2"},
    {TcpState::CloseWait,   "CLOSE_WAIT",   "CLOSE-WAIT", "close-wait",  8,  "Close wait",   "关闭等待"},
    {TcpState::Closing,     "CLOSING",      "CLOSING",    "closing",     11, "Closing",      "同时关闭"},
    {TcpState::LastAck,     "LAST_ACK",     "LAST-ACK",   "last-ack",    9,  "Last ACK",     "最后确认"},
    {TcpState::TimeWait,    "TIME_WAIT",    "TIME-WAIT",  "time-wait",   6,  "Time wait",    "时间等待"},
}};
// clang-format on

constexpr int kLinuxNewSynRecv = 12;

// Lower case with '-', '_' and ' ' removed: "TIME-WAIT", "time_wait", "Time wait" all
// become "timewait".
QString folded(QStringView s)
{
    QString out;
    out.reserve(s.size());
    for (QChar c : s) {
        if (c == u'-' || c == u'_' || c == u' ')
            continue;
        out.append(c.toLower());
    }
    return out;
}

} // namespace

const std::array<TcpStateNames, kTcpStateCount> &tcpStateTable() { return kTable; }

const TcpStateNames &names(TcpState s) { return kTable[static_cast<std::size_t>(index(s))]; }

QString rfcName(TcpState s) { return QString::fromLatin1(names(s).rfc); }

QString ssName(TcpState s) { return QString::fromLatin1(names(s).ssColumn); }

QString displayName(TcpState s, QStringView language)
{
    if (language.startsWith(u"zh"))
        return QString::fromUtf8(names(s).chinese);
    return QString::fromLatin1(names(s).english);
}

std::optional<TcpState> parseTcpState(QStringView name)
{
    const QString key = folded(name.trimmed());
    if (key.isEmpty())
        return std::nullopt;
    for (const auto &row : kTable) {
        for (const char *n : {row.rfc, row.ssColumn, row.ssFilter, row.english}) {
            if (key == folded(QString::fromLatin1(n)))
                return row.state;
        }
        if (key == folded(QString::fromUtf8(row.chinese)))
            return row.state;
    }
    if (key == u"synrecv" || key == u"synrcvd" || key == u"newsynrecv")
        return TcpState::SynReceived;
    if (key == u"close")
        return TcpState::Closed;
    return std::nullopt;
}

std::optional<TcpState> fromLinuxState(int linuxState)
{
    if (linuxState == kLinuxNewSynRecv)
        return TcpState::SynReceived;
    for (const auto &row : kTable) {
        if (row.linuxNumber == linuxState)
            return row.state;
    }
    return std::nullopt;
}

int toLinuxState(TcpState s) { return names(s).linuxNumber; }

} // namespace tcpscope
