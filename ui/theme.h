// The window's theme: the desktop's own, or tcpscope's light or dark palette (Fusion style),
// remembered between runs.
#pragma once

#include <QString>

namespace tcpscope {

QString currentTheme(); // "system", "light" or "dark"
// Applies and remembers a theme; unknown names are ignored.
void applyTheme(const QString &theme);

} // namespace tcpscope
