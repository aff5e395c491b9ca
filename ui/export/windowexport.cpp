#include "export/windowexport.h"

#include "diagram/diagramlayout.h"
#include "diagram/statediagramview.h"
#include "export/tablepicture.h"
#include "ladder/ladderexport.h"
#include "models/kernelsocketmodel.h"
#include "models/packetconnectionmodel.h"
#include "widgets/statecountchart.h"

#include <QAbstractProxyModel>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QPainter>
#include <QPicture>
#include <QTableView>
#include <QTreeWidget>

#include <qcustomplot.h>

namespace tcpscope {

namespace {

// The context of this file's strings, as lupdate sees it too (a free WindowExport::tr() would land
// in a context "tcpscope" that the running code never asks for).
struct WindowExport
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::WindowExport)
};

struct View
{
    PaintFunction paint;
    QSizeF size;
};

// A model drawn as a grid of text (vector in SVG and PDF), its columns as wide as their text.
// ".png, .svg or .pdf"
QString dotted(const QStringList &formats)
{
    QStringList d;
    for (const QString &f : formats)
        d << u'.' + f;
    return d.size() > 1 ? WindowExport::tr("%1 or %2")
                              .arg(d.mid(0, d.size() - 1).join(QStringLiteral(", ")), d.last())
                        : d.value(0);
}

View tableView(const QAbstractItemModel *model, const QHeaderView *header)
{
    auto table = std::make_shared<const TablePicture>(tablePicture(model, header, kMaxPictureRows));
    const int rows = int(table->cells.size());
    const bool more = table->totalRows > rows;
    View v;
    v.size = QSizeF(std::max(table->width(), 200.0),
                    TablePicture::kRowHeight * (rows + 1 + (more ? 1 : 0)) + 4);
    const QString moreText =
        more ? WindowExport::tr("… and %1 more rows: export the data for all of them")
                   .arg(table->totalRows - rows)
             : QString();
    v.paint = [table, rows, moreText](QPainter &p, const QRectF &r, const QPalette &pal) {
        table->paint(p, r.topLeft(), pal, 0, rows, moreText);
    };
    return v;
}

PagedPicture pagedTable(const QAbstractItemModel *model, const QHeaderView *header)
{
    auto table = std::make_shared<const TablePicture>(tablePicture(model, header, kMaxPdfRows));
    PagedPicture paged;
    paged.width = table->width();
    paged.headerHeight = TablePicture::kRowHeight + 1;
    paged.rowHeight = TablePicture::kRowHeight;
    paged.rows = int(table->cells.size());
    paged.paint = [table](QPainter &p, QPointF at, const QPalette &pal, int first, int last) {
        table->paint(p, at, pal, first, last);
    };
    return paged;
}

// The view drawn at the size asked for (o.size), or at its own.
QSizeF sizeFor(const PictureOptions &o, QSizeF own)
{
    if (o.size.width() > 0 && o.size.height() > 0)
        return QSizeF(o.size);
    if (o.size.width() > 0) // the other side in proportion
        return QSizeF(o.size.width(), own.height() * o.size.width() / own.width());
    if (o.size.height() > 0)
        return QSizeF(own.width() * o.size.height() / own.height(), o.size.height());
    return own;
}

