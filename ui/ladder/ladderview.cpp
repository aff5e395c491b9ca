#include "ladder/ladderview.h"

#include "packets/capturereader.h"
#include "tcpstate.h"

#include <QEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace tcpscope {

LadderView::LadderView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setMinimumWidth(420);
}

void LadderView::setLadder(std::shared_ptr<const Ladder> ladder, std::array<QString, 2> titles)
{
    m_ladder = std::move(ladder);
    m_titles = std::move(titles);
    m_selected = -1;
    verticalScrollBar()->setValue(0);
    relayout();
}

void LadderView::growLadder(std::shared_ptr<const Ladder> ladder)
{
    QScrollBar *bar = verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum() && bar->maximum() > 0;
    const int value = bar->value();
    m_ladder = std::move(ladder);
    if (m_ladder && m_selected >= int(m_ladder->rows.size()))
        m_selected = -1;
    relayout();
    bar->setValue(atEnd ? bar->maximum() : value);
}

void LadderView::setOptions(const LadderOptions &options)
{
    m_options = options;
    relayout();
    if (m_selected >= 0)
        selectRow(m_selected, false); // keep it in view
}

void LadderView::setEmptyText(const QString &text)
{
    m_emptyText = text;
    viewport()->update();
}

void LadderView::relayout()
{
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * m_zoom);
    if (!m_ladder) {
        m_layout = LadderLayout();
        verticalScrollBar()->setRange(0, 0);
        viewport()->update();
        return;
    }
    m_layout = LadderLayout(m_ladder, f, viewport()->width(), m_options);
    verticalScrollBar()->setRange(
        0, std::max(0, int(std::ceil(m_layout.height())) - viewport()->height()));
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(int(m_layout.lineHeight() * 2));
    viewport()->update();
}

void LadderView::selectRow(int row, bool notify)
{
    if (!m_ladder || m_ladder->rows.empty())
        return;
    row = std::clamp(row, -1, int(m_ladder->rows.size()) - 1);
    const bool changed = row != m_selected;
    m_selected = row;
    if (row >= 0) {
        const int top = int(m_layout.rowTop(row) - m_layout.headerHeight());
        const int bottom = int(m_layout.rowBottom(row)) - viewport()->height();
        QScrollBar *bar = verticalScrollBar();
        if (bar->value() > top)
            bar->setValue(top);
        else if (bar->value() < bottom)
            bar->setValue(bottom);
    }
    viewport()->update();
    if (changed && notify && row >= 0)
        Q_EMIT segmentSelected(row);
}

int LadderView::rowAtViewport(double y) const
{
    if (!m_ladder || m_ladder->rows.empty() || y < m_layout.headerHeight())
        return -1;
    const double at = y + verticalScrollBar()->value();
    const int row = m_layout.rowAt(at);
    return at < m_layout.rowBottom(row) ? row : -1;
}

void LadderView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().color(QPalette::Base));
    if (!m_ladder || m_ladder->rows.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect().adjusted(12, 12, -12, -12),
                   Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
        m_painted = {-1, -1};
        return;
    }
    LadderPaintOptions o;
    o.palette = palette();
    o.titles = m_titles;
    o.selectedRow = m_selected;
    const int scroll = verticalScrollBar()->value();
    const int first = m_layout.rowAt(scroll + m_layout.headerHeight());
    const int last = m_layout.rowAt(scroll + viewport()->height());
    p.save();
    p.translate(0, -scroll);
    paintLadder(p, m_layout, o, first, last);
    p.restore();
    paintLadderHeader(p, m_layout, o);
    m_painted = {first, last};
}

void LadderView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void LadderView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::LanguageChange)
        relayout();
    QAbstractScrollArea::changeEvent(event);
}

bool LadderView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const int row = rowAtViewport(help->pos().y());
        if (row >= 0)
            QToolTip::showText(help->globalPos(), rowToolTip(row), viewport());
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void LadderView::mousePressEvent(QMouseEvent *event)
{
    const int row = rowAtViewport(event->position().y());
    if (row >= 0)
        selectRow(row);
    QAbstractScrollArea::mousePressEvent(event);
}

void LadderView::keyPressEvent(QKeyEvent *event)
{
    if (m_ladder && (event->key() == Qt::Key_Down || event->key() == Qt::Key_Up)) {
        selectRow(std::max(0, m_selected + (event->key() == Qt::Key_Down ? 1 : -1)));
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void LadderView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        m_zoom = std::clamp(m_zoom * (event->angleDelta().y() > 0 ? 1.1 : 1 / 1.1), 0.6, 2.5);
        relayout();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

QString LadderView::rowToolTip(int row) const
{
    const Ladder &l = *m_ladder;
    const LadderRow &r = l.rows[std::size_t(row)];
    const IndexedSegment &s = r.seg;
    char flags[32];
    QStringList lines;
    lines << tr("<b>Packet %1</b>: %2 → %3")
                 .arg(s.packet)
                 .arg(m_titles[s.sender].toHtmlEscaped(), m_titles[1 - s.sender].toHtmlEscaped());
    lines << tr("Time: %1 s (%2 s since the previous segment)")
                 .arg(QString::fromStdString(formatTime(s.timeNs, 9)))
                 .arg(row > 0 ? double(s.timeNs - l.rows[std::size_t(row - 1)].seg.timeNs) / 1e9
                              : 0.0,
                      0, 'f', 6);
    lines << tr("Flags: %1").arg(QString::fromLatin1(flagsText(s.flags, flags)));
    lines << tr("Sequence number: %1 (raw %2)").arg(r.relSeq).arg(s.seq);
    if (s.flags & tcpflag::Ack)
        lines << tr("Acknowledgement: %1 (raw %2)").arg(r.relAck).arg(s.ack);
    lines << tr("Payload: %1 bytes").arg(s.payload);
    lines << (r.windowScaled
                  ? tr("Window: %1 (%2 × 2^%3)")
                        .arg(r.window)
                        .arg(s.window)
                        .arg(std::log2(double(r.window) / std::max(1, int(s.window))), 0, 'f', 0)
                  : tr("Window: %1 (not scaled)").arg(s.window));
    if (r.notes)
        lines << tr("Noted: %1").arg(m_layout.noteText(row));
    for (const LadderChange &lc : l.changes) {
        if (lc.causeRow != std::uint32_t(row))
            continue;
        const StateChange &c = lc.change;
        QString line = tr("%1: %2 → %3 (%4)")
                           .arg(m_titles[c.endpoint].toHtmlEscaped(), rfcName(c.from),
                                rfcName(c.to), ladderChangeReason(c, m_options.language));
        if (lc.row != std::uint32_t(row))
            line += QLatin1Char(' ')
                    + tr("— its arrival is dated by evidence, after packet %1: the receiver's "
                         "later segments show when it got it")
                          .arg(l.rows[lc.row].seg.packet);
        lines << line;
    }
    return lines.join(QStringLiteral("<br>"));
}

} // namespace tcpscope
