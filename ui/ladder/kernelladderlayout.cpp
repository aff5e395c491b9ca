#include "ladder/kernelladderlayout.h"

#include "teachingtext.h"

#include <QCoreApplication>
#include <QFontMetricsF>

#include <algorithm>

namespace tcpscope {

namespace {

// The context of these strings, as lupdate sees it too.
struct KernelLadderText
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::KernelLadderView)
};

QString whoText(const Transition &t)
{
    if (t.observedBy != ObservedBy::Tracing)
        return KernelLadderText::tr("polled, ≤ %1 s").arg(t.time - t.earliest, 0, 'f', 2);
    if (t.pid == 0)
        return KernelLadderText::tr("by a packet or a timer");
    const QString comm =
        QString::fromLocal8Bit(t.comm.data(), qsizetype(qstrnlen(t.comm.data(), t.comm.size())));
    return KernelLadderText::tr("by %1 (pid %2)").arg(comm).arg(t.pid);
}

} // namespace

KernelLadderLayout::KernelLadderLayout(std::shared_ptr<const KernelLadder> ladder,
                                       const QFont &font, double width, const QString &language)
    : m_ladder(std::move(ladder))
    , m_font(font)
    , m_language(language)
    , m_width(width)
{
    const QFontMetricsF fm(font);
    m_line = fm.lineSpacing();
    m_timeWidth = fm.horizontalAdvance(QStringLiteral("000.000000 s")) + m_line;
    // No arrows run between the timelines: each change is written there, beside its end (one
    // change a row, so a text may take the whole middle).
    m_xLeft = m_timeWidth + m_line;
    m_xRight = std::max(m_xLeft + 16 * m_line, width - 1.5 * m_line);
    m_header = 4.6 * m_line;
    m_rowHeight = 3.4 * m_line;
}

int KernelLadderLayout::rowAt(double y) const
{
    if (rowCount() == 0)
        return 0;
    return std::clamp(int((y - m_header) / m_rowHeight), 0, rowCount() - 1);
}

QString KernelLadderLayout::titleText(int end, int line) const
{
    const KernelLadder::End &e = m_ladder->ends[std::size_t(end)];
    if (line == 1)
        return endpointText(e.address, e.port);
    if (line == 2 && e.observed)
        return KernelLadderText::tr("states traced in this host's kernel");
    if (line == 2) // another host's, or one whose changes predate the trace
        return e.port == 0 ? KernelLadderText::tr("none: a listener has no other end")
                           : KernelLadderText::tr("not observed (not traced on this host)");
    const QString who =
        end == 0 ? KernelLadderText::tr("this socket") : KernelLadderText::tr("the other end");
    if (!m_ladder->ends[1].observed) // one end traced: who connect()ed is not known
        return who;
    return KernelLadderText::tr("%1 (%2)").arg(
        end == m_ladder->left ? KernelLadderText::tr("client") : KernelLadderText::tr("server"),
        who);
}

QString KernelLadderLayout::noteText() const
{
    return KernelLadderText::tr("states only: the kernel's trace sees no segments");
}

QRectF KernelLadderLayout::titleRect(int end, int line) const
{
    QFont f = m_font;
    f.setBold(line == 0);
    const double half = m_width / 2 - 0.5 * m_line; // each end's half of the header
    const double w = std::min(QFontMetricsF(f).horizontalAdvance(titleText(end, line)) + 4, half);
    const bool left = end == m_ladder->left;
    const double lo = left ? 0.3 * m_line : m_width / 2 + 0.5 * m_line;
    const double x = std::clamp(timelineX(end) - w / 2, lo, lo + half - 0.3 * m_line - w);
    return {x, (0.1 + line) * m_line, w, m_line};
}

QRectF KernelLadderLayout::noteRect() const
{
    return {0.3 * m_line, 3.3 * m_line, m_width - 0.6 * m_line, m_line};
}

QRectF KernelLadderLayout::timeRect(int row) const
{
    return {m_line * 0.3, changeY(row) - 0.5 * m_line, m_timeWidth - 0.5 * m_line, m_line};
}

QRectF KernelLadderLayout::changeRect(int row, int line) const
{
    return {m_xLeft + 0.9 * m_line, changeY(row) - 0.5 * m_line + line * m_line,
            m_xRight - m_xLeft - 1.8 * m_line, m_line};
}

Qt::Alignment KernelLadderLayout::changeAlignment(int row) const
{
    return (m_ladder->changes[std::size_t(row)].end == m_ladder->left ? Qt::AlignLeft
                                                                      : Qt::AlignRight)
           | Qt::AlignVCenter;
}

QString KernelLadderLayout::changeText(int row, int line) const
{
    const Transition &t = m_ladder->changes[std::size_t(row)].transition;
    if (line == 0)
        return rfcName(t.from) + QStringLiteral(" → ") + rfcName(t.to);
    if (line == 2)
        return whoText(t);
    const TeachingEntry *e = TeachingText::builtin().transition(transitionId(t.from, t.to));
    return e ? e->text(m_language, u"label") : QString();
}

QString KernelLadderLayout::timeText(int row) const
{
    const std::int64_t ns =
        m_ladder->changes[std::size_t(row)].timeNs - m_ladder->changes.front().timeNs;
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 6);
}

std::vector<QRectF> KernelLadderLayout::textRects(int first, int last) const
{
    std::vector<QRectF> out;
    for (int e = 0; e < 2; ++e) {
        for (int k = 0; k < 3; ++k)
            out.push_back(titleRect(e, k));
    }
    out.push_back(noteRect());
    for (int r = std::max(0, first); r <= std::min(last, rowCount() - 1); ++r) {
        out.push_back(timeRect(r));
        for (int k = 0; k < 3; ++k)
            out.push_back(changeRect(r, k));
    }
    return out;
}

} // namespace tcpscope
