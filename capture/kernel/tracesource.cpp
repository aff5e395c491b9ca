#include "kernel/tracesource.h"

#include "kernel/netnsdiscovery.h"

#include <chrono>

namespace tcpscope {

TraceSource::TraceSource(QObject *parent)
    : QObject(parent)
    , m_netns(ownNamespaceInode())
{
    qRegisterMetaType<tcpscope::TraceBatch>();
}

TraceSource::~TraceSource() { stop(); }

void TraceSource::start(const QString &program)
{
    stop();
    m_stop = false;
    m_thread.reset(QThread::create([this, program] { run(program); }));
    m_thread->setObjectName(QStringLiteral("kernel trace"));
    m_thread->start();
}

void TraceSource::stop()
{
    m_stop = true;
    if (m_thread) {
        m_thread->wait();
        m_thread.reset();
    }
    m_tracing = false;
}

// The worker thread: read, and hand over what arrived every kBatchMs.
void TraceSource::run(const QString &program)
{
    TraceStream stream;
    QString error;
    if (!stream.start(&error, 20000, program)) {
        Q_EMIT failed(error);
        return;
    }
    m_tracing = true;
    Q_EMIT started();
    using Clock = std::chrono::steady_clock;
    TraceBatch batch;
    auto last = Clock::now();
    while (!m_stop) {
        const TraceStream::Status st = stream.read(batch.events, 10);
        const bool due = Clock::now() - last >= std::chrono::milliseconds(kBatchMs);
        if (st == TraceStream::Status::Ended || (due && !batch.events.empty())) {
            batch.lost = stream.eventsLost();
            Q_EMIT traced(batch);
            batch = {};
            last = Clock::now();
        }
        if (st == TraceStream::Status::Ended) {
            m_tracing = false;
            Q_EMIT ended(stream.errorText().trimmed());
            return;
        }
    }
    stream.stop();
    m_tracing = false;
}

std::vector<Transition> TraceSource::take(const TraceBatch &batch)
{
    std::vector<Transition> out;
    out.reserve(batch.events.size());
    for (const TracedEvent &e : batch.events) {
        if (m_netns && e.raw.netns != m_netns)
            continue; // another namespace's socket
        m_merge.traced(e);
        if (changesState(e))
            out.push_back(toTransition(e));
    }
    return out;
}

std::vector<Transition> TraceSource::keepPolled(const std::vector<Transition> &polled)
{
    std::vector<Transition> out;
    for (const Transition &t : polled) {
        if (m_merge.keepPolled(t))
            out.push_back(t);
    }
    return out;
}

} // namespace tcpscope
