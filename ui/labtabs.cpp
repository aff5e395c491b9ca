#include "labtabs.h"

#include "diagnose/diagnosisengine.h"
#include "lab/labcapture.h"
#include "labpanel.h"
#include "packets/interfaces.h"
#include "pages/kernelpage.h"
#include "pages/livecapture.h"
#include "pages/sourceviews.h"
#include "widgets/findingspanel.h"
#include "widgets/teachingpanel.h"

#include <QLineEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include <unistd.h>

namespace tcpscope {

namespace {

const char *const kLabTabKey = "tcpscopeLabTab"; // which scenario's tab a page is

} // namespace

LabTabs::LabTabs(QTabWidget *tabs, KernelPage *kernel, LabPanel *lab, QStatusBar *status)
    : QObject(lab)
    , m_tabs(tabs)
    , m_kernel(kernel)
    , m_lab(lab)
    , m_status(status)
{
    connect(lab, &LabPanel::runningChanged, this, &LabTabs::runningChanged);
    connect(lab, &LabPanel::scenarioPorts, this, &LabTabs::followPorts);
    connect(lab, &LabPanel::stepStarted, this, &LabTabs::stepStarted);
    connect(lab, &LabPanel::namespacePackets, this, &LabTabs::takePackets);
    connect(lab, &LabPanel::namespaceTable, this, &LabTabs::showTable);
}

// A scenario's tab replaces the one of the same kind and scenario from an earlier run, in its
// place; the index of the tab.
int LabTabs::replaceTab(const QString &key, QWidget *page, const QString &title)
{
    page->setProperty(kLabTabKey, key);
    for (int i = 1; i < m_tabs->count(); ++i) {
        QWidget *old = m_tabs->widget(i);
        if (old->property(kLabTabKey).toString() == key) {
            const int at = m_tabs->insertTab(i, page, title);
            delete old;
            return at;
        }
    }
    return m_tabs->addTab(page, title);
}

LiveCapturePage *LabTabs::newPacketsTab(const QString &scenario)
{
    auto *page = new LiveCapturePage;
    const int i = replaceTab(u"packets:"_qs + scenario, page, tr("Lab packets: %1").arg(scenario));
    m_tabs->setTabToolTip(i, tr("The packets of the Lab scenario %1").arg(scenario));
    return page;
}

KernelPage *LabTabs::newNamespaceTab(const QString &scenario)
{
    auto *page = new KernelPage(false); // fed by the worker, which polls inside the namespace
    const int i =
        replaceTab(u"table:"_qs + scenario, page, tr("Lab kernel table: %1").arg(scenario));
    m_tabs->setTabToolTip(i, tr("The socket table of the network namespace the scenario %1 "
                                "runs in, polled by the Lab's worker: the kernel table tab "
                                "(this machine's namespace) never sees these sockets")
                                 .arg(scenario));
    page->showAllStates();
    page->sourceViews()->favourDiagram();
    // The feed diagnoses the namespace's table: Thresholds… in its Findings tab set its engine.
    connect(page->findingsPanel(), &FindingsPanel::thresholdsChanged, this,
            [this](const DiagnosisThresholds &t) { m_feed.setThresholds(t); });
    return page;
}

void LabTabs::runningChanged(bool running)
{
    if (running) {
        m_kernel->sourceViews()->favourDiagram();
        m_intervalBefore = m_kernel->interval();
        m_kernel->showAllStates();
        m_kernel->setInterval(KernelPoller::kMinIntervalMs);
        m_userFilter = m_kernel->filterEdit()->text();
        m_labFilter.clear();
        m_capturing = false;
        m_feed = LabTableFeed(thresholdsFromSettings());
        m_namespaceTable =
            m_lab->runsInOwnNamespace() ? newNamespaceTab(m_lab->runningScenario()) : nullptr;
        return;
    }
    ended();
}

void LabTabs::ended()
{
    if (m_packets && m_capturing) // the last packets first
        QTimer::singleShot(500, m_packets.data(), &LiveCapturePage::stop);
    m_capturing = false;
    if (m_namespaceTable && m_feed.started()) // the namespace is deleted with its sockets
        m_namespaceTable->applyBatch(m_feed.end(nowSeconds()));
    if (m_intervalBefore > 0) {
        m_kernel->setInterval(m_intervalBefore);
        m_intervalBefore = 0;
    }
    // The table would look empty with the scenario's filter once its sockets are gone.
    if (!m_labFilter.isEmpty() && m_kernel->filterEdit()->text() == m_labFilter) {
        m_kernel->setFilterText(m_userFilter);
        m_status->showMessage(
            tr("The Lab scenario has ended: the kernel table shows your filter again "
               "(type %1 in the filter to see what is left of the scenario's sockets).")
                .arg(m_labFilter),
            15000);
    }
}

// The table follows the scenario's sockets: they all share the first (listening) port. When
// capturing is permitted, the packets on lo too, once per run (the kernel tab stays in front).
void LabTabs::followPorts(const QList<quint16> &ports)
{
    if (ports.isEmpty() || m_lab->runsInOwnNamespace())
        return;
    m_labFilter = QStringLiteral(":%1").arg(ports.first());
    m_kernel->setFilterText(m_labFilter);
    if (m_capturing || !captureLikelyPermitted())
        return;
    m_packets = newPacketsTab(m_lab->runningScenario());
    m_kernel->mergePacketsOf(m_packets); // one row for a connection both see
    m_packets->start(QStringLiteral("lo"), QStringLiteral("tcp port %1").arg(ports.first()));
    m_capturing = true;
}

// Each step: the scenario's table in front, the explanation on the state the step is about.
void LabTabs::stepStarted(TcpState about)
{
    KernelPage *page = m_namespaceTable ? m_namespaceTable.data() : m_kernel;
    m_tabs->setCurrentWidget(page);
    page->views().teaching->showState(about);
    page->sourceViews()->showExplanation();
}

void LabTabs::takePackets(int fd, const QString &scenario)
{
    m_packets = newPacketsTab(scenario);
    if (m_namespaceTable)
        m_namespaceTable->mergePacketsOf(m_packets);
    m_packets->showSource(tr("lo in the scenario's network namespace"), LabCapture::filter());
    m_packets->startStream(fd, tr("lo in the scenario's network namespace"), {});
    m_capturing = true;
}

void LabTabs::showTable(const LabTableEvent &table)
{
    if (!m_namespaceTable)
        return;
    m_namespaceTable->applyBatch(m_feed.apply(table));
    m_namespaceTable->showFixedNamespace(table.netns);
    const int i = m_tabs->indexOf(m_namespaceTable);
    m_tabs->setTabText(
        i, tr("Lab kernel table: %1 (namespace %2)").arg(m_lab->runningScenario(), table.netns));
}

} // namespace tcpscope
