// The socket table of a Lab scenario's own network namespace, as the window's kernel views
// take it: each `table` event the worker streamed becomes one poll batch (diffed against the
// last one, as the poller does for the host's table). The namespace starts empty, so the
// sockets of the first table appear as transitions; when the worker ends, its namespace and
// every socket in it are gone (end()). Each batch goes through a diagnosis engine of the
// feed's own, with the namespace's sysctls and counters as the worker read them inside it
// (its ip_local_port_range, not the host's): the page's Findings tab diagnoses the namespace.
#pragma once

#include "diagnose/diagnosisengine.h"
#include "kernel/kernelpoller.h"
#include "kernel/sockettable.h"
#include "lab/labprotocol.h"

namespace tcpscope {

class LabTableFeed
{
public:
    explicit LabTableFeed(const DiagnosisThresholds &thresholds = {});
    KernelPollBatch apply(const LabTableEvent &event);
    // The namespace was deleted at `time`: an empty table.
    KernelPollBatch end(double time);
    bool started() const { return m_started; }
    QString netns() const { return m_netns; }
    void setThresholds(const DiagnosisThresholds &t) { m_diagnosis.setThresholds(t); }

private:
    SocketTable m_table;
    DiagnosisEngine m_diagnosis;
    HostFacts m_facts; // the last table's
    QString m_netns;
    int m_pid = 0;
    bool m_started = false;
};

} // namespace tcpscope
