#include "kernel/kernelpoller.h"

#include "diagnose/diagnosisengine.h"

#include <QTimer>

#include <chrono>

namespace tcpscope {

KernelPollBatch pollBatch(KernelTable &table)
{
    KernelPollBatch batch;
    batch.transitions = table.poll(&batch.stats);
    batch.source = table.source();
    batch.notice = table.notice();
    batch.counts = table.table().counts();
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    const ProcessMap &pm = table.processes();
    const bool processes = table.options().processes;
    rows->reserve(table.table().rows().size());
    for (const SocketRow &r : table.table().rows()) {
        KernelPollBatch::Row out;
        out.row = r;
        if (processes) {
            out.ownership = pm.ownership(r.record);
            for (int pid : pm.owners(r.record.inode)) {
                if (const ProcessInfo *p = pm.process(pid))
                    out.processes.push_back(*p);
            }
        }
        rows->push_back(std::move(out));
    }
    batch.rows = std::move(rows);
    batch.netns = table.namespaceInode();
    batch.namespaces = std::make_shared<const std::vector<NetNamespace>>(table.namespaces());
    return batch;
}

class KernelPoller::Worker : public QObject
{
public:
    Worker(KernelPoller *owner, KernelTableOptions options)
        : m_owner(owner)
        , m_options(std::move(options))
    {}

    void begin(int intervalMs)
    {
        m_table = std::make_unique<KernelTable>(m_options);
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        QObject::connect(m_timer, &QTimer::timeout, this, &Worker::pollOnce);
        m_timer->start(intervalMs);
        pollOnce();
    }
    void setInterval(int ms)
    {
        if (m_timer)
            m_timer->setInterval(ms);
    }
    void setStateMask(std::uint32_t mask)
    {
        if (m_table)
            m_table->setStateMask(mask);
    }
    void setThresholds(const DiagnosisThresholds &t) { m_diagnosis.setThresholds(t); }
    void addExact(const std::vector<Transition> &ts) { m_diagnosis.addTransitions(ts); }

private:
    void pollOnce()
    {
        KernelPollBatch batch = pollBatch(*m_table);
        const auto t0 = std::chrono::steady_clock::now();
        m_diagnosis.addTransitions(batch.transitions); // exact ones only (not from polls)
        batch.findings = std::make_shared<const std::vector<Finding>>(
            m_diagnosis.addPoll(batch.stats.time, *batch.rows, m_table->hostFacts()));
        batch.diagnoseMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        Q_EMIT m_owner->polled(batch);
    }

    KernelPoller *m_owner;
    KernelTableOptions m_options;
    std::unique_ptr<KernelTable> m_table;
    DiagnosisEngine m_diagnosis{DiagnosisThresholds{}, m_options.procRoot};
    QTimer *m_timer = nullptr;
};

KernelPoller::KernelPoller(KernelTableOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    qRegisterMetaType<tcpscope::KernelPollBatch>();
    m_thread.setObjectName(QStringLiteral("kernel-table poller"));
}

KernelPoller::~KernelPoller() { stop(); }

void KernelPoller::start(int intervalMs)
{
    stop();
    setInterval(intervalMs);
    m_worker = new Worker(this, m_options);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, ms = m_intervalMs] { w->begin(ms); });
}

void KernelPoller::stop()
{
    if (!m_thread.isRunning())
        return;
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr;
}

int KernelPoller::setInterval(int intervalMs)
{
    m_intervalMs = std::clamp(intervalMs, kMinIntervalMs, kMaxIntervalMs);
    if (m_worker)
        QMetaObject::invokeMethod(m_worker,
                                  [w = m_worker, ms = m_intervalMs] { w->setInterval(ms); });
    return m_intervalMs;
}

void KernelPoller::setStateMask(std::uint32_t mask)
{
    m_options.stateMask = mask;
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, [w = m_worker, mask] { w->setStateMask(mask); });
}

} // namespace tcpscope

namespace tcpscope {

void KernelPoller::setNamespace(const NetnsSelection &netns)
{
    const bool running = isRunning();
    stop();
    m_options.netns = netns;
    if (running) {
        start(m_intervalMs);
        if (m_lastThresholds)
            setDiagnosisThresholds(DiagnosisThresholds(*m_lastThresholds));
    }
}

void KernelPoller::addExactTransitions(std::vector<Transition> transitions)
{
    if (m_worker && !transitions.empty())
        QMetaObject::invokeMethod(m_worker,
                                  [w = m_worker, ts = std::move(transitions)] { w->addExact(ts); });
}

void KernelPoller::setDiagnosisThresholds(const DiagnosisThresholds &thresholds)
{
    m_lastThresholds = std::make_shared<DiagnosisThresholds>(thresholds);
    if (m_worker)
        QMetaObject::invokeMethod(m_worker,
                                  [w = m_worker, thresholds] { w->setThresholds(thresholds); });
}

} // namespace tcpscope