View viewFor(const ExportTarget &t, const QString &kind, const PictureOptions &o)
{
    if (kind == u"diagram" && t.diagram) {
        StateDiagramView *d = t.diagram;
        const DiagramMotion motion = o.motion ? DiagramMotion::AsShown : DiagramMotion::AtRest;
        return {[d, motion](QPainter &p, const QRectF &r, const QPalette &pal) {
                    d->render(p, r, pal, d->now(), motion);
                },
                sizeFor(o, diagram::kCanvas)};
    }
    if (kind == u"chart" && t.chart) {
        StateCountChart *c = t.chart;
        const QSize size =
            sizeFor(o, c->size().width() > 100 ? QSizeF(c->size()) : QSizeF(900, 420)).toSize();
        return {[c, size](QPainter &p, const QRectF &r, const QPalette &pal) {
                    // The chart draws itself into a picture (vector), in the palette asked for.
                    const QPalette before = c->palette();
                    c->setPalette(pal);
                    c->fitLegendTo(size.width()); // the picture's width, not the window's
                    QPicture picture;
                    {
                        QCPPainter painter(&picture);
                        c->toPainter(&painter, size.width(), size.height());
                    }
                    c->fitLegendTo(c->width());
                    c->setPalette(before);
                    p.drawPicture(r.topLeft(), picture);
                },
                QSizeF(size)};
    }
    if (kind == u"table" && t.table)
        return tableView(t.table->model(), t.table->horizontalHeader());
    if (kind == u"history" && t.history)
        return tableView(t.history->model(), t.history->header());
    if (kind == u"ladder" && t.ladder) {
        LadderPicture picture =
            ladderPicture(t.ladder, t.ladderTitles, t.ladderOptions, o.size.width());
        return {std::move(picture.paint), picture.size};
    }
    if (kind == u"window" && t.window) {
        QWidget *w = t.window;
        if (!o.size.isEmpty() && o.size != w->size()) {
            w->resize(o.size);
            QCoreApplication::processEvents(); // the layouts follow
        }
        StateDiagramView *d = t.diagram;
        const DiagramMotion motion = o.motion ? DiagramMotion::AsShown : DiagramMotion::AtRest;
        return {[w, d, motion](QPainter &p, const QRectF &r, const QPalette &) {
                    // A screenshot: the widgets draw into an opaque image first, composed as on
                    // screen. Drawn straight into a PDF painter (not raster), QWidget::render
                    // paints each child on its own, with its opaque background, even where the
                    // screen's backing store clips it away under its siblings (the tab bar's
                    // scroll buttons, scroll-area corners): white boxes over the picture.
                    const double scale = std::max(2.0, p.deviceTransform().m11());
                    QImage image((QSizeF(w->size()) * scale).toSize(), QImage::Format_RGB32);
                    image.setDevicePixelRatio(scale);
                    image.fill(w->palette().color(QPalette::Window));
                    const DiagramMotion before =
                        d ? d->paintMotion() : DiagramMotion::AsShown; // the tab's diagram
                    if (d)
                        d->setPaintMotion(motion);
                    w->render(&image, QPoint(), QRegion(),
                              QWidget::DrawWindowBackground | QWidget::DrawChildren);
                    if (d)
                        d->setPaintMotion(before);
                    p.save();
                    p.setRenderHint(QPainter::SmoothPixmapTransform);
                    p.drawImage(QRectF(r.topLeft(), QSizeF(w->size())), image);
                    p.restore();
                },
                QSizeF(w->size())};
    }
    return {};
}

} // namespace

QStringList dataFormats() { return {u"csv"_qs, u"json"_qs}; }

QStringList pictureKinds()
{
    return {u"diagram"_qs, u"chart"_qs, u"table"_qs, u"history"_qs, u"ladder"_qs, u"window"_qs};
}

QStringList dataKinds()
{
    return {u"connections"_qs, u"transitions"_qs, u"selected-transitions"_qs,
            u"counts"_qs,      u"findings"_qs,    u"segments"_qs};
}

QString captionFor(const ExportTarget &t, const QString &kind)
{
    QString what =
        kind == u"diagram"  ? WindowExport::tr("TCP state diagram")
        : kind == u"chart"  ? WindowExport::tr("Connections per state over time")
        : kind == u"table"  ? WindowExport::tr("Connections")
        : kind == u"ladder" ? WindowExport::tr("Segments of %1").arg(t.selection)
        : kind == u"history"
            ? (t.selection.isEmpty() ? WindowExport::tr("History of the selected connection")
                                     : WindowExport::tr("History of %1").arg(t.selection))
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
    const View v = viewFor(t, kind, o);
    if (!v.paint)
        return {};
    if (o.captionText.isEmpty())
        o.captionText = captionFor(t, kind);
    return renderImage(v.paint, v.size, o, t.window ? t.window->palette() : QPalette());
}

bool exportPicture(const ExportTarget &t, const QString &kind, const QString &path,
                   PictureOptions o, QString *error)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    if (!pictureFormats().contains(ext)) {
        *error =
            WindowExport::tr("%1: pictures are written as %2").arg(path, dotted(pictureFormats()));
        return false;
    }
    if (o.captionText.isEmpty())
        o.captionText = captionFor(t, kind);
    // A table's PDF is paper: every row, on pages with the header repeated.
    const QTableView *table = kind == u"table" ? t.table : nullptr;
    const QTreeView *tree = kind == u"history" ? t.history : nullptr;
    if (ext == u"pdf" && (table || tree)) {
        const PagedPicture paged = table ? pagedTable(table->model(), table->horizontalHeader())
                                         : pagedTable(tree->model(), tree->header());
        return writePagedPdf(path, paged, o, t.window ? t.window->palette() : QPalette(), error)
               > 0;
    }
    const View v = viewFor(t, kind, o);
    if (!v.paint) {
        *error = WindowExport::tr("nothing to draw for \"%1\" here (one of: %2)")
                     .arg(kind, pictureKinds().join(QStringLiteral(", ")));
        return false;
    }
    return writePicture(path, v.paint, v.size, o, t.window ? t.window->palette() : QPalette(),
                        error);
}

