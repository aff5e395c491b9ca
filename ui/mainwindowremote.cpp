// The window's remote tabs: File ▸ Connect to host… and `tcpscope --remote user@host`.
#include "mainwindow.h"

#include "pages/kernelpage.h"
#include "pages/remotepage.h"
#include "widgets/connectdialog.h"

#include <QTabWidget>
#include <QToolBar>

namespace tcpscope {

RemotePage *MainWindow::openRemote(const RemoteOptions &options)
{
    auto *page = new RemotePage(options);
    const int i = m_tabs->addTab(page, page->title());
    m_tabs->setTabToolTip(i, tr("%1 over SSH").arg(options.target.text()));
    connect(page, &RemotePage::titleChanged, this, [this, page] {
        if (const int at = m_tabs->indexOf(page); at >= 0)
            m_tabs->setTabText(at, tr("%1 (remote)").arg(page->title()));
    });
    m_tabs->setTabText(i, tr("%1 (remote)").arg(page->title()));
    // A remote tab has its own toolbar: the local table's would look like its own.
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::showToolbarOfTab,
            Qt::UniqueConnection);
    m_tabs->setCurrentIndex(i);
    return page;
}

void MainWindow::showToolbarOfTab()
{
    m_kernel->toolBar()->setVisible(!qobject_cast<RemotePage *>(m_tabs->currentWidget()));
}

void MainWindow::connectToHost()
{
    auto *dialog = new ConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { openRemote(dialog->options()); });
    dialog->open();
}

} // namespace tcpscope
