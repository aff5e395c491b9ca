#include "export/pictureexport.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QLocale>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>

namespace tcpscope {

namespace {

constexpr double kCaptionHeight = 30; // one line
constexpr double kCaptionMargin = 8;

QFont captionFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

// The caption wraps at word boundaries rather than being cut: one line is 30 high.
double captionHeight(const QString &text, double width)
{
    const QFontMetricsF fm(captionFont());
    const QRectF box =
        fm.boundingRect(QRectF(0, 0, std::max(40.0, width - 2 * kCaptionMargin), 1e6),
                        Qt::TextWordWrap | Qt::AlignLeft, text);
    return std::max(kCaptionHeight, std::ceil(box.height()) + 16);
}

QSizeF withCaption(QSizeF size, const PictureOptions &o)
{
    return o.caption
               ? QSizeF(size.width(), size.height() + captionHeight(o.captionText, size.width()))
               : size;
}

void paintCaption(QPainter &p, const QRectF &band, const QString &text, const QPalette &palette)
{
    QColor rule = palette.color(QPalette::Text);
    rule.setAlphaF(0.3f);
    p.setPen(QPen(rule, 1));
    p.drawLine(band.topLeft() + QPointF(kCaptionMargin, 0),
               band.topRight() - QPointF(kCaptionMargin, 0));
    p.setPen(palette.color(QPalette::Text));
    p.setFont(captionFont());
    p.drawText(band.adjusted(kCaptionMargin, 0, -kCaptionMargin, 0),
               Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap, text);
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
    paintCaption(p, QRectF(0, size.height(), size.width(), total.height() - size.height()),
                 o.captionText, palette);
}

} // namespace

PaperSize defaultPaperSize()
{
    // The countries that print on Letter; everyone else uses A4.
    switch (QLocale::system().territory()) {
    case QLocale::UnitedStates:
    case QLocale::Canada:
    case QLocale::Mexico:
    case QLocale::Philippines:
    case QLocale::Chile:
    case QLocale::Colombia:
    case QLocale::Venezuela:
    case QLocale::PuertoRico:
        return PaperSize::Letter;
    default:
        return PaperSize::A4;
    }
}

QStringList pictureFormats() { return {u"png"_qs, u"svg"_qs, u"pdf"_qs}; }

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

int writePagedPdf(const QString &path, const PagedPicture &picture, const PictureOptions &o,
                  const QPalette &screen, QString *error)
{
    const QPalette palette = o.printStyle ? printPalette() : screen;
    QPdfWriter pdf(path);
    pdf.setResolution(96); // one logical pixel is 1/96 inch, as on screen
    pdf.setPageSize(QPageSize(o.paper == PaperSize::Letter ? QPageSize::Letter : QPageSize::A4));
    pdf.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
    const auto printable = [&pdf] {
        return QSizeF(pdf.pageLayout().paintRectPixels(96).size());
    };
    if (picture.width > printable().width())
        pdf.setPageOrientation(QPageLayout::Landscape);
    pdf.setTitle(o.captionText);
    pdf.setCreator(QStringLiteral("tcpscope"));
    const QSizeF page = printable();
    // Wider than a landscape page too: the whole picture shrinks (it stays vector).
    const double scale = std::min(1.0, page.width() / std::max(1.0, picture.width));
    const double foot = o.caption ? captionHeight(o.captionText, page.width() / scale) : 0;
    const double body = page.height() / scale - foot - picture.headerHeight;
    const int perPage = std::max(1, int(body / std::max(1.0, picture.rowHeight)));
    const int pages = std::max(1, (picture.rows + perPage - 1) / perPage);
    QPainter p;
    if (!p.begin(&pdf)) {
        *error = QStringLiteral("cannot write %1").arg(path);
        return 0;
    }
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            pdf.newPage();
        p.save();
        p.scale(scale, scale);
        const QSizeF area = page / scale;
        p.fillRect(QRectF(QPointF(0, 0), area), palette.color(QPalette::Base));
        const int first = i * perPage, last = std::min(picture.rows, first + perPage);
        picture.paint(p, QPointF(0, 0), palette, first, last);
        if (o.caption) {
            const QString text = pages > 1 ? QCoreApplication::translate("tcpscope::PictureExport",
                                                                         "%1 — page %2 of %3")
                                                 .arg(o.captionText)
                                                 .arg(i + 1)
                                                 .arg(pages)
                                           : o.captionText;
            paintCaption(p, QRectF(0, area.height() - foot, area.width(), foot), text, palette);
        }
        p.restore();
    }
    p.end();
    return pages;
}

} // namespace tcpscope
