// The ladder as a picture for File ▸ Export and `tcpscope --export ladder=FILE`: the header
// and the first kMaxLadderPictureRows segments (the data export has them all), vector in SVG
// and PDF.
#pragma once

#include "export/pictureexport.h"
#include "ladder/ladderlayout.h"

#include <array>
#include <memory>

namespace tcpscope {

constexpr int kMaxLadderPictureRows = 300;

struct LadderPicture
{
    PaintFunction paint;
    QSizeF size;
};

// width <= 0: 900 logical pixels.
LadderPicture ladderPicture(std::shared_ptr<const Ladder> ladder, std::array<QString, 2> titles,
                            const LadderOptions &options, double width);

} // namespace tcpscope
