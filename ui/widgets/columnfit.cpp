#include "widgets/columnfit.h"

#include <QHeaderView>
#include <QStyle>
#include <QTableView>

#include <algorithm>

namespace tcpscope {

int cellWidthFor(const QTableView *view, const QString &text, bool icon)
{
    // As QStyledItemDelegate lays a cell out: the text between the focus frame's margins, the
    // decoration and its gap before it; and the grid line.
    const QStyle *style = view->style();
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
    int width = view->fontMetrics().horizontalAdvance(text) + 2 * margin + 1;
    if (icon) {
        const int side = view->iconSize().isValid()
                             ? view->iconSize().width()
                             : style->pixelMetric(QStyle::PM_SmallIconSize, nullptr, view);
        width += side + 2 * margin;
    }
    return width + 4; // a little air, so that no text touches the next column
}

int headerWidthFor(const QHeaderView *header, int section)
{
    return header->sectionSizeHint(section) + 4;
}

int fittedWidth(QTableView *view, int column, const ColumnFit &fit)
{
    int width = headerWidthFor(view->horizontalHeader(), column);
    for (const QString &t : fit.texts)
        width = std::max(width, cellWidthFor(view, t, fit.icon));
    if (fit.fixed || !view->model() || view->model()->rowCount() == 0)
        return width;
    // (public in QAbstractItemView; at most kSampleRows rows from the top one shown)
    const int sample = static_cast<const QAbstractItemView *>(view)->sizeHintForColumn(column);
    const int cap =
        fit.maxChars > 0 ? fit.maxChars * view->fontMetrics().averageCharWidth() : sample;
    return std::max(width, std::min(sample, cap));
}

void fitColumns(QTableView *view, const std::vector<ColumnFit> &fits, bool widenOnly)
{
    QHeaderView *header = view->horizontalHeader();
    header->setResizeContentsPrecision(kSampleRows);
    for (int c = 0; c < int(fits.size()); ++c) {
        if (fits[std::size_t(c)].keep)
            continue;
        const int width = fittedWidth(view, c, fits[std::size_t(c)]);
        if (!widenOnly || header->sectionSize(c) < width)
            view->setColumnWidth(c, width);
    }
}

} // namespace tcpscope
