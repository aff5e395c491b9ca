// The Findings tab: what the diagnosis engine says is wrong, one line per finding with its
// level and numbers, most severe first. Selecting a finding filters the table to its sockets,
// opens its explanation and draws its count over time on the chart; the lines change and
// clear as the situation does. attach() wires it into a page's views (a few lines there).
#pragma once

#include "diagnose/diagnosisengine.h"
#include "diagnose/finding.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace tcpscope {

class SocketFilterProxy;
class SourceViews;
class StateCountChart;

class FindingsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FindingsPanel(QWidget *parent = nullptr);

    // Adds the panel as the "Findings" tab of `views` and wires selection to the table's
    // filter, the explanation panel and the chart.
    void attach(SourceViews *views, SocketFilterProxy *proxy, StateCountChart *chart);

    void setFindings(const std::vector<Finding> &findings);
    const std::vector<Finding> &findings() const { return m_findings; }
    std::optional<Finding> selectedFinding() const;
    int warningCount() const; // at warning level or above
    QTreeWidget *list() const { return m_list; }
    QPushButton *showAllButton() const { return m_showAll; }
    QPushButton *thresholdsButton() const { return m_thresholdsButton; }
    // Selects the finding with this key (true if there is one).
    bool select(const QString &key);

signals:
    void findingSelected(const tcpscope::Finding &finding);        // by the user
    void selectedFindingUpdated(const tcpscope::Finding &finding); // a poll changed it
    void selectionCleared();
    void countsChanged(int total, int warnings);
    // Thresholds… ▸ OK: saved in the settings; the poller's engine should take them.
    void thresholdsChanged(const tcpscope::DiagnosisThresholds &thresholds);

protected:
    void changeEvent(QEvent *event) override;

private:
    void fitLevelColumn();
    void refill();
    void onSelection();
    void retranslate();
    QString m_language;
    std::vector<Finding> m_findings;
    QString m_selectedKey;
    QTreeWidget *m_list = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_showAll = nullptr;
    QPushButton *m_thresholdsButton = nullptr;
    SourceViews *m_views = nullptr;
};

} // namespace tcpscope
