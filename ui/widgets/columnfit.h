// Table columns as wide as what they hold: their header, the widest of the texts a column can
// show (every state's name, "closed (was SYN_RECEIVED)", an owner's note), and a bounded sample
// of its rows (the view's own size hints over at most kSampleRows rows) — never a pass over every
// row of a table that may hold 100k.
#pragma once

#include <QStringList>

#include <vector>

class QHeaderView;
class QTableView;

namespace tcpscope {

struct ColumnFit
{
    QStringList texts;  // the texts the column can hold whatever the rows (in this language)
    bool icon = false;  // its cells carry a decoration (a state's colour)
    int maxChars = 0;   // the sampled rows widen it up to this many average characters (0: any)
    bool fixed = false; // only the header and `texts` count (no sample)
    bool keep = false;  // left as it is (the user sized it)
};

inline constexpr int kSampleRows = 200;

// The width a cell of `view` needs to show `text` whole (with room for a decoration).
int cellWidthFor(const QTableView *view, const QString &text, bool icon);
// The width a header section needs for its text and the sort indicator.
int headerWidthFor(const QHeaderView *header, int section);
// The width column `column` needs by `fit`: its header, its texts and a sample of its rows.
int fittedWidth(QTableView *view, int column, const ColumnFit &fit);
// Sets every column to its fitted width; with widenOnly, a column wider already (the user's)
// keeps its width.
void fitColumns(QTableView *view, const std::vector<ColumnFit> &fits, bool widenOnly = false);

} // namespace tcpscope
