// KernelPage: the table's context menu (copy, filter to this process, host or state; close
// the connection through the trace helper).
#include "pages/kernelpage.h"

#include "kernel/socketkill.h"
#include "kernel/tracestream.h"
#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>

namespace tcpscope {

void KernelPage::copySelectedRows()
{
    QStringList lines;
    for (const QModelIndex &r : m_table->selectionModel()->selectedRows()) {
        QStringList cells;
        for (int c = 0; c < KernelSocketModel::ColumnCount; ++c)
            cells << m_proxy->index(r.row(), c).data().toString();
        lines << cells.join(u'\t');
    }
    QGuiApplication::clipboard()->setText(lines.join(u'\n'));
}

void KernelPage::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    fillContextMenu(&menu, m_table->indexAt(pos));
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void KernelPage::fillContextMenu(QMenu *menu, const QModelIndex &at)
{
    menu->addAction(tr("Copy row(s)"), this, &KernelPage::copySelectedRows);
    if (at.isValid()) {
        const QList<qint64> pids = m_model->ownerPids(m_proxy->mapToSource(at).row());
        const QString remote =
            m_proxy->index(at.row(), KernelSocketModel::Remote).data().toString();
        const int state = at.data(KernelSocketModel::StateRole).toInt();
        const QString host = remote.left(remote.lastIndexOf(u':'));
        if (!pids.isEmpty()) // by pid: not every process of the same name
            menu->addAction(tr("Filter to this process"), this, [this, pid = pids.first()] {
                setFilterText(QStringLiteral("pid:%1").arg(pid));
            });
        menu->addAction(tr("Filter to this remote host"), this,
                        [this, host] { setFilterText(host); });
        menu->addAction(tr("Filter to %1").arg(rfcName(stateAt(state))), this,
                        [this, state] { m_stateFilter->setCurrentIndex(state + 1); });
        const KernelPollBatch::Row &row = m_model->socketAt(m_proxy->mapToSource(at).row());
        if (row.row.alive() && row.row.record.state != TcpState::Listen) {
            menu->addSeparator();
            const SocketRecord r = row.row.record;
            menu->addAction(tr("Close connection…"), this, [this, r] { closeConnection(r); });
        }
    }
}

// Asks first; then the helper destroys the socket, and says how that went.
void KernelPage::closeConnection(const SocketRecord &r)
{
    const QString local = endpointText(r.localAddress, r.localPort);
    const QString remote = endpointText(r.remoteAddress, r.remotePort);
    QMessageBox ask(QMessageBox::Warning, tr("Close connection"),
                    tr("Close the connection %1 → %2?").arg(local, remote), QMessageBox::NoButton,
                    this);
    ask.setInformativeText(
        tr("The kernel destroys this socket, as ss -K does: the application holding it gets "
           "ECONNABORTED on its next call, the peer a reset, and data still in flight is lost. "
           "This does not cure a CLOSE_WAIT leak: an application that never calls close() "
           "leaks its next connection the same way."));
    QPushButton *yes = ask.addButton(tr("Close connection"), QMessageBox::DestructiveRole);
    ask.addButton(QMessageBox::Cancel);
    ask.setDefaultButton(QMessageBox::Cancel);
    ask.exec();
    if (ask.clickedButton() != yes)
        return;
    const SocketKillResult result = killSocket(local, remote, traceHelperPath());
    using Outcome = SocketKillResult::Outcome;
    if (result.outcome == Outcome::Closed) {
        QMessageBox::information(this, tr("Connection closed"),
                                 tr("%1 → %2 is closed: its application gets ECONNABORTED, the "
                                    "peer a reset.")
                                     .arg(local, remote));
        return;
    }
    const QString why =
        result.outcome == Outcome::NoPermission
            ? tr("tcpscope-trace may not destroy sockets: it needs the capability cap_net_admin.")
        : result.outcome == Outcome::Unsupported
            ? tr("This kernel cannot destroy sockets: it was built without "
                 "CONFIG_INET_DIAG_DESTROY.")
        : result.outcome == Outcome::NotFound
            ? tr("The kernel has no such socket any more: it closed since the last poll.")
            : tr("The trace helper could not close it.");
    QMessageBox fail(QMessageBox::Critical, tr("Cannot close the connection"), why, QMessageBox::Ok,
                     this);
    fail.setInformativeText(result.message);
    fail.exec();
}

} // namespace tcpscope
