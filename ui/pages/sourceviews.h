// The views every source tab shows, laid out the same way: the state diagram beside the
// count chart on top; the table with, at its side, the explanation panel and the selected
// connection's history. The diagram is wired to the explanation panel here, once: pointing at
// a state or an arrow explains it, clicking one opens its explanation.
#pragma once

#include "tcpstate.h"

#include <QSplitter>

class QComboBox;
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QTabWidget;
class QTreeWidget;

namespace tcpscope {

class StateCountChart;
class StateDiagramView;
class TeachingPanel;

class SourceViews : public QSplitter
{
    Q_OBJECT
public:
    // Builds them around a page's own table pane, chart and history list.
    SourceViews(QWidget *tablePane, StateCountChart *chart, QTreeWidget *history,
                QWidget *parent = nullptr);

    StateDiagramView *diagram = nullptr;
    TeachingPanel *teaching = nullptr;
    QTabWidget *side = nullptr;        // "Explanation" | "History"
    QComboBox *speed = nullptr;        // animation speed
    QCheckBox *follow = nullptr;       // follow the selected connection
    QHBoxLayout *diagramBar = nullptr; // the row under the diagram (pages add their buttons)
    QSplitter *top = nullptr;          // diagram | chart

    // Puts a ladder beside the diagram: the chart and it become tabs of the top right.
    void addLadder(QWidget *ladder);
    QTabWidget *charts = nullptr; // "Counts over time" | "Ladder" (with a ladder only)
    QWidget *ladder = nullptr;
    void showLadder() const;

    // Shows the explanation tab.
    void showExplanation();
    // Gives the diagram most of the top row (when a dock takes the window's side).
    void favourDiagram();

signals:
    // A state clicked on the diagram (already explained): pages may also filter to it.
    void stateClicked(tcpscope::TcpState state);

protected:
    void changeEvent(QEvent *event) override;

private:
    QWidget *buildDiagramPane();
    void wireDiagramToPanel();
    void retranslate();
    QLabel *m_animationLabel = nullptr;
};

} // namespace tcpscope
