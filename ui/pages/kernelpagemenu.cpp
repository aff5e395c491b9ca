// KernelPage: the table's context menu (copy, filter to this process, host or state).
#include "pages/kernelpage.h"

#include "models/kernelsocketmodel.h"
#include "models/socketfilterproxy.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QItemSelectionModel>
#include <QMenu>
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
    }
}

} // namespace tcpscope
