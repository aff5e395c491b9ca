// The views every source tab shows, laid out the same way: the state diagram beside the
// count chart on top; the table with, at its side, the explanation panel and the selected
// connection's history.
#pragma once

#include <QCoreApplication>

class QComboBox;
class QCheckBox;
class QHBoxLayout;
class QSplitter;
class QTabWidget;
class QTreeWidget;
class QWidget;

namespace tcpscope {

class StateCountChart;
class StateDiagramView;
class TeachingPanel;

struct SourceViews
{
    Q_DECLARE_TR_FUNCTIONS(SourceViews)

public:
    StateDiagramView *diagram = nullptr;
    TeachingPanel *teaching = nullptr;
    QTabWidget *side = nullptr;        // "Explanation" | "History"
    QComboBox *speed = nullptr;        // animation speed
    QCheckBox *follow = nullptr;       // follow the selected connection
    QHBoxLayout *diagramBar = nullptr; // the row under the diagram (pages add their buttons)
    QSplitter *root = nullptr;
    QSplitter *top = nullptr; // diagram | chart

    // Builds them around a page's own table pane, chart and history list.
    static SourceViews build(QWidget *tablePane, StateCountChart *chart, QTreeWidget *history);
    // Sets the texts in the current UI language (also on a language change).
    void retranslate();
    // Shows the explanation tab.
    void showExplanation();
};

} // namespace tcpscope
