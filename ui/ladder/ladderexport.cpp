#include "ladder/ladderexport.h"

#include "ladder/ladderpaint.h"

#include <QApplication>
#include <QPainter>

namespace tcpscope {

namespace {

struct LadderText
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::LadderView)
};

} // namespace

LadderPicture ladderPicture(std::shared_ptr<const Ladder> ladder, std::array<QString, 2> titles,
                            const LadderOptions &options, double width)
{
    if (width <= 0)
        width = 900;
    auto layout =
        std::make_shared<const LadderLayout>(ladder, QApplication::font(), width, options);
    const int rows = std::min(layout->rowCount(), kMaxLadderPictureRows);
    const bool more = layout->rowCount() > rows;
    const double height = rows == 0 ? layout->headerHeight()
                          : more    ? layout->rowBottom(rows - 1) + 1.5 * layout->lineHeight()
                                    : layout->height();
    const QString moreText =
        more
            ? QCoreApplication::translate("tcpscope::LadderView",
                                          "… and %1 more segments: export the data for all of them")
                  .arg(layout->rowCount() - rows)
            : QString();
    LadderPicture picture;
    picture.size = QSizeF(width, height);
    picture.paint = [layout, titles, rows, moreText](QPainter &p, const QRectF &r,
                                                     const QPalette &pal) {
        LadderPaintOptions o;
        o.palette = pal;
        o.titles = titles;
        o.print = true;
        p.save();
        p.translate(r.topLeft());
        p.setClipRect(QRectF(0, 0, r.width(), r.height()));
        if (rows > 0)
            paintLadder(p, *layout, o, 0, rows - 1);
        paintLadderHeader(p, *layout, o);
        if (!moreText.isEmpty()) {
            p.setPen(pal.color(QPalette::Text));
            p.drawText(
                QRectF(0, r.height() - 1.4 * layout->lineHeight(), r.width(), layout->lineHeight()),
                Qt::AlignCenter, moreText);
        }
        p.restore();
    };
    return picture;
}

} // namespace tcpscope
