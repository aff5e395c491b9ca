#include "ladder/kernelladderview.h"

#include "statepalette.h"
#include "uilanguage.h"

#include <QEvent>
#include <QPainter>
#include <QScrollBar>

#include <cmath>

namespace tcpscope {

KernelLadderView::KernelLadderView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setMinimumWidth(420);
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, &KernelLadderView::relayout);
}

void KernelLadderView::setLadder(std::shared_ptr<const KernelLadder> ladder)
{
    QScrollBar *bar = verticalScrollBar();
    const bool same = ladder && m_ladder && ladder->ends[0].key == m_ladder->ends[0].key;
    const bool atEnd = bar->value() == bar->maximum() && bar->maximum() > 0;
    const int value = bar->value();
    m_ladder = std::move(ladder);
    relayout();
    bar->setValue(!same ? 0 : atEnd ? bar->maximum() : value);
}

void KernelLadderView::setEmptyText(const QString &text)
{
    m_emptyText = text;
    viewport()->update();
}

void KernelLadderView::relayout()
{
    if (!m_ladder || m_ladder->empty()) {
        m_layout = KernelLadderLayout();
        verticalScrollBar()->setRange(0, 0);
    } else {
        m_layout = KernelLadderLayout(m_ladder, font(), viewport()->width(),
                                      UiLanguage::instance().current());
        verticalScrollBar()->setRange(
            0, std::max(0, int(std::ceil(m_layout.height())) - viewport()->height()));
        verticalScrollBar()->setPageStep(viewport()->height());
        verticalScrollBar()->setSingleStep(int(m_layout.lineHeight() * 2));
    }
    viewport()->update();
}

void KernelLadderView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().color(QPalette::Base));
    if (!m_layout.ladder()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect().adjusted(12, 12, -12, -12),
                   Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
        return;
    }
    const int scroll = verticalScrollBar()->value();
    const int first = m_layout.rowAt(scroll);
    const int last = m_layout.rowAt(scroll + viewport()->height());
    p.save();
    p.translate(0, -scroll);
    paintBands(p, first, last);
    paintRows(p, first, last);
    p.restore();
    paintHeader(p);
}

void KernelLadderView::paintBands(QPainter &p, int first, int last) const
{
    const KernelLadder &l = *m_ladder;
    const KernelLadderLayout &L = m_layout;
    const double w = 0.7 * L.lineHeight();
    for (int e = 0; e < 2; ++e) {
        const double x = L.timelineX(e);
        if (!l.ends[std::size_t(e)].observed) {
            p.setPen(QPen(palette().color(QPalette::PlaceholderText), 1.5, Qt::DashLine));
            p.drawLine(QPointF(x, L.headerHeight()), QPointF(x, L.height()));
            continue;
        }
        // From the change before `first` (or the header) to the one after `last`.
        double y = first == 0 ? L.headerHeight() : L.changeY(first - 1);
        TcpState s = first == 0 ? l.ends[std::size_t(e)].initial
                                : l.after[std::size_t(first - 1)][std::size_t(e)];
        for (int r = first; r <= last + 1 && r <= L.rowCount(); ++r) {
            const bool end = r == L.rowCount();
            if (!end && l.changes[std::size_t(r)].end != e)
                continue;
            const double to = end ? L.height() : L.changeY(r);
            p.fillRect(QRectF(x - w / 2, y, w, to - y), stateColor(s));
            if (!end)
                s = l.after[std::size_t(r)][std::size_t(e)];
            y = to;
        }
        if (last + 1 < L.rowCount()) // on past the rows in view
            p.fillRect(QRectF(x - w / 2, y, w, L.changeY(last + 1) - y), stateColor(s));
    }
}

void KernelLadderView::paintRows(QPainter &p, int first, int last) const
{
    const KernelLadderLayout &L = m_layout;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF fm(font()), fmBold(bold);
    for (int r = first; r <= last && r < L.rowCount(); ++r) {
        p.setFont(font());
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(L.timeRect(r), Qt::AlignLeft | Qt::AlignVCenter, L.timeText(r));
        const int end = m_ladder->changes[std::size_t(r)].end;
        const Qt::Alignment align = L.changeAlignment(r);
        // A tick at the change point, as the packet ladder's arrival.
        p.setPen(QPen(palette().color(QPalette::Text), 1.2));
        const double x = L.timelineX(end), h = 0.6 * L.lineHeight();
        p.drawLine(QPointF(x - h, L.changeY(r)), QPointF(x + h, L.changeY(r)));
        for (int k = 0; k < 3; ++k) {
            const QRectF box = L.changeRect(r, k);
            p.setFont(k == 0 ? bold : font());
            p.setPen(palette().color(k == 0 ? QPalette::Text : QPalette::PlaceholderText));
            p.drawText(
                box, align,
                (k == 0 ? fmBold : fm).elidedText(L.changeText(r, k), Qt::ElideRight, box.width()));
        }
    }
}

void KernelLadderView::paintHeader(QPainter &p) const
{
    const KernelLadderLayout &L = m_layout;
    p.fillRect(QRectF(0, 0, L.width(), L.headerHeight()), palette().color(QPalette::Base));
    QFont bold = font();
    bold.setBold(true);
    for (int e = 0; e < 2; ++e) {
        for (int k = 0; k < 3; ++k) {
            const QRectF r = L.titleRect(e, k);
            p.setFont(k == 0 ? bold : font());
            p.setPen(palette().color(k == 2 ? QPalette::PlaceholderText : QPalette::Text));
            p.drawText(r, Qt::AlignCenter,
                       QFontMetricsF(p.font()).elidedText(L.titleText(e, k),
                                                          k == 1 ? Qt::ElideMiddle : Qt::ElideRight,
                                                          r.width()));
        }
    }
    p.setFont(font());
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(
        L.noteRect(), Qt::AlignCenter,
        QFontMetricsF(font()).elidedText(L.noteText(), Qt::ElideRight, L.noteRect().width()));
}

void KernelLadderView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void KernelLadderView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::LanguageChange)
        relayout();
    QAbstractScrollArea::changeEvent(event);
}

} // namespace tcpscope
