// CapturePage's ladder: the selected connection's segments beside the diagram, a segment
// selected (or stepped to) showing the table, counts, diagram and explanation just after it.
#include "diagram/statediagramview.h"
#include "formats/segmentsexport.h"
#include "ladder/ladderpane.h"
#include "ladder/ladderview.h"
#include "pages/capturehistory.h"
#include "pages/capturepage.h"
#include "pages/sourceviews.h"
#include "widgets/teachingpanel.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QTableView>
#include <QTreeWidget>

namespace tcpscope {

namespace {

std::array<QString, 2> endpointTitles(const Connection &c)
{
    std::array<QString, 2> t;
    const bool known = rolesKnown(c);
    for (int e = 0; e < 2; ++e) {
        const QString who = !known                ? CapturePage::tr("end %1").arg(e + 1)
                            : e == clientIndex(c) ? CapturePage::tr("client")
                                                  : CapturePage::tr("server");
        t[std::size_t(e)] = who + u' ' + endpointText(c.address[e], c.port[e]);
    }
    return t;
}

// The segment's label and what it changed, for the explanation panel.
QString segmentDetail(const Ladder &l, int row, const std::array<QString, 2> &titles,
                      const LadderOptions &o)
{
    const LadderRow &r = l.rows[std::size_t(row)];
    QString html =
        QStringLiteral("<b>%1</b> — %2 → %3")
            .arg(ladderLabel(r, o.relative).toHtmlEscaped(), titles[r.seg.sender].toHtmlEscaped(),
                 titles[1 - r.seg.sender].toHtmlEscaped());
    for (const LadderChange &lc : l.changes) {
        if (lc.causeRow == std::uint32_t(row))
            html += QStringLiteral("<br>")
                    + CapturePage::tr("%1: %2 → %3 (%4)")
                          .arg(titles[lc.change.endpoint].toHtmlEscaped(), rfcName(lc.change.from),
                               rfcName(lc.change.to),
                               ladderChangeReason(lc.change, o.language).toHtmlEscaped());
    }
    return html;
}

// A live page's connection, read again from its kept packets: the same engine over the same
// packets, the connection found by its addresses and its first packet's time.
std::shared_ptr<const Ladder> liveLadder(const QString &kept, const Connection &shown,
                                         std::array<QString, 2> *titles)
{
    constexpr qint64 kMaxKeptBytes = 64 << 20; // a Lab's or a short capture's; not a day's
    if (kept.isEmpty() || QFileInfo(kept).size() > kMaxKeptBytes)
        return nullptr;
    const CaptureResult fresh = readCapture(kept);
    if (!fresh.tracker || !fresh.segments)
        return nullptr;
    const auto &all = fresh.tracker->connections();
    for (std::uint32_t i = 0; i < all.size(); ++i) {
        const Connection &c = all[i];
        if (c.firstSeenNs == shown.firstSeenNs && c.address == shown.address
            && c.port == shown.port) {
            *titles = endpointTitles(c);
            return std::make_shared<const Ladder>(buildLadder(*fresh.tracker, *fresh.segments, i));
        }
    }
    return nullptr;
}

} // namespace

void CapturePage::createLadder()
{
    m_ladder = new LadderPane;
    m_views->addLadder(m_ladder);
    connect(m_ladder->view(), &LadderView::segmentSelected, this, &CapturePage::seekToSegment);
}

void CapturePage::showLadderOf(std::optional<std::uint32_t> conn)
{
    m_segment = -1;
    const CaptureResult &r = m_model->result();
    m_shownLadder.reset();
    if (!conn || !r.tracker || *conn >= r.tracker->connections().size()) {
        m_ladder->view()->setLadder(nullptr, {});
        return;
    }
    std::array<QString, 2> titles = endpointTitles(r.tracker->connections()[*conn]);
    m_model->keepSegmentsOf(*conn);
    if (r.segments && r.segments->complete(*conn))
        m_shownLadder = std::make_shared<const Ladder>(buildLadder(*r.tracker, *r.segments, *conn));
    else if (m_keptPackets)
        m_shownLadder = liveLadder(m_keptPackets(), r.tracker->connections()[*conn], &titles);
    if (!m_shownLadder)
        m_ladder->view()->setEmptyText(
            tr("This capture's packets are not kept (or too many to read again): save them "
               "(File ▸ Save packets) and open the file to see its segments."));
    m_ladder->view()->setLadder(m_shownLadder, titles);
}

void CapturePage::followRetired(const LiveDelta &delta)
{
    if (!m_selected || delta.retired.empty())
        return;
    const auto &ids = delta.retired;
    if (std::binary_search(ids.begin(), ids.end(), *m_selected)) {
        m_selected.reset(); // its row goes: the selection with it
        return;
    }
    *m_selected -=
        std::uint32_t(std::lower_bound(ids.begin(), ids.end(), *m_selected) - ids.begin());
}

void CapturePage::growLadder(const LiveDelta &delta)
{
    const CaptureResult &r = m_model->result();
    if (!m_selected || !m_shownLadder || !r.segments || !r.segments->complete(*m_selected))
        return;
    const std::uint32_t conn = *m_selected;
    const bool renumbered = m_shownLadder->connection != conn;
    const auto touches = [conn](const auto &v, auto id) {
        return std::any_of(v.begin(), v.end(), [&](const auto &x) { return id(x) == conn; });
    };
    if (!renumbered && !touches(delta.segments, [](const auto &s) { return s.first; })
        && !touches(delta.changes, [](const StateChange &c) { return c.connection; })
        && !touches(delta.notes, [](const SegmentAnnotation &a) { return a.connection; }))
        return;
    m_shownLadder = std::make_shared<const Ladder>(buildLadder(*r.tracker, *r.segments, conn));
    m_ladder->view()->growLadder(m_shownLadder);
}

void CapturePage::step(int direction)
{
    if (!m_ladder->stepWalksSegments() || !m_shownLadder || m_shownLadder->rows.empty()) {
        stepTransition(direction);
        return;
    }
    const int rows = int(m_shownLadder->rows.size());
    const int row = m_segment < 0 ? (direction > 0 ? 0 : rows - 1)
                                  : std::clamp(m_segment + direction, 0, rows - 1);
    m_ladder->view()->selectRow(row, false);
    seekToSegment(row);
}

void CapturePage::seekToSegment(int row)
{
    if (!m_shownLadder || !m_selected || row < 0 || row >= int(m_shownLadder->rows.size()))
        return;
    const Ladder &l = *m_shownLadder;
    const LadderRow &r = l.rows[std::size_t(row)];
    m_segment = row;
    // The moment just after it: its own time, or its changes' when the engine dated them later.
    std::int64_t at = r.seg.timeNs;
    for (std::uint32_t k = r.firstChange; k < r.firstChange + r.changeCount; ++k)
        at = std::max(at, l.changes[k].change.timeNs);
    const std::uint32_t conn = *m_selected;
    const std::vector<StateChange> history = m_model->history(conn);
    const std::size_t count = std::min<std::size_t>(r.firstChange + r.changeCount, history.size());
    pauseReplay();
    m_step = int(count) - 1; // Step by transitions goes on from here
    m_cursor = 0;
    m_running = {};
    showMomentNs(at, double(at) / 1e9);
    const Connection &connection = m_model->result().tracker->connections()[conn];
    m_views->diagram->setFollowedSteps(conn, followedStepsOf(history, connection, count),
                                       statesAfter(history, connection, count),
                                       rolesKnown(connection));
    for (std::uint32_t k = r.firstChange; k < r.firstChange + r.changeCount; ++k) {
        const StateChange &c = l.changes[k].change;
        m_views->diagram->addTransition(c.from, c.to, c.flags & tcpflag::Rst, false, conn,
                                        sideOf(connection, c.endpoint));
    }
    m_views->teaching->showSegment(
        QLatin1String(segmentRoleId(r.role)),
        segmentDetail(l, row, m_ladder->view()->titles(), m_ladder->view()->options()));
    m_views->showExplanation();
    if (QTreeWidgetItem *item = m_step >= 0 ? m_history->topLevelItem(m_step) : nullptr)
        m_history->setCurrentItem(item);
}

void CapturePage::addLadderTo(ExportTarget &t) const
{
    t.ladder = m_shownLadder;
    t.ladderTitles = m_ladder->view()->titles();
    t.ladderOptions = m_ladder->view()->options();
    const auto ladder = m_shownLadder;
    const auto tracker = m_model->result().tracker;
    const int digits = m_model->result().digits;
    t.segments = [ladder, tracker, digits] {
        return ladder && tracker
                   ? segmentsTable(*ladder, tracker->connections()[ladder->connection], digits)
                   : DataTable{};
    };
}

} // namespace tcpscope
