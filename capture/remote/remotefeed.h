// The remote host's kernel table, rebuilt from its watch stream: each poll the stream
// completes is applied to a SocketTable of our own (so the remote's transitions, first-seen
// times and fading rows come out as the local poller's do) and diagnosed with the remote's
// own facts (its sysctls and counters, as the stream carries them, never this host's). The
// feed outlives a connection: the fresh snapshot after a reconnection is applied as one more
// poll, so what changed during the gap becomes transitions and nothing is lost.
#pragma once

#include "diagnose/diagnosisengine.h"
#include "formats/watchstream.h"
#include "kernel/kernelpoller.h"
#include "kernel/sockettable.h"

namespace tcpscope {

TableSource tableSourceFromName(const QString &name);

class RemoteFeed
{
public:
    explicit RemoteFeed(DiagnosisThresholds thresholds = {});

    // After the parser returned Line::Poll: that poll as the GUI's batch.
    KernelPollBatch apply(const WatchStreamParser &parser);
    void setThresholds(const DiagnosisThresholds &t) { m_diagnosis.setThresholds(t); }
    int polls() const { return m_polls; }

private:
    SocketTable m_table;
    DiagnosisEngine m_diagnosis;
    int m_polls = 0;
};

} // namespace tcpscope
