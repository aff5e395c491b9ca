// Where everything of a ladder goes, for the view, the picture export and the tests (labels
// never overlap): the two timelines, each row's top, its arrow and label, the change points
// of both state bands and the folded gaps. Rows are as tall as they need (a row with two
// changes on one side holds both names); "proportional" adds space for the time between
// segments, folding gaps longer than a threshold into a marker that gives their length.
#pragma once

#include "packets/ladder.h"

#include <QFont>
#include <QFontMetricsF>
#include <QRectF>
#include <QString>

#include <memory>
#include <vector>

namespace tcpscope {

enum class LadderTime : std::uint8_t { OneRowPerSegment, Proportional };

struct LadderOptions
{
    LadderTime time = LadderTime::OneRowPerSegment;
    bool relative = true;
    QString language = QStringLiteral("en");
};

class LadderLayout
{
public:
    LadderLayout() = default;
    LadderLayout(std::shared_ptr<const Ladder> ladder, const QFont &font, double width,
                 const LadderOptions &options);

    const Ladder *ladder() const { return m_ladder.get(); }
    const LadderOptions &options() const { return m_options; }
    QFont font() const { return m_font; }
    double width() const { return m_width; }
    double height() const { return m_height; }
    double lineHeight() const { return m_line; }
    int rowCount() const { return int(m_top.size()); }

    // The endpoint's timeline x (endpoint index of the Connection).
    double timelineX(int endpoint) const { return endpoint == m_ladder->left ? m_xLeft : m_xRight; }
    double timeColumnWidth() const { return m_timeWidth; }
    // Narrow (a pane beside the diagram): no time column, the changes name only the new state
    // (the rest is in the tooltip).
    bool compact() const { return m_compact; }
    double headerHeight() const { return m_header; }

    double rowTop(int row) const { return m_top[std::size_t(row)]; }
    double rowBottom(int row) const;
    // Where the row's arrow leaves its sender and where it arrives (a later row's change
    // point when the engine dated the arrival later).
    QPointF arrowStart(int row) const;
    QPointF arrowEnd(int row) const;
    // The row's change point: its arrow's arrival on its own row; the bands change here.
    double changeY(int row) const;
    QRectF labelRect(int row) const;
    QRectF noteRect(int row) const; // empty without notes
    // The side texts of the row's changes (two lines each: the new state, why), per change.
    QRectF changeTextRect(int row, int k) const;
    QString labelText(int row) const;
    QString noteText(int row) const;
    // The first row whose bottom is below y (binary search).
    int rowAt(double y) const;

    struct Fold
    {
        int beforeRow = 0; // the gap before this row is folded
        double y = 0;
        std::int64_t gapNs = 0;
    };
    const std::vector<Fold> &folds() const { return m_folds; }

private:
    double rowHeight(const LadderRow &row, std::array<int, 2> *perSide) const;

    std::shared_ptr<const Ladder> m_ladder;
    LadderOptions m_options;
    QFont m_font;
    double m_width = 0, m_height = 0, m_line = 0;
    bool m_compact = false;
    double m_xLeft = 0, m_xRight = 0, m_timeWidth = 0, m_sideWidth = 0, m_header = 0;
    std::vector<double> m_top;
    std::vector<Fold> m_folds;
};

// The label text of a state change on a side: "FIN_WAIT_1 → FIN_WAIT_2" (compact:
// "→ FIN_WAIT_2") and "rcv ACK of FIN / –".
QString ladderChangeState(const StateChange &c, bool compact);
QString ladderChangeReason(const StateChange &c, const QString &language);
// "client" / "server" (translated), for the endpoint drawn left or right.
QString ladderNoteName(std::uint16_t bit, const QString &language);

} // namespace tcpscope
