#include "ladder/ladderpaint.h"

#include "statepalette.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace tcpscope {

namespace {

const QColor kRst(0xd5, 0x5e, 0x00);
const QColor kNote(0xcc, 0x33, 0x11);

// The context of these strings, as lupdate sees it too.
struct LadderText
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::LadderView)
};

QString durationText(std::int64_t ns)
{
    const double s = double(ns) / 1e9;
    if (s >= 1)
        return QStringLiteral("%1 s").arg(s, 0, 'f', s >= 100 ? 0 : 2);
    return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', s >= 0.1 ? 0 : 2);
}

void drawBand(QPainter &p, const LadderLayout &L, int endpoint, double y0, double y1, TcpState s)
{
    const double w = 0.7 * L.lineHeight();
    const double x = L.timelineX(endpoint);
    p.fillRect(QRectF(x - w / 2, y0, w, y1 - y0), stateColor(s));
}

void drawArrow(QPainter &p, QPointF a, QPointF b, const QPen &pen)
{
    p.setPen(pen);
    p.drawLine(a, b);
    const double angle = std::atan2(b.y() - a.y(), b.x() - a.x());
    const double len = 9 + pen.widthF();
    QPainterPath head;
    head.moveTo(b);
    head.lineTo(b - QPointF(std::cos(angle - 0.4) * len, std::sin(angle - 0.4) * len));
    head.lineTo(b - QPointF(std::cos(angle + 0.4) * len, std::sin(angle + 0.4) * len));
    head.closeSubpath();
    p.fillPath(head, pen.color());
}

// The first change this row's packet caused (it is highlighted in that state's colour).
const LadderChange *causedBy(const Ladder &l, int row)
{
    // Its changes are at its own row or, dated later, at its arrival row.
    const LadderRow &r = l.rows[std::size_t(row)];
    for (std::uint32_t at : {std::uint32_t(row), r.arrivalRow}) {
        const LadderRow &x = l.rows[at];
        for (std::uint32_t k = x.firstChange; k < x.firstChange + x.changeCount; ++k) {
            if (l.changes[k].causeRow == std::uint32_t(row))
                return &l.changes[k];
        }
    }
    return nullptr;
}

QPen arrowPen(const Ladder &l, int row, const QPalette &pal)
{
    const LadderRow &r = l.rows[std::size_t(row)];
    QColor c = pal.color(QPalette::Text);
    double width = 1.3;
    if (const LadderChange *lc = causedBy(l, row)) {
        c = stateColor(lc->change.to).darker(115);
        width = 2.6;
    }
    if (r.seg.flags & tcpflag::Rst)
        c = kRst;
    QPen pen(c, width);
    if (r.notes & noteBit(SegmentNote::Retransmission))
        pen.setStyle(Qt::DashLine);
    else if (r.notes)
        pen.setStyle(Qt::DotLine);
    return pen;
}

void drawRow(QPainter &p, const LadderLayout &L, const LadderPaintOptions &o, int i)
{
    const Ladder &l = *L.ladder();
    const QFontMetricsF fm(L.font());
    const QColor text = o.palette.color(QPalette::Text);
    p.setFont(L.font());
    if (!L.compact()) {
        p.setPen(o.palette.color(QPalette::PlaceholderText));
        p.drawText(QRectF(L.lineHeight() * 0.3, L.rowTop(i) + 0.6 * L.lineHeight(),
                          L.timeColumnWidth(), L.lineHeight()),
                   Qt::AlignLeft | Qt::AlignVCenter, ladderTimeText(l, i));
    }
    drawArrow(p, L.arrowStart(i), L.arrowEnd(i), arrowPen(l, i, o.palette));
    const QRectF label = L.labelRect(i);
    QColor paper = o.palette.color(QPalette::Base);
    paper.setAlpha(200); // an arrow crossing the label (a FIN dated later) shows through, faintly
    p.fillRect(label, paper);
    p.setPen(text);
    p.drawText(label, Qt::AlignCenter,
               fm.elidedText(L.labelText(i), Qt::ElideRight, label.width()));
    if (const QRectF note = L.noteRect(i); !note.isEmpty()) {
        p.setPen(kNote);
        p.drawText(note, Qt::AlignCenter,
                   fm.elidedText(L.noteText(i), Qt::ElideRight, note.width()));
    }
    const LadderRow &r = l.rows[std::size_t(i)];
    for (std::uint32_t k = 0; k < r.changeCount; ++k) {
        const StateChange &c = l.changes[r.firstChange + k].change;
        const QRectF box = L.changeTextRect(i, int(k));
        const auto align = (c.endpoint == l.left ? Qt::AlignRight : Qt::AlignLeft);
        QFont bold = L.font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(text);
        const QRectF first(box.x(), box.y(), box.width(), L.lineHeight());
        p.drawText(first, align | Qt::AlignVCenter,
                   QFontMetricsF(bold).elidedText(ladderChangeState(c, L.compact()), Qt::ElideRight,
                                                  box.width()));
        if (L.compact())
            continue;
        p.setFont(L.font());
        p.setPen(o.palette.color(QPalette::PlaceholderText));
        p.drawText(first.translated(0, L.lineHeight()), align | Qt::AlignVCenter,
                   fm.elidedText(ladderChangeReason(c, L.options().language), Qt::ElideRight,
                                 box.width()));
    }
}

} // namespace

