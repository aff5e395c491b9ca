// The socket table of a Lab scenario's own network namespace, as the window's kernel views
// take it: each `table` event the worker streamed becomes one poll batch (diffed against the
// last one, as the poller does for the host's table). The namespace starts empty, so the
// sockets of the first table appear as transitions; when the worker ends, its namespace and
// every socket in it are gone (end()).
#pragma once

#include "kernel/kernelpoller.h"
#include "kernel/sockettable.h"
#include "lab/labprotocol.h"

namespace tcpscope {

class LabTableFeed
{
public:
    KernelPollBatch apply(const LabTableEvent &event);
    // The namespace was deleted at `time`: an empty table.
    KernelPollBatch end(double time);
    bool started() const { return m_started; }
    QString netns() const { return m_netns; }

private:
    SocketTable m_table;
    QString m_netns;
    int m_pid = 0;
    bool m_started = false;
};

} // namespace tcpscope
