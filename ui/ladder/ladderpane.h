// The ladder with its bar: the time axis (one row per segment, or proportional with long gaps
// folded), relative or absolute numbers, and whether ◀ Step / Step ▶ walk segments or only
// transitions.
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;

namespace tcpscope {

class LadderView;

class LadderPane : public QWidget
{
    Q_OBJECT
public:
    explicit LadderPane(QWidget *parent = nullptr);

    LadderView *view() const { return m_view; }
    QComboBox *timeBox() const { return m_time; }
    QCheckBox *absoluteBox() const { return m_absolute; }
    QCheckBox *stepSegmentsBox() const { return m_stepSegments; }
    bool stepWalksSegments() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void applyOptions();

    LadderView *m_view;
    QComboBox *m_time;
    QCheckBox *m_absolute;
    QCheckBox *m_stepSegments;
};

} // namespace tcpscope
