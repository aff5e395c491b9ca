// The ladder of the selected connection: client timeline left, server right, time down, each
// segment an arrow labelled with its flags and numbers, both endpoints' state bands coloured as
// the diagram and the chart colour states, each change named where the engine places it. Draws
// only the rows in view (a 100,000-segment connection scrolls as a 10-segment one). Pointing
// at a row shows its full decode; clicking (or ↑/↓) selects it; Ctrl+wheel zooms.
#pragma once

#include "ladder/ladderlayout.h"
#include "ladder/ladderpaint.h"

#include <QAbstractScrollArea>

#include <array>
#include <memory>

namespace tcpscope {

class LadderView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit LadderView(QWidget *parent = nullptr);

    // titles: per endpoint index ("client 127.0.0.1:40000"); null: nothing to show.
    void setLadder(std::shared_ptr<const Ladder> ladder, std::array<QString, 2> titles);
    // The same connection's ladder, grown (a live capture's new segments): the selection and
    // the scroll position stay; a view scrolled to the end follows the new end.
    void growLadder(std::shared_ptr<const Ladder> ladder);
    std::shared_ptr<const Ladder> ladder() const { return m_ladder; }
    std::array<QString, 2> titles() const { return m_titles; }
    void setOptions(const LadderOptions &options);
    LadderOptions options() const { return m_options; }
    // What is shown when there is no ladder (why).
    void setEmptyText(const QString &text);

    const LadderLayout &layout() const { return m_layout; }
    int selectedRow() const { return m_selected; }
    // Selects a row (−1: none) and scrolls to it; emits segmentSelected when it changed and
    // `notify`.
    void selectRow(int row, bool notify = true);
    // The full decode shown on hover.
    QString rowToolTip(int row) const;
    // The rows drawn by the last paint (tests, the benchmark).
    std::pair<int, int> paintedRows() const { return m_painted; }

signals:
    void segmentSelected(int row);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void relayout();
    int rowAtViewport(double y) const;

    std::shared_ptr<const Ladder> m_ladder;
    std::array<QString, 2> m_titles;
    LadderOptions m_options;
    LadderLayout m_layout;
    QString m_emptyText;
    int m_selected = -1;
    double m_zoom = 1.0;
    std::pair<int, int> m_painted{-1, -1};
};

} // namespace tcpscope
