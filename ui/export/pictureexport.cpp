#include "export/pictureexport.h"

#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

namespace tcpscope {

namespace {

constexpr double kCaptionHeight = 30;

QFont captionFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

QSizeF withCaption(QSizeF size, const PictureOptions &o)
{
    return o.caption ? QSizeF(size.width(), size.height() + kCaptionHeight) : size;
}

// The whole picture in logical units: the view, then the caption band.
void paintPicture(QPainter &p, const PaintFunction &paint, QSizeF size, const PictureOptions &o,
                  const QPalette &palette)
{
    const QSizeF total = withCaption(size, o);
    p.fillRect(QRectF(QPointF(0, 0), total), palette.color(QPalette::Base));
    paint(p, QRectF(QPointF(0, 0), size), palette);
    if (!o.caption)
        return;
    const QRectF band(0, size.height(), size.width(), kCaptionHeight);
    QColor rule = palette.color(QPalette::Text);
    rule.setAlphaF(0.3f);
    p.setPen(QPen(rule, 1));
    p.drawLine(band.topLeft() + QPointF(8, 0), band.topRight() - QPointF(8, 0));
    p.setPen(palette.color(QPalette::Text));
    p.setFont(captionFont());
    const QFontMetricsF fm(p.font());
    p.drawText(band.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(o.captionText, Qt::ElideMiddle, band.width() - 16));
}

} // namespace

QPalette printPalette()
{
    QPalette p;
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf4, 0xf4, 0xf4));
    p.setColor(QPalette::Text, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::WindowText, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xc5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

QImage renderImage(const PaintFunction &paint, QSizeF logicalSize, const PictureOptions &o,
                   const QPalette &screen)
{
    const QSizeF total = withCaption(logicalSize, o);
    const double scale = std::clamp(o.scale, 0.25, 8.0);
    QImage image((total * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.scale(scale, scale);
    paintPicture(p, paint, logicalSize, o, o.printStyle ? printPalette() : screen);
    return image;
}

bool writePicture(const QString &path, const PaintFunction &paint, QSizeF logicalSize,
                  const PictureOptions &o, const QPalette &screen, QString *error)
{
    const QString ext = QFileInfo(path).suffix().toLower();
    const QPalette palette = o.printStyle ? printPalette() : screen;
    const QSizeF total = withCaption(logicalSize, o);
    if (ext == u"png") {
        const QImage image = renderImage(paint, logicalSize, o, screen);
        if (!image.save(path, "PNG")) {
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        return true;
    }
    if (ext == u"svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setResolution(96); // as screens and images: views drawn as pictures keep their size
        svg.setSize(total.toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), total));
        svg.setTitle(o.captionText);
        svg.setDescription(QStringLiteral("tcpscope"));
        QPainter p;
        if (!p.begin(&svg)) {
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        paintPicture(p, paint, logicalSize, o, palette);
        p.end();
        return QFile::exists(path);
    }
    if (ext == u"pdf") {
        QPdfWriter pdf(path);
        pdf.setResolution(96); // one logical pixel is 1/96 inch, as on screen
        pdf.setPageSize(QPageSize(total * 0.75, QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(o.captionText);
        pdf.setCreator(QStringLiteral("tcpscope"));
        QPainter p;
        if (!p.begin(&pdf)) {
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        paintPicture(p, paint, logicalSize, o, palette);
        p.end();
        return true;
    }
    *error = QStringLiteral("%1: say .png, .svg or .pdf").arg(path);
    return false;
}

} // namespace tcpscope
