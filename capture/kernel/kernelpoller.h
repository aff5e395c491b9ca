// Polls the kernel's socket table on a thread of its own and hands each poll to the GUI
// (or anyone) as a value: the rows, the transitions, the counts per state and the cost.
#pragma once

#include "diagnose/finding.h"
#include "kernel/kerneltable.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace tcpscope {

struct DiagnosisThresholds;

struct KernelPollBatch
{
    PollStats stats;
    TableSource source = TableSource::None;
    QString notice;
    StateCounts counts{};
    std::vector<Transition> transitions;
    // The table after this poll, alive and fading rows, with each owner's pid and name
    // resolved (the GUI thread never reads /proc).
    struct Row
    {
        SocketRow row;
        Ownership ownership = Ownership::NotFound;
        std::vector<ProcessInfo> processes;
    };
    std::shared_ptr<const std::vector<Row>> rows;
    // What the diagnosis engine found after this poll (null when the poller does not diagnose).
    std::shared_ptr<const std::vector<Finding>> findings;
    // The namespace shown (0: every namespace) and the namespaces known, for labels.
    std::uint32_t netns = 0;
    std::shared_ptr<const std::vector<NetNamespace>> namespaces;
    double diagnoseMs = 0; // what the diagnosis cost
};

// Polls `table` once and packages the result (what the poller's thread does each interval).
KernelPollBatch pollBatch(KernelTable &table);

class KernelPoller : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMinIntervalMs = 100;
    static constexpr int kMaxIntervalMs = 10000;

    explicit KernelPoller(KernelTableOptions options = {}, QObject *parent = nullptr);
    ~KernelPoller() override;

    // Starts polling at once and then every interval on the poller's thread.
    void start(int intervalMs = 1000);
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }
    // Clamped to [100 ms, 10 s]; returns the interval in force.
    int setInterval(int intervalMs);
    int interval() const { return m_intervalMs; }
    // Asks the kernel to filter by state from the next poll on.
    void setStateMask(std::uint32_t mask);
    // The diagnosis engine runs after every poll on the poller's thread; these are its
    // thresholds from the next poll on.
    void setDiagnosisThresholds(const DiagnosisThresholds &thresholds);
    // Transitions another source saw exactly (the eBPF trace, a live capture's refused
    // connects), for the diagnosis engine's connect and refusal counts from the next poll on.
    void addExactTransitions(std::vector<Transition> transitions);
    // Which namespace(s) from now on: polling starts afresh (a new table, a new diagnosis).
    void setNamespace(const NetnsSelection &netns);
    const NetnsSelection &netnsSelection() const { return m_options.netns; }

signals:
    void polled(const tcpscope::KernelPollBatch &batch);

private:
    class Worker;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    KernelTableOptions m_options;
    int m_intervalMs = 1000;
    std::shared_ptr<DiagnosisThresholds> m_lastThresholds; // the last set, for a restart
};

} // namespace tcpscope

Q_DECLARE_METATYPE(tcpscope::KernelPollBatch)
