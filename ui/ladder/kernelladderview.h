// The ladder of a kernel connection (the kernel tab's Ladder, beside the diagram): the two
// ends' timelines with their state bands from the kernel's traced transitions, each change
// named beside its end, no segments (the trace sees states, not packets). An end whose states
// are not in this host's record (a remote peer) is a dashed line, labelled so. Draws only the
// rows in view.
#pragma once

#include "ladder/kernelladderlayout.h"

#include <QAbstractScrollArea>

#include <array>
#include <memory>

namespace tcpscope {

class KernelLadderView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit KernelLadderView(QWidget *parent = nullptr);

    // A ladder (null: nothing to show, the empty text says why). The same socket's ladder
    // again keeps the scroll position (the end followed when scrolled there).
    void setLadder(std::shared_ptr<const KernelLadder> ladder);
    std::shared_ptr<const KernelLadder> ladder() const { return m_ladder; }
    void setEmptyText(const QString &text);
    QString emptyText() const { return m_emptyText; }
    const KernelLadderLayout &layout() const { return m_layout; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void relayout();
    void paintBands(class QPainter &p, int first, int last) const;
    void paintRows(class QPainter &p, int first, int last) const;
    void paintHeader(class QPainter &p) const;

    std::shared_ptr<const KernelLadder> m_ladder;
    KernelLadderLayout m_layout;
    QString m_emptyText;
};

} // namespace tcpscope
