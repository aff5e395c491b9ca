// The status bar's findings badge: how many findings the kernel table in front has (this
// machine's kernel tab, or a Lab namespace's own table when that tab is in front; any other
// tab: the kernel tab's), and how many are at warning level or above, then in bold red.
#pragma once

#include <QLabel>

class QTabWidget;

namespace tcpscope {

class KernelPage;

class FindingsBadge : public QLabel
{
    Q_OBJECT
public:
    FindingsBadge(QTabWidget *tabs, KernelPage *kernel, QWidget *parent = nullptr);
    KernelPage *followed() const; // the page whose findings it counts

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    QTabWidget *m_tabs;
    KernelPage *m_kernel;
};

} // namespace tcpscope
