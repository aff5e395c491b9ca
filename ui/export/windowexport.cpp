#include "export/windowexport.h"

#include "diagram/diagramlayout.h"
#include "diagram/statediagramview.h"
#include "widgets/statecountchart.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QPainter>
#include <QPicture>
#include <QTableView>
#include <QTreeWidget>

#include <qcustomplot.h>

namespace tcpscope {

namespace {

// The context of this file's strings, as lupdate sees it too (a free tr() would land in a
// context "tcpscope" that the running code never asks for).
struct WindowExport
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::WindowExport)
};

struct View
{
    PaintFunction paint;
    QSizeF size;
};

constexpr int kMaxPictureRows = 200;

// A model drawn as a grid of text: vector in SVG and PDF, the columns as wide as the view's.
View tablePicture(const QAbstractItemModel *model, const QHeaderView *header)
{
    const int rows = std::min(model->rowCount(), kMaxPictureRows);
    const bool more = model->rowCount() > rows;
    QList<int> columns, widths;
    QFont headerFont;
    headerFont.setPixelSize(12);
    headerFont.setBold(true);
    const QFontMetrics fm(headerFont);
    for (int c = 0; c < model->columnCount(); ++c) {
        const int logical = header ? header->logicalIndex(c) : c;
        if (header && header->isSectionHidden(logical))
            continue;
        columns << logical;
        // As wide as on screen, and never narrower than the column's title.
        const int title =
            fm.horizontalAdvance(model->headerData(logical, Qt::Horizontal).toString());
        widths << std::clamp(std::max(header ? header->sectionSize(logical) : 120, title + 14), 40,
                             400);
    }
    double width = 0;
    for (int w : widths)
        width += w;
    const double rowH = 20;
    const QSizeF size(std::max(width, 200.0), rowH * (rows + 1 + (more ? 1 : 0)) + 4);
    const int total = model->rowCount();
    View v;
    v.size = size;
    v.paint = [model, columns, widths, rows, more, total, rowH](QPainter &p, const QRectF &r,
                                                                const QPalette &pal) {
        QFont body;
        body.setPixelSize(12);
        QFont bold = body;
        bold.setBold(true);
        const QColor ink = pal.color(QPalette::Text);
        QColor grid = ink;
        grid.setAlphaF(0.25f);
        double y = r.top();
        const auto row = [&](int modelRow) {
            double x = r.left();
            for (qsizetype i = 0; i < columns.size(); ++i) {
                const QRectF cell(x, y, widths[i], rowH);
                QString text;
                if (modelRow < 0) {
                    text = model->headerData(columns[i], Qt::Horizontal).toString();
                } else {
                    const QModelIndex idx = model->index(modelRow, columns[i]);
                    text = idx.data().toString();
                    const QVariant deco = idx.data(Qt::DecorationRole);
                    if (deco.canConvert<QColor>() && deco.value<QColor>().isValid()) {
                        p.fillRect(QRectF(cell.left() + 3, cell.top() + 5, 10, 10),
                                   deco.value<QColor>());
                        text.prepend(QStringLiteral("     "));
                    }
                }
                p.setPen(ink);
                p.drawText(cell.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                           p.fontMetrics().elidedText(text, Qt::ElideRight, int(cell.width()) - 8));
                x += widths[i];
            }
            y += rowH;
            p.setPen(QPen(grid, 1));
            p.drawLine(QPointF(r.left(), y), QPointF(x, y));
        };
        p.setFont(bold);
        row(-1);
        p.setFont(body);
        for (int i = 0; i < rows; ++i)
            row(i);
        if (more) {
            p.setPen(ink);
            p.drawText(QRectF(r.left() + 4, y, r.width(), rowH), Qt::AlignVCenter,
                       WindowExport::tr("… and %1 more rows: export the data for all of them")
                           .arg(total - rows));
        }
    };
    return v;
}

View viewFor(const ExportTarget &t, const QString &kind)
{
    if (kind == u"diagram" && t.diagram) {
        StateDiagramView *d = t.diagram;
        return {[d](QPainter &p, const QRectF &r, const QPalette &pal) {
                    d->render(p, r, pal, d->now());
                },
                diagram::kCanvas};
    }
    if (kind == u"chart" && t.chart) {
        StateCountChart *c = t.chart;
        const QSize size = c->size().width() > 100 ? c->size() : QSize(900, 420);
        return {[c, size](QPainter &p, const QRectF &r, const QPalette &pal) {
                    // The chart draws itself into a picture (vector), in the palette asked for.
                    const QPalette before = c->palette();
                    c->setPalette(pal);
                    QPicture picture;
                    {
                        QCPPainter painter(&picture);
                        c->toPainter(&painter, size.width(), size.height());
                    }
                    c->setPalette(before);
                    p.drawPicture(r.topLeft(), picture);
                },
                QSizeF(size)};
    }
    if (kind == u"table" && t.table)
        return tablePicture(t.table->model(), t.table->horizontalHeader());
    if (kind == u"history" && t.history)
        return tablePicture(t.history->model(), t.history->header());
    if (kind == u"window" && t.window) {
        QWidget *w = t.window;
        return {[w](QPainter &p, const QRectF &r, const QPalette &) {
                    w->render(&p, r.topLeft().toPoint(), QRegion(),
                              QWidget::DrawWindowBackground | QWidget::DrawChildren);
                },
                QSizeF(w->size())};
    }
    return {};
}

} // namespace

