// What File ▸ Export and `tcpscope --export` write: pictures of a tab's views (diagram, chart,
// table, history) or of the whole window, and its data (connections as filtered, transitions,
// state counts over time).
#pragma once

#include "export/pictureexport.h"
#include "formats/dataexport.h"
#include "ladder/ladderlayout.h"

#include <QStringList>

#include <functional>

class QAbstractItemModel;
class QTableView;
class QTreeWidget;
class QWidget;

namespace tcpscope {

class StateCountChart;
class StateDiagramView;

// One tab's views, and what a caption says of them.
struct ExportTarget
{
    StateDiagramView *diagram = nullptr;
    StateCountChart *chart = nullptr;
    QTableView *table = nullptr;
    QTreeWidget *history = nullptr;
    QWidget *window = nullptr;
    QString source;    // "kernel table of HOST", a capture file's name
    QString moment;    // what time the diagram and table show
    QString selection; // the selected connection, "127.0.0.1:38720 → 127.0.0.1:8080"
    std::function<DataTable()> transitions;         // all of them
    std::function<DataTable()> selectedTransitions; // the selected connection's (empty: none)
    std::function<DataTable()> findings;            // the diagnoses shown (kernel table only)
    // The selected connection's ladder (null: none), its endpoints' titles, as shown.
    std::shared_ptr<const Ladder> ladder;
    std::array<QString, 2> ladderTitles;
    LadderOptions ladderOptions;
    std::function<DataTable()> segments; // the ladder's rows (empty: no ladder)
};

QStringList pictureKinds(); // diagram, chart, table, history, ladder, window
QStringList
dataKinds(); // connections, transitions, selected-transitions, counts, findings, segments

// The caption of a picture: "State diagram — kernel table of host — at 14:02:31".
QString captionFor(const ExportTarget &t, const QString &kind);

// The picture of one view; with o.captionText empty, captionFor() is used.
bool exportPicture(const ExportTarget &t, const QString &kind, const QString &path,
                   PictureOptions o, QString *error);
QImage pictureImage(const ExportTarget &t, const QString &kind, PictureOptions o);
// The data; CSV or JSON by the file's extension.
bool exportData(const ExportTarget &t, const QString &kind, const QString &path, QString *error);
QStringList dataFormats(); // csv, json

// The connections a table view shows, as filtered and sorted, with typed values
// (docs/export-schema.md): the kernel table's sockets, or a capture's connections with their
// states at the moment shown. Another model: its display text, the header as keys.
DataTable connectionsTable(const QAbstractItemModel *shown);
// A model's rows as shown (filtered, sorted), its display text with the header as keys.
DataTable tableFromModel(const QAbstractItemModel *model);

// At most this many rows go into a table's PNG or SVG; a PDF has them all, on pages.
constexpr int kMaxPictureRows = 200;
constexpr int kMaxPdfRows = 20000;

} // namespace tcpscope
