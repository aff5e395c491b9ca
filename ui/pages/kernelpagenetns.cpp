// KernelPage: the namespace chooser of its toolbar. This host's own namespace by default, each
// named (`ip netns`) and process/container namespace the poller found, and all of them at once
// (with the Namespace column). The list comes with the poller's batches: the GUI thread never
// reads /proc.
#include "pages/kernelpage.h"

#include "models/kernelsocketmodel.h"
#include "pages/kerneltrace.h"
#include "widgets/statecountchart.h"

#include <QComboBox>
#include <QLabel>
#include <QTableView>
#include <QToolBar>

namespace tcpscope {

namespace {

QString keyOf(const NetnsSelection &s)
{
    switch (s.kind) {
    case NetnsSelection::Kind::Own:
        return QStringLiteral("own");
    case NetnsSelection::Kind::All:
        return QStringLiteral("all");
    case NetnsSelection::Kind::One:
        return s.target.pid ? QStringLiteral("pid:%1").arg(s.target.pid)
                            : QStringLiteral("name:") + s.target.name;
    }
    return QStringLiteral("own");
}

NetnsSelection selectionOf(const QString &key)
{
    if (key.startsWith(u"pid:"))
        return NetnsSelection::one(NetnsTarget{{}, key.mid(4).toInt()});
    if (key.startsWith(u"name:"))
        return NetnsSelection::one(NetnsTarget{key.mid(5), 0});
    return key == u"all" ? NetnsSelection::all() : NetnsSelection::own();
}

} // namespace

void KernelPage::createNamespaceChooser()
{
    m_netnsLabel = new QLabel;
    m_toolbar->addWidget(m_netnsLabel);
    m_netns = new QComboBox;
    m_netns->setObjectName(QStringLiteral("namespaceChooser"));
    m_netns->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_netns->addItem(QString(), QStringLiteral("own"));
    m_netns->addItem(QString(), QStringLiteral("all"));
    connect(m_netns, &QComboBox::activated, this,
            [this](int i) { setNamespace(selectionOf(m_netns->itemData(i).toString())); });
    m_netnsAction = m_toolbar->addWidget(m_netns);
}

void KernelPage::showFixedNamespace(const QString &name)
{
    if (name == m_fixedNetns)
        return;
    m_fixedNetns = name;
    m_netnsAction->setVisible(false);
    retranslateNamespaces();
}

void KernelPage::retranslateNamespaces()
{
    m_netnsLabel->setText(m_fixedNetns.isEmpty()
                              ? tr(" Namespace ")
                              : tr(" Namespace: %1 (the Lab's own) ").arg(m_fixedNetns));
    m_netns->setToolTip(tr("Whose sockets: this host's own network namespace, another one "
                           "(`ip netns`, a container's, a process's; through tcpscope-netns), "
                           "or all at once"));
    for (int i = 0; i < m_netns->count(); ++i) {
        const QString key = m_netns->itemData(i).toString();
        if (key == u"own")
            m_netns->setItemText(i, m_ownInode ? tr("This host (net:[%1])").arg(m_ownInode)
                                               : tr("This host"));
        else if (key == u"all")
            m_netns->setItemText(i, tr("All namespaces"));
    }
}

// The namespaces of the latest batch, between this host's and "All namespaces"; the chosen
// one stays chosen (and listed) even while the poller does not see it.
void KernelPage::listNamespaces(const std::vector<NetNamespace> &found)
{
    QStringList keys{QStringLiteral("own")};
    QStringList texts{QString()};
    for (const NetNamespace &ns : found) {
        if (ns.own) {
            m_ownInode = ns.inode;
            continue;
        }
        keys << (ns.name.isEmpty() ? QStringLiteral("pid:%1").arg(ns.pid)
                                   : QStringLiteral("name:") + ns.name);
        texts << namespaceText(ns);
    }
    const QString chosen = keyOf(m_netnsSelection);
    if (!keys.contains(chosen) && chosen != u"all") {
        keys << chosen;
        texts << m_netns->itemText(m_netns->findData(chosen));
    }
    keys << QStringLiteral("all");
    texts << QString();
    if (keys == m_netnsKeys)
        return;
    m_netnsKeys = keys;
    const QSignalBlocker block(m_netns);
    m_netns->clear();
    for (qsizetype i = 0; i < keys.size(); ++i)
        m_netns->addItem(texts[i], keys[i]);
    m_netns->setCurrentIndex(m_netns->findData(chosen));
    retranslateNamespaces();
}

void KernelPage::setNamespace(const NetnsSelection &netns)
{
    if (netns == m_netnsSelection)
        return;
    m_netnsSelection = netns;
    if (const int i = m_netns->findData(keyOf(netns)); i >= 0)
        m_netns->setCurrentIndex(i);
    m_fittingColumns = true; // showing it is not the user sizing it
    m_table->setColumnHidden(KernelSocketModel::Namespace, netns.kind != NetnsSelection::Kind::All);
    m_fittingColumns = false;
    m_userSizedColumns &= ~(1u << KernelSocketModel::Namespace);
    fitColumns(true);
    clearRecord(); // another table: the chart, the histories and the tokens start afresh
    if (m_poller && !m_sessionShown)
        m_poller->setNamespace(netns); // a new table and a new diagnosis, in that namespace
    m_status = tr("Kernel table: opening %1…").arg(m_netns->currentText());
    Q_EMIT statusChanged(m_status);
}

} // namespace tcpscope
