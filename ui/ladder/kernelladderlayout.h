// Where everything of a kernel connection's ladder goes (the view and the tests read it; labels
// never overlap): the two timelines, a three-line header per end (who, address, how its states
// are known), a note under them, and one row per change — its time on the left, its state
// change, the transition's name and who made it between the timelines, beside its end's.
#pragma once

#include "kernel/kernelladder.h"

#include <QFont>
#include <QRectF>
#include <QString>

#include <memory>
#include <vector>

namespace tcpscope {

class KernelLadderLayout
{
public:
    KernelLadderLayout() = default;
    KernelLadderLayout(std::shared_ptr<const KernelLadder> ladder, const QFont &font, double width,
                       const QString &language);

    const KernelLadder *ladder() const { return m_ladder.get(); }
    QFont font() const { return m_font; }
    double width() const { return m_width; }
    double height() const { return m_header + rowCount() * m_rowHeight + m_line; }
    double lineHeight() const { return m_line; }
    double headerHeight() const { return m_header; }
    int rowCount() const { return m_ladder ? int(m_ladder->changes.size()) : 0; }
    double timelineX(int end) const { return end == m_ladder->left ? m_xLeft : m_xRight; }

    double rowTop(int row) const { return m_header + row * m_rowHeight; }
    double changeY(int row) const { return rowTop(row) + 0.8 * m_line; }
    int rowAt(double y) const; // clamped
    // Line k (0..2) of an end's header: who it is, its address, how its states are known;
    // centred on its timeline as far as its half of the width allows.
    QString titleText(int end, int line) const;
    QRectF titleRect(int end, int line) const;
    QString noteText() const;
    QRectF noteRect() const; // between the timelines, under the titles
    QRectF timeRect(int row) const;
    // Line k (0..2) of a row's text: "FIN_WAIT_1 → FIN_WAIT_2", the transition, who made it.
    QRectF changeRect(int row, int line) const;
    QString changeText(int row, int line) const;
    // Towards its end's timeline: left for the left end, right for the right one.
    Qt::Alignment changeAlignment(int row) const;
    QString timeText(int row) const;
    // Every text rectangle of the header and of rows [first, last] (tests: none overlap).
    std::vector<QRectF> textRects(int first, int last) const;

private:
    std::shared_ptr<const KernelLadder> m_ladder;
    QFont m_font;
    QString m_language;
    double m_width = 0, m_line = 0, m_header = 0, m_rowHeight = 0;
    double m_timeWidth = 0, m_xLeft = 0, m_xRight = 0;
};

} // namespace tcpscope