QStringList pictureKinds()
{
    return {u"diagram"_qs, u"chart"_qs, u"table"_qs, u"history"_qs, u"window"_qs};
}

QStringList dataKinds()
{
    return {u"connections"_qs, u"transitions"_qs, u"selected-transitions"_qs, u"counts"_qs};
}

QString captionFor(const ExportTarget &t, const QString &kind)
{
    QString what = kind == u"diagram"   ? WindowExport::tr("TCP state diagram")
                   : kind == u"chart"   ? WindowExport::tr("Connections per state over time")
                   : kind == u"table"   ? WindowExport::tr("Connections")
                   : kind == u"history" ? WindowExport::tr("History of the selected connection")
                                        : WindowExport::tr("tcpscope");
    QString range = t.moment;
    if (kind == u"chart" && t.chart && t.chart->xAxis) {
        const QCPRange x = t.chart->xAxis->range();
        range = WindowExport::tr("%1 to %2")
                    .arg(QDateTime::fromMSecsSinceEpoch(qint64(x.lower * 1000))
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                         QDateTime::fromMSecsSinceEpoch(qint64(x.upper * 1000))
                             .toString(QStringLiteral("HH:mm:ss")));
    }
    QStringList parts{what, t.source};
    if (!range.isEmpty())
        parts << range;
    return parts.join(QStringLiteral(" — "));
}

QImage pictureImage(const ExportTarget &t, const QString &kind, PictureOptions o)
{
    const View v = viewFor(t, kind);
    if (!v.paint)
        return {};
    if (o.captionText.isEmpty())
        o.captionText = captionFor(t, kind);
    return renderImage(v.paint, v.size, o, t.window ? t.window->palette() : QPalette());
}

bool exportPicture(const ExportTarget &t, const QString &kind, const QString &path,
                   PictureOptions o, QString *error)
{
    const View v = viewFor(t, kind);
    if (!v.paint) {
        *error = WindowExport::tr("nothing to draw for \"%1\" here (one of: %2)")
                     .arg(kind, pictureKinds().join(QStringLiteral(", ")));
        return false;
    }
    if (o.captionText.isEmpty())
        o.captionText = captionFor(t, kind);
    return writePicture(path, v.paint, v.size, o, t.window ? t.window->palette() : QPalette(),
                        error);
}

DataTable tableFromModel(const QAbstractItemModel *model)
{
    DataTable t;
    for (int c = 0; c < model->columnCount(); ++c)
        t.addColumn(model->headerData(c, Qt::Horizontal).toString());
    for (int r = 0; r < model->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < model->columnCount(); ++c)
            row << model->index(r, c).data().toString();
        t.rows.push_back(std::move(row));
    }
    return t;
}

bool exportData(const ExportTarget &t, const QString &kind, const QString &path, QString *error)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext != u"csv" && ext != u"json") {
        *error = WindowExport::tr("%1: say .csv or .json").arg(path);
        return false;
    }
    DataTable table;
    if (kind == u"connections" && t.table) {
        table = tableFromModel(t.table->model());
    } else if (kind == u"transitions" && t.transitions) {
        table = t.transitions();
    } else if (kind == u"selected-transitions" && t.selectedTransitions) {
        table = t.selectedTransitions();
        if (table.keys.isEmpty()) {
            *error = WindowExport::tr("no connection is selected");
            return false;
        }
    } else if (kind == u"counts" && t.chart) {
        std::vector<CountSample> samples;
        for (const auto &[time, counts] : t.chart->samples())
            samples.push_back({std::int64_t(time * 1e9), counts});
        table = countsTable(samples, 6);
    } else {
        *error = WindowExport::tr("no data \"%1\" here (one of: %2)")
                     .arg(kind, dataKinds().join(QStringLiteral(", ")));
        return false;
    }
    const QByteArray bytes = ext == u"json" ? toJson(table) : toCsv(table);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        *error = WindowExport::tr("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace tcpscope
