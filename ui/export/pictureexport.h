// Pictures for reports: a view drawn into PNG (at 1×, 2× or 3× for print), SVG or PDF —
// vector where the view is vector — or the clipboard, in a print-friendly style (white
// background, dark text, the same state colours) unless the screen's theme is asked for, with
// an optional caption saying what it shows, its source and its time range.
#pragma once

#include <QImage>
#include <QPalette>
#include <QSizeF>
#include <QString>

#include <functional>

class QPainter;

namespace tcpscope {

struct PictureOptions
{
    double scale = 1;       // PNG and clipboard: pixels per logical pixel (1, 2, 3)
    bool printStyle = true; // white background, dark text; false: the screen's palette
    bool caption = true;    // a line under the picture: what, source, time range
    QString captionText;
};

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

} // namespace tcpscope
