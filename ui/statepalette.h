// One colour per TCP state, shared by the chart, the table and (later) the diagram:
// Okabe–Ito's colour-blind-safe palette, extended, readable on light and dark backgrounds.
#pragma once

#include "tcpstate.h"

#include <QColor>

namespace tcpscope {

QColor stateColor(TcpState s);

} // namespace tcpscope
