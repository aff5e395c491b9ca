// The window's side of a Lab run: the tabs it opens and what it does to the kernel tab.
// - A scenario on the host's loopback: the kernel table follows its sockets (filtered to its
//   listening port, polled every 100 ms) and, when capturing is permitted, its packets on lo
//   are captured in a tab "Lab packets: ID" (filter "tcp port N").
// - A scenario in a network namespace of its own (simultaneous, time-wait-burst): the host's
//   table and lo never see it, so the worker streams that namespace's table ("Lab kernel
//   table: ID", a kernel page fed from the worker's `table` events, diagnosed with the
//   namespace's own sysctls: its Findings tab) and its packets on the namespace's lo
//   ("Lab packets: ID", filter "tcp").
// One tab of each kind per scenario: a new run of the same scenario replaces its tabs. When the
// scenario ends, the kernel tab's filter is the user's again and the status bar says so.
#pragma once

#include "lab/labtablefeed.h"

#include <QObject>
#include <QPointer>

class QStatusBar;
class QTabWidget;

namespace tcpscope {

class KernelPage;
class LabPanel;
class LiveCapturePage;

class LabTabs : public QObject
{
    Q_OBJECT
public:
    LabTabs(QTabWidget *tabs, KernelPage *kernel, LabPanel *lab, QStatusBar *status);

    // The tabs of the scenario running or last run (null when it has none).
    LiveCapturePage *packetsTab() const { return m_packets; }
    KernelPage *namespaceTab() const { return m_namespaceTable; }

private:
    void runningChanged(bool running);
    void followPorts(const QList<quint16> &ports);
    void stepStarted(TcpState about);
    void takePackets(int fd, const QString &scenario);
    void showTable(const LabTableEvent &table);
    void ended();
    LiveCapturePage *newPacketsTab(const QString &scenario);
    KernelPage *newNamespaceTab(const QString &scenario);
    int replaceTab(const QString &key, QWidget *page, const QString &title);

    QTabWidget *m_tabs;
    KernelPage *m_kernel;
    LabPanel *m_lab;
    QStatusBar *m_status;
    QPointer<LiveCapturePage> m_packets;
    QPointer<KernelPage> m_namespaceTable;
    LabTableFeed m_feed;
    bool m_capturing = false; // the packets tab of this run is capturing
    int m_intervalBefore = 0;
    QString m_userFilter; // the kernel tab's filter before the scenario
    QString m_labFilter;  // the one the scenario set
};

} // namespace tcpscope
