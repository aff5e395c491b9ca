// The History list of a capture page (CapturePage::fillHistory) and the steps it shares with
// the diagram.
#include "pages/capturehistory.h"

#include "pages/capturepage.h"
#include "statepalette.h"

#include <QDateTime>
#include <QTreeWidget>

namespace tcpscope {

int clientIndex(const Connection &c) { return c.ep[0].role == Role::Server ? 1 : 0; }

bool rolesKnown(const Connection &c)
{
    return c.ep[0].role != Role::Unknown && c.ep[1].role != Role::Unknown;
}

FollowedSide sideOf(const Connection &c, int endpoint)
{
    if (!rolesKnown(c))
        return FollowedSide::Unknown;
    return endpoint == clientIndex(c) ? FollowedSide::Client : FollowedSide::Server;
}

std::vector<FollowedStep> followedStepsOf(const std::vector<StateChange> &history,
                                          const Connection &c, std::size_t count)
{
    std::vector<FollowedStep> steps;
    for (std::size_t k = 0; k < std::min(count, history.size()); ++k) {
        const StateChange &h = history[k];
        if (h.revision != Revision::None)
            continue; // a correction, not a move through the diagram: no arrow
        for (int e : diagramPath(h.from, h.to, h.flags & tcpflag::Rst))
            steps.push_back({e, int(k + 1), sideOf(c, h.endpoint)});
    }
    return steps;
}

QList<TcpState> statesAfter(const std::vector<StateChange> &history, const Connection &c,
                            std::size_t count)
{
    QList<TcpState> now;
    const int client = clientIndex(c);
    for (const int e : {client, 1 - client}) {
        TcpState at =
            c.ep[std::size_t(e)].role == Role::Server ? TcpState::Listen : TcpState::Closed;
        for (std::size_t k = 0; k < std::min(count, history.size()); ++k) {
            if (history[k].endpoint == e)
                at = history[k].to;
        }
        now << at;
    }
    return now;
}

namespace {

// The local time of day with the capture's own precision (digits after the second, 0–9), as
// a packet list shows it.
QString clockText(std::int64_t ns, int digits)
{
    const std::int64_t second = ns >= 0 ? ns / 1'000'000'000 : (ns + 1) / 1'000'000'000 - 1;
    const std::int64_t fraction = ns - second * 1'000'000'000;
    const QString hms = QDateTime::fromSecsSinceEpoch(second).toString(QStringLiteral("HH:mm:ss"));
    digits = std::clamp(digits, 0, 9);
    if (digits == 0)
        return hms;
    return hms + u'.' + QStringLiteral("%1").arg(fraction, 9, 10, QChar(u'0')).left(digits);
}

} // namespace

QString CapturePage::revisionText(const StateChange &ch, const StateChange *withdrawn,
                                  const QString &who,
                                  const std::function<QString(std::int64_t)> &clock)
{
    const QString at = clock(ch.timeNs);
    const QString packet = QStringLiteral("#%1").arg(ch.packet);
    if (ch.revision == Revision::RstDidNotReset) {
        if (!withdrawn)
            return tr("revised: the RST did not reset the %1: it sent %2 at %3")
                .arg(who, packet, at);
        return tr("revised: the RST at %1 did not reset the %2: it sent %3 at %4")
            .arg(clock(withdrawn->timeNs), who, packet, at);
    }
    const bool syn = ch.flags & tcpflag::Syn;
    const QString what = QLatin1String(!syn                        ? "FIN"
                                       : (ch.flags & tcpflag::Ack) ? "SYN,ACK"
                                                                   : "SYN");
    if (!withdrawn)
        return tr("revised: the ACK did not act (lost or ignored): the %1 sent its %2 again, "
                  "%3 at %4")
            .arg(who, what, packet, at);
    return tr("revised: the ACK at %1 did not act (lost or ignored): the %2 sent its %3 "
              "again, %4 at %5")
        .arg(clock(withdrawn->timeNs), who, what, packet, at);
}

QStringList CapturePage::historyHeaders()
{
    return {tr("Step"), tr("Time"), tr("Endpoint"), tr("From"), tr("To"), tr("Packet")};
}

// One row per change, numbered as the diagram numbers its steps. A change confirmed after
// its packet (the receiver showed later that the FIN had arrived) says both times; an
// inferred one (the capture joined mid-stream) says so.
void CapturePage::fillHistory(std::uint32_t conn)
{
    m_history->clear();
    const TcpTracker &tracker = *m_model->result().tracker;
    const Connection &c = tracker.connections()[conn];
    const int digits = m_model->result().digits;
    const auto clock = [digits](std::int64_t ns) {
        return clockText(ns, digits);
    };
    char flags[32];
    int step = 0;
    const std::vector<StateChange> history = m_model->history(conn);
    for (std::size_t k = 0; k < history.size(); ++k) {
        const StateChange &ch = history[k];
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, QString::number(++step));
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(1, clock(ch.timeNs));
        const FollowedSide side = sideOf(c, ch.endpoint);
        const QString who = side == FollowedSide::Client   ? tr("client")
                            : side == FollowedSide::Server ? tr("server")
                                                           : tr("endpoint %1").arg(ch.endpoint + 1);
        item->setText(2, who);
        item->setText(3, rfcName(ch.from));
        item->setText(4, rfcName(ch.to));
        const QString packet =
            QStringLiteral("#%1 %2").arg(ch.packet).arg(QLatin1String(flagsText(ch.flags, flags)));
        const std::optional<std::int64_t> cause =
            ch.packet ? tracker.causeTimeNs(ch.packet) : std::nullopt;
        if (ch.revision != Revision::None) {
            const StateChange *withdrawn = nullptr;
            for (std::size_t j = k; j-- > 0 && !withdrawn;)
                withdrawn = history[j].endpoint == ch.endpoint ? &history[j] : nullptr;
            item->setText(5, revisionText(ch, withdrawn, who, clock));
            item->setToolTip(5, item->text(5));
        } else if (!ch.packet) {
            item->setText(5, tr("2MSL timer"));
        } else if (cause && *cause != ch.timeNs) {
            item->setText(1, clock(*cause));
            item->setText(5, tr("caused by %1 at %2, confirmed at %3")
                                 .arg(packet, clock(*cause), clock(ch.timeNs)));
            item->setToolTip(5, tr("Packet %1 was captured at %2; that it had arrived showed "
                                   "only in the receiver's next segment, at %3.")
                                    .arg(packet, clock(*cause), clock(ch.timeNs)));
        } else {
            item->setText(5, packet);
        }
        if (ch.inferred) {
            item->setText(5, tr("%1 (inferred)").arg(item->text(5)));
            for (int col = 0; col < m_history->columnCount(); ++col) {
                QFont f = item->font(col);
                f.setItalic(true);
                item->setFont(col, f);
                item->setToolTip(col, tr("Inferred: the capture joined this connection "
                                         "mid-stream, so this step was not seen, only assumed"));
            }
        }
        QPixmap p(10, 10);
        p.fill(stateColor(ch.to));
        item->setIcon(4, QIcon(p));
    }
}

} // namespace tcpscope
