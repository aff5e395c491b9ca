#include "ladder/ladderlayout.h"

#include "teachingtext.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace tcpscope {

namespace {

// The context of these strings, as lupdate sees it too.
struct LadderText
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::LadderView)
};

QString teachingId(const StateChange &c)
{
    if ((c.flags & tcpflag::Rst) && c.to == TcpState::Closed)
        return QStringLiteral("ANY>CLOSED");
    return transitionId(c.from, c.to);
}

// The median of the positive gaps between segments, at least 1 ms: the proportional scale.
std::int64_t typicalGap(const Ladder &l)
{
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < l.rows.size(); ++i) {
        if (const std::int64_t g = l.rows[i].seg.timeNs - l.rows[i - 1].seg.timeNs; g > 0)
            gaps.push_back(g);
    }
    if (gaps.empty())
        return 1'000'000;
    std::nth_element(gaps.begin(), gaps.begin() + std::ptrdiff_t(gaps.size() / 2), gaps.end());
    return std::max<std::int64_t>(gaps[gaps.size() / 2], 1'000'000);
}

} // namespace

QString ladderChangeState(const StateChange &c, bool compact)
{
    // The RFC's names, as textbooks print them in either language.
    return (compact ? QString() : rfcName(c.from) + u' ') + QStringLiteral("→ ") + rfcName(c.to);
}

QString ladderChangeReason(const StateChange &c, const QString &language)
{
    if (c.inferred)
        return LadderText::tr("assumed (joined mid-stream)");
    if (const TeachingEntry *e = TeachingText::builtin().transition(teachingId(c)))
        return e->text(language, u"label");
    return QString();
}

QString ladderNoteName(std::uint16_t bit, const QString &)
{
    switch (bit) {
    case noteBit(SegmentNote::Retransmission):
        return LadderText::tr("retransmission");
    case noteBit(SegmentNote::KeepAlive):
        return LadderText::tr("keep-alive probe");
    case noteBit(SegmentNote::ZeroWindowProbe):
        return LadderText::tr("zero-window probe");
    case noteBit(SegmentNote::IgnoredAck):
        return LadderText::tr("ACK did not act");
    case noteBit(SegmentNote::InexactRst):
        return LadderText::tr("RST not exact: challenge ACK");
    case noteBit(SegmentNote::OutOfWindowRst):
        return LadderText::tr("RST out of window: dropped");
    case noteBit(SegmentNote::RstNotReceived):
        return LadderText::tr("RST did not arrive");
    case noteBit(SegmentNote::StraySyn):
        return LadderText::tr("stray SYN: challenge ACK");
    case kDuplicateAckBit:
        return LadderText::tr("duplicate ACK");
    default:
        return QString();
    }
}

LadderLayout::LadderLayout(std::shared_ptr<const Ladder> ladder, const QFont &font, double width,
                           const LadderOptions &options)
    : m_ladder(std::move(ladder))
    , m_options(options)
    , m_font(font)
    , m_width(width)
{
    const QFontMetricsF fm(font);
    QFont boldFont = font;
    boldFont.setBold(true);
    const QFontMetricsF bold(boldFont);
    m_line = fm.lineSpacing();
    m_compact = width < 100 * fm.averageCharWidth();
    m_timeWidth = m_compact ? 0 : fm.horizontalAdvance(QStringLiteral("+000.000000 s")) + m_line;
    // The side columns hold the state names and the reasons of the changes drawn.
    double side = bold.horizontalAdvance(m_compact ? QStringLiteral("→ SYN_RECEIVED")
                                                   : QStringLiteral("SYN_RECEIVED → ESTABLISHED"));
    for (const LadderChange &lc : m_ladder->changes) {
        side = std::max(side, bold.horizontalAdvance(ladderChangeState(lc.change, m_compact)));
        if (!m_compact)
            side = std::max(side,
                            fm.horizontalAdvance(ladderChangeReason(lc.change, options.language)));
    }
    m_sideWidth = std::min(side + m_line, width * 0.24);
    m_xLeft = m_timeWidth + m_sideWidth + m_line;
    m_xRight = std::max(m_xLeft + 8 * m_line, width - m_sideWidth - m_line);
    m_header = 2.5 * m_line;

    const Ladder &l = *m_ladder;
    const bool proportional = options.time == LadderTime::Proportional;
    const std::int64_t typical = typicalGap(l);
    const std::int64_t foldAfter = typical * 20;
    const double pxPerNs = 2.0 * m_line / double(typical * 4);
    m_top.reserve(l.rows.size());
    double y = m_header;
    for (std::size_t i = 0; i < l.rows.size(); ++i) {
        if (i > 0 && proportional) {
            const std::int64_t gap = l.rows[i].seg.timeNs - l.rows[i - 1].seg.timeNs;
            if (gap > foldAfter) {
                m_folds.push_back({int(i), y, gap});
                y += 1.6 * m_line;
            } else if (gap > 0) {
                y += double(gap) * pxPerNs;
            }
        }
        m_top.push_back(y);
        y += rowHeight(l.rows[i], nullptr);
    }
    m_height = y + 2 * m_line * (1 + l.tailChanges);
}

