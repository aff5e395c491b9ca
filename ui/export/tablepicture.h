// A table view drawn for a report: the rows as shown (filtered, sorted, the visible columns in
// their on-screen order), each column as wide as its widest text so that no cell is cut, as
// one picture (PNG, SVG) or as pages with the header repeated on each (PDF).
#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QPalette>
#include <QSizeF>
#include <QStringList>

#include <vector>

class QAbstractItemModel;
class QHeaderView;
class QPainter;

namespace tcpscope {

struct TablePicture
{
    static constexpr double kRowHeight = 20;
    static constexpr double kPadding = 6;    // left and right of a cell's text
    static constexpr double kSwatch = 14;    // a state's colour square before its text
    static constexpr double kMaxWidth = 900; // a column wider than this elides (none is, here)

    QStringList titles;
    std::vector<QStringList> cells;      // the rows taken, each with one text per column
    std::vector<QList<QColor>> swatches; // per cell: a state's colour (invalid: none)
    QList<double> widths;                // per column
    int totalRows = 0;                   // the model's rows (cells may hold fewer)

    static QFont bodyFont();
    static QFont headerFont();
    double width() const;
    // The header and rows [first, last) at `at`; `more` (if not empty): a last line saying
    // what the picture leaves out.
    void paint(QPainter &p, QPointF at, const QPalette &palette, int first, int last,
               const QString &more = QString()) const;
};

// The first maxRows rows of a model as the view shows them (header: its column order and
// hidden columns; null: all columns in model order).
TablePicture tablePicture(const QAbstractItemModel *model, const QHeaderView *header, int maxRows);

} // namespace tcpscope