QString ladderTimeText(const Ladder &l, int row)
{
    const std::int64_t ns = l.rows[std::size_t(row)].seg.timeNs - l.rows.front().seg.timeNs;
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 6);
}

void paintLadderHeader(QPainter &p, const LadderLayout &L, const LadderPaintOptions &o)
{
    const Ladder &l = *L.ladder();
    p.fillRect(QRectF(0, 0, L.width(), L.headerHeight()), o.palette.color(QPalette::Base));
    QFont bold = L.font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(o.palette.color(QPalette::Text));
    const double w = (L.timelineX(1 - l.left) - L.timelineX(l.left)) * 0.9;
    for (int e = 0; e < 2; ++e) { // "client" over "127.0.0.1:38720"
        const QString title = o.titles[std::size_t(e)];
        const QRectF r(L.timelineX(e) - w / 2, 0.1 * L.lineHeight(), w, L.lineHeight());
        p.setFont(bold);
        p.drawText(r, Qt::AlignCenter,
                   QFontMetricsF(bold).elidedText(title.section(u' ', 0, -2), Qt::ElideRight, w));
        p.setFont(L.font());
        p.drawText(r.translated(0, L.lineHeight()), Qt::AlignCenter,
                   QFontMetricsF(L.font()).elidedText(title.section(u' ', -1), Qt::ElideMiddle, w));
    }
    p.setFont(L.font());
    if (L.compact())
        return;
    p.setPen(o.palette.color(QPalette::PlaceholderText));
    p.drawText(
        QRectF(L.lineHeight() * 0.3, 1.1 * L.lineHeight(), L.timeColumnWidth(), L.lineHeight()),
        Qt::AlignLeft | Qt::AlignVCenter, LadderText::tr("time"));
}

void paintLadder(QPainter &p, const LadderLayout &L, const LadderPaintOptions &o, int first,
                 int last)
{
    const Ladder *l = L.ladder();
    if (!l || l->rows.empty())
        return;
    first = std::clamp(first, 0, L.rowCount() - 1);
    last = std::clamp(last, first, L.rowCount() - 1);
    p.setFont(L.font());
    p.setRenderHint(QPainter::Antialiasing);
    if (o.selectedRow >= first && o.selectedRow <= last && !o.print) { // under everything
        QColor selected = o.palette.color(QPalette::Highlight);
        selected.setAlpha(70); // the text stays readable in either theme
        p.fillRect(QRectF(0, L.rowTop(o.selectedRow), L.width(),
                          L.rowBottom(o.selectedRow) - L.rowTop(o.selectedRow)),
                   selected);
    }
    // The bands: each endpoint's state from one change point to the next.
    for (int e = 0; e < 2; ++e) {
        if (first == 0)
            drawBand(p, L, e, L.headerHeight(), L.changeY(0), l->initial[std::size_t(e)]);
        for (int i = first; i <= last; ++i) {
            const double end = i + 1 < L.rowCount() ? L.changeY(i + 1) : L.height();
            const TcpState s = l->rows[std::size_t(i)].after[std::size_t(e)];
            if (i + 1 == L.rowCount() && l->tailChanges) { // then the timers after the end
                drawBand(p, L, e, L.changeY(i), L.rowBottom(i), s);
                drawBand(p, L, e, L.rowBottom(i), end, l->final[std::size_t(e)]);
            } else {
                drawBand(p, L, e, L.changeY(i), end, s);
            }
        }
    }
    for (const LadderLayout::Fold &f : L.folds()) {
        if (f.beforeRow < first || f.beforeRow > last + 1)
            continue;
        p.setPen(QPen(o.palette.color(QPalette::PlaceholderText), 1, Qt::DashLine));
        const double y = f.y + 0.8 * L.lineHeight();
        p.drawLine(QPointF(0, y), QPointF(L.width(), y));
        const QString text = LadderText::tr("%1 idle (folded)").arg(durationText(f.gapNs));
        const QRectF r(L.timelineX(l->left) + L.lineHeight(), y - 0.55 * L.lineHeight(),
                       L.timelineX(1 - l->left) - L.timelineX(l->left) - 2 * L.lineHeight(),
                       1.1 * L.lineHeight());
        p.fillRect(QRectF(r.center().x() - QFontMetricsF(L.font()).horizontalAdvance(text) / 2 - 4,
                          r.y(), QFontMetricsF(L.font()).horizontalAdvance(text) + 8, r.height()),
                   o.palette.color(QPalette::Base));
        p.drawText(r, Qt::AlignCenter, text);
    }
    for (int i = first; i <= last; ++i)
        drawRow(p, L, o, i);
}

} // namespace tcpscope
