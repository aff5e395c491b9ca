// A one-line label that ends its text in "…" where it is too long for its width (a status bar's
// message beside the findings badge), its whole text in the tool tip.
#pragma once

#include <QLabel>
#include <QResizeEvent>

namespace tcpscope {

class ElidedLabel : public QLabel
{
public:
    explicit ElidedLabel(QWidget *parent = nullptr)
        : QLabel(parent)
    {
        setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // never widens the bar
    }
    void setFullText(const QString &text)
    {
        m_full = text;
        setToolTip(text);
        elide();
    }
    QString fullText() const { return m_full; }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QLabel::resizeEvent(event);
        elide();
    }

private:
    void elide()
    {
        setText(fontMetrics().elidedText(m_full, Qt::ElideRight, contentsRect().width()));
    }
    QString m_full;
};

} // namespace tcpscope