DataTable connectionsTable(const QAbstractItemModel *shown)
{
    // Down the chain of proxies to the model that holds the rows.
    QList<const QAbstractProxyModel *> proxies;
    const QAbstractItemModel *source = shown;
    while (const auto *proxy = qobject_cast<const QAbstractProxyModel *>(source)) {
        proxies << proxy;
        source = proxy->sourceModel();
    }
    const auto sourceRow = [&](int row) {
        QModelIndex idx = shown->index(row, 0);
        for (const QAbstractProxyModel *proxy : proxies)
            idx = proxy->mapToSource(idx);
        return idx.row();
    };
    if (const auto *kernel = qobject_cast<const KernelSocketModel *>(source)) {
        std::vector<KernelSocketRow> rows;
        for (int r = 0; r < shown->rowCount(); ++r) {
            const int row = sourceRow(r);
            if (row < 0)
                continue;
            const KernelPollBatch::Row &s = kernel->socketAt(row);
            QStringList names;
            for (const ProcessInfo &p : s.processes)
                names << QStringLiteral("%1 (%2)").arg(p.name).arg(p.pid);
            rows.push_back({&s.row, names.join(QStringLiteral(", ")),
                            s.ownership == Ownership::Owned
                                ? QString()
                                : QLatin1String(ownershipText(s.ownership)),
                            kernel->packetState(s.row.record)});
        }
        return kernelSocketsTable(rows, kernel->now());
    }
    if (const auto *capture = qobject_cast<const PacketConnectionModel *>(source)) {
        const auto &tracker = capture->result().tracker;
        if (!tracker)
            return connectionsTable(TcpTracker{}, std::vector<ConnectionRow>{});
        std::vector<ConnectionRow> rows;
        for (int r = 0; r < shown->rowCount(); ++r) {
            const int row = sourceRow(r);
            if (row < 0)
                continue;
            // The states at the moment shown: the model's raw values (a state's index, or -1
            // before the endpoint was seen).
            const auto state = [&](int column) -> std::optional<TcpState> {
                const int i =
                    capture->index(row, column).data(PacketConnectionModel::SortRole).toInt();
                return i >= 0 && i < kTcpStateCount ? std::optional(stateAt(i)) : std::nullopt;
            };
            rows.push_back(
                {std::uint32_t(
                     capture->index(row, 0).data(PacketConnectionModel::ConnectionRole).toInt()),
                 state(PacketConnectionModel::ClientState),
                 state(PacketConnectionModel::ServerState)});
        }
        return connectionsTable(*tracker, rows, capture->result().digits);
    }
    return tableFromModel(shown);
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
    if (!dataFormats().contains(ext)) {
        *error = WindowExport::tr("%1: data is written as %2").arg(path, dotted(dataFormats()));
        return false;
    }
    DataTable table;
    if (kind == u"connections" && t.table) {
        table = connectionsTable(t.table->model());
    } else if (kind == u"transitions" && t.transitions) {
        table = t.transitions();
    } else if (kind == u"selected-transitions" && t.selectedTransitions) {
        table = t.selectedTransitions();
        if (table.keys.isEmpty()) {
            *error = WindowExport::tr("no connection is selected");
            return false;
        }
    } else if ((kind == u"segments" || kind == u"ladder") && t.segments) {
        table = t.segments();
        if (table.keys.isEmpty()) {
            *error = WindowExport::tr("no connection with segments is selected");
            return false;
        }
    } else if (kind == u"counts" && t.chart) {
        std::vector<CountSample> samples;
        for (const auto &[time, counts] : t.chart->samples())
            samples.push_back({std::int64_t(time * 1e9), counts});
        table = countsTable(samples, 6);
    } else if (kind == u"findings" && t.findings) {
        table = t.findings();
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