double LadderLayout::rowHeight(const LadderRow &row, std::array<int, 2> *perSide) const
{
    std::array<int, 2> n{};
    for (std::uint32_t k = row.firstChange; k < row.firstChange + row.changeCount; ++k)
        ++n[m_ladder->changes[k].change.endpoint];
    if (perSide)
        *perSide = n;
    const double base = (row.notes ? 3.4 : 2.5) * m_line;
    return std::max(base, (2 * std::max(n[0], n[1]) + 0.4) * m_line);
}

double LadderLayout::rowBottom(int row) const
{
    return m_top[std::size_t(row)] + rowHeight(m_ladder->rows[std::size_t(row)], nullptr);
}

double LadderLayout::changeY(int row) const { return m_top[std::size_t(row)] + 2.0 * m_line; }

QPointF LadderLayout::arrowStart(int row) const
{
    const LadderRow &r = m_ladder->rows[std::size_t(row)];
    return {timelineX(r.seg.sender), m_top[std::size_t(row)] + 1.25 * m_line};
}

QPointF LadderLayout::arrowEnd(int row) const
{
    const LadderRow &r = m_ladder->rows[std::size_t(row)];
    return {timelineX(1 - r.seg.sender), changeY(int(r.arrivalRow))};
}

QString LadderLayout::labelText(int row) const
{
    return ladderLabel(m_ladder->rows[std::size_t(row)], m_options.relative);
}

QString LadderLayout::noteText(int row) const
{
    const std::uint16_t notes = m_ladder->rows[std::size_t(row)].notes;
    QStringList names;
    for (int b = 0; b < 16; ++b) {
        if (notes & (1u << b))
            names << ladderNoteName(std::uint16_t(1u << b), m_options.language);
    }
    return names.join(QStringLiteral(" · "));
}

QRectF LadderLayout::labelRect(int row) const
{
    const QFontMetricsF fm(m_font);
    const double span = m_xRight - m_xLeft - m_line;
    const double w = std::min(fm.horizontalAdvance(labelText(row)) + 6, span);
    const double cx = (m_xLeft + m_xRight) / 2;
    return {cx - w / 2, m_top[std::size_t(row)] + 0.1 * m_line, w, m_line};
}

QRectF LadderLayout::noteRect(int row) const
{
    if (!m_ladder->rows[std::size_t(row)].notes)
        return {};
    const QFontMetricsF fm(m_font);
    const double span = m_xRight - m_xLeft - m_line;
    const double w = std::min(fm.horizontalAdvance(noteText(row)) + 6, span);
    const double cx = (m_xLeft + m_xRight) / 2;
    return {cx - w / 2, m_top[std::size_t(row)] + 2.3 * m_line, w, m_line};
}

QRectF LadderLayout::changeTextRect(int row, int k) const
{
    const LadderRow &r = m_ladder->rows[std::size_t(row)];
    int before = 0; // changes of the same endpoint earlier in this row
    const int e = m_ladder->changes[r.firstChange + std::uint32_t(k)].change.endpoint;
    for (int j = 0; j < k; ++j)
        before += m_ladder->changes[r.firstChange + std::uint32_t(j)].change.endpoint == e;
    const double y = changeY(row) - 0.5 * m_line + 2 * m_line * before;
    const double w = m_sideWidth;
    const double x = e == m_ladder->left ? m_xLeft - m_line * 0.8 - w : m_xRight + m_line * 0.8;
    return {x, y, w, 2 * m_line};
}

int LadderLayout::rowAt(double y) const
{
    const auto it = std::upper_bound(m_top.begin(), m_top.end(), y);
    return std::max(0, int(it - m_top.begin()) - 1);
}

} // namespace tcpscope
