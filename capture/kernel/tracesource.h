// The exact kernel transitions for the window: a TraceStream read on a thread of its own,
// handed to the GUI thread as batches of transitions at most every kBatchMs (never one
// signal per event), together with what the trace cannot see decided against the poller
// (TraceMerge, on the GUI thread where the poller's batches arrive).
#pragma once

#include "kernel/tracemerge.h"
#include "kernel/tracestream.h"

#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace tcpscope {

struct TraceBatch
{
    std::vector<TracedEvent> events;
    std::uint64_t lost = 0; // events the ring buffer could not hold, so far
};

class TraceSource : public QObject
{
    Q_OBJECT
public:
    static constexpr int kBatchMs = 40;

    explicit TraceSource(QObject *parent = nullptr);
    ~TraceSource() override;

    // Starts the helper on the worker thread; started() or failed() follows.
    void start(const QString &program = traceHelperPath());
    void stop();
    bool isTracing() const { return m_tracing; }

    // The traced events as transitions (state changes only), and what TraceMerge learns. The
    // trace sees every namespace: only the shown one's events are taken (all with 0).
    std::vector<Transition> take(const TraceBatch &batch);
    void setNamespace(std::uint32_t inode) { m_netns = inode; }
    std::uint32_t shownNamespace() const { return m_netns; }
    // The poller's transitions that the trace did not report (a minisocket's inside).
    std::vector<Transition> keepPolled(const std::vector<Transition> &polled);

signals:
    void started();
    void failed(const QString &why);
    void traced(const tcpscope::TraceBatch &batch);
    void ended(const QString &why);

private:
    void run(const QString &program);

    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_tracing{false};
    TraceMerge m_merge; // GUI thread only
    std::uint32_t m_netns = 0;
};

} // namespace tcpscope

Q_DECLARE_METATYPE(tcpscope::TraceBatch)
