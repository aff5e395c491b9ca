// Draws a ladder (or the rows of it in view) with a painter: the view, the picture export and
// the headless export all draw through this.
#pragma once

#include "ladder/ladderlayout.h"

#include <QPalette>

#include <array>

class QPainter;

namespace tcpscope {

struct LadderPaintOptions
{
    QPalette palette;
    std::array<QString, 2> titles; // per endpoint index: "client 127.0.0.1:40000"
    int selectedRow = -1;
    bool print = false; // white paper, no selection
};

// Rows [first, last] (clamped); y in layout coordinates (the painter translates for scrolling).
void paintLadder(QPainter &p, const LadderLayout &layout, const LadderPaintOptions &o, int first,
                 int last);
// The headers at the top (the view draws them fixed, the export at the top of the page).
void paintLadderHeader(QPainter &p, const LadderLayout &layout, const LadderPaintOptions &o);

// The time column's text for a row: seconds since the first segment.
QString ladderTimeText(const Ladder &l, int row);

} // namespace tcpscope
