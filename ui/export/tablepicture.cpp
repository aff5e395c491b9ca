#include "export/tablepicture.h"

#include <QAbstractItemModel>
#include <QFontMetricsF>
#include <QHeaderView>
#include <QIcon>
#include <QImage>
#include <QPainter>

#include <cmath>

namespace tcpscope {

namespace {

// A cell's decoration as a colour: the tables show a state's colour as a QColor (models) or
// as a small filled icon (history trees).
QColor swatchOf(const QVariant &deco)
{
    if (deco.userType() == QMetaType::QColor)
        return deco.value<QColor>();
    if (deco.userType() == QMetaType::QIcon) {
        const QImage image = deco.value<QIcon>().pixmap(10, 10).toImage();
        if (!image.isNull())
            return image.pixelColor(image.width() / 2, image.height() / 2);
    }
    return {};
}

} // namespace

QFont TablePicture::bodyFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

QFont TablePicture::headerFont()
{
    QFont f = bodyFont();
    f.setBold(true);
    return f;
}

double TablePicture::width() const
{
    double w = 0;
    for (double c : widths)
        w += c;
    return w;
}

TablePicture tablePicture(const QAbstractItemModel *model, const QHeaderView *header, int maxRows)
{
    TablePicture t;
    t.totalRows = model->rowCount();
    const int rows = std::min(t.totalRows, maxRows);
    QList<int> columns;
    for (int c = 0; c < model->columnCount(); ++c) {
        const int logical = header ? header->logicalIndex(c) : c;
        if (header && header->isSectionHidden(logical))
            continue;
        columns << logical;
        t.titles << model->headerData(logical, Qt::Horizontal).toString();
    }
    for (int r = 0; r < rows; ++r) {
        QStringList texts;
        QList<QColor> colours;
        for (int c : columns) {
            const QModelIndex idx = model->index(r, c);
            texts << idx.data().toString();
            colours << swatchOf(idx.data(Qt::DecorationRole));
        }
        t.cells.push_back(std::move(texts));
        t.swatches.push_back(std::move(colours));
    }
    // Each column as wide as its widest text (and its title), whatever the screen's width.
    const QFontMetricsF body(TablePicture::bodyFont()), bold(TablePicture::headerFont());
    for (qsizetype i = 0; i < columns.size(); ++i) {
        double w = bold.horizontalAdvance(t.titles[i]);
        for (std::size_t r = 0; r < t.cells.size(); ++r) {
            const double indent = t.swatches[r][i].isValid() ? TablePicture::kSwatch : 0;
            w = std::max(w, body.horizontalAdvance(t.cells[r][i]) + indent);
        }
        // A little slack: text measured here is drawn on PDF and SVG devices too.
        t.widths << std::min(std::ceil(w + 2 * TablePicture::kPadding + 4),
                             TablePicture::kMaxWidth);
    }
    return t;
}

void TablePicture::paint(QPainter &p, QPointF at, const QPalette &palette, int first, int last,
                         const QString &more) const
{
    const QColor ink = palette.color(QPalette::Text);
    QColor grid = ink;
    grid.setAlphaF(0.25f);
    const double right = at.x() + width();
    double y = at.y();
    const auto line = [&](const QStringList &texts, const QList<QColor> *colours) {
        double x = at.x();
        for (qsizetype i = 0; i < texts.size() && i < widths.size(); ++i) {
            const QRectF cell(x, y, widths[i], kRowHeight);
            double indent = 0;
            if (colours && (*colours)[i].isValid()) {
                p.fillRect(QRectF(cell.left() + kPadding, cell.top() + 5, 10, 10), (*colours)[i]);
                indent = kSwatch;
            }
            const QRectF text = cell.adjusted(kPadding + indent, 0, -kPadding, 0);
            p.setPen(ink);
            p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                       QFontMetricsF(p.font()).elidedText(texts[i], Qt::ElideRight, text.width()));
            x += widths[i];
        }
        y += kRowHeight;
        p.setPen(QPen(grid, 1));
        p.drawLine(QPointF(at.x(), y), QPointF(right, y));
    };
    p.setFont(headerFont());
    line(titles, nullptr);
    p.setFont(bodyFont());
    for (int r = std::max(0, first); r < last && r < int(cells.size()); ++r)
        line(cells[std::size_t(r)], &swatches[std::size_t(r)]);
    if (!more.isEmpty()) {
        p.setPen(ink);
        p.drawText(QRectF(at.x() + kPadding, y, std::max(width(), 400.0), kRowHeight),
                   Qt::AlignVCenter, more);
    }
}

} // namespace tcpscope
