// Help ▸ Getting started: where a connection's handshake and close can be seen (capture
// files, live capture, the Lab — the kernel table polls and misses the short states), with
// buttons that do what it says: show the Lab, open a capture file, start a live capture.
// Shown at the first start, and at every start while "Show at start" is ticked (QSettings).
#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;

namespace tcpscope {

class GettingStarted : public QDialog
{
    Q_OBJECT
public:
    explicit GettingStarted(QWidget *parent = nullptr);

    // Whether it shows itself at start: the first start, then as the checkbox says.
    static bool showAtStart();

    QPushButton *labButton() const { return m_lab; }
    QPushButton *openButton() const { return m_open; }
    QPushButton *liveButton() const { return m_live; }
    QCheckBox *showAtStartBox() const { return m_atStart; }

signals:
    void showLabRequested();
    void openCaptureRequested();
    void liveCaptureRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *m_text;
    QPushButton *m_lab, *m_open, *m_live, *m_close;
    QCheckBox *m_atStart;
};

} // namespace tcpscope
