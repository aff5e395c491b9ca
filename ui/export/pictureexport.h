// Pictures for reports: a view drawn into PNG (at 1×, 2× or 3× for print), SVG or PDF —
// vector where the view is vector — or the clipboard, in a print-friendly style (white
// background, dark text, the same state colours) unless the screen's theme is asked for, with
// an optional caption saying what it shows, its source and its time range.
#pragma once

#include <QImage>
#include <QPalette>
#include <QSizeF>
#include <QString>
#include <QStringList>

#include <functional>

class QPainter;

namespace tcpscope {

enum class PaperSize { A4, Letter };

// Letter where the locale's paper is Letter (the Americas' Letter countries), else A4.
PaperSize defaultPaperSize();

struct PictureOptions
{
    double scale = 1;       // PNG and clipboard: pixels per logical pixel (1, 2, 3)
    bool printStyle = true; // white background, dark text; false: the screen's palette
    bool caption = true;    // a line under the picture: what, source, time range
    QString captionText;
    PaperSize paper = defaultPaperSize(); // the pages of a table's PDF
    QSize size; // the diagram's, chart's or window's logical size (empty: as it is)
    // The diagram as it moves on screen (tokens, flashing and busy arrows, the pointer's
    // hover); false: at rest, what it shows with nothing moving.
    bool motion = false;
};

// The file types pictures are written as: png, svg, pdf.
QStringList pictureFormats();

// Draws a view into `target` with `palette` (the view's own painting, no widget needed).
using PaintFunction =
    std::function<void(QPainter &p, const QRectF &target, const QPalette &palette)>;

// The palette exports use by default, whatever the window's theme.
QPalette printPalette();

// The picture as an image (PNG, clipboard): logical size × scale pixels, caption included.
QImage renderImage(const PaintFunction &paint, QSizeF logicalSize, const PictureOptions &o,
                   const QPalette &screen);
// Writes the picture; the format follows the file's extension (.png, .svg, .pdf). False, with
// the reason, when the extension is unknown or the file cannot be written.
bool writePicture(const QString &path, const PaintFunction &paint, QSizeF logicalSize,
                  const PictureOptions &o, const QPalette &screen, QString *error);

// A picture cut into pages between its rows (a table on paper): its width, its header drawn
// again at the top of each page, and `rows` rows of equal height.
struct PagedPicture
{
    double width = 0, headerHeight = 0, rowHeight = 0;
    int rows = 0;
    // Draws the header at `at`, then rows [first, last) under it.
    std::function<void(QPainter &p, QPointF at, const QPalette &palette, int first, int last)>
        paint;
};
// A PDF of o.paper pages (portrait, or landscape when the picture is wider; shrunk to the
// page's width if still wider), the caption and "page i of n" at the foot of each page.
// Returns the number of pages written (0 and the reason on failure).
int writePagedPdf(const QString &path, const PagedPicture &picture, const PictureOptions &o,
                  const QPalette &screen, QString *error);

} // namespace tcpscope
