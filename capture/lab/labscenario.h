// The Lab: textbook situations played with real sockets on this machine, one step at a time,
// each step checked against what the kernel's socket table really shows. Run by
// `tcpscope-cli lab run NAME` (a process of its own, so that a failure never takes the window
// down and everything it opened is closed when it ends or is stopped).
#pragma once

#include "kernel/kerneltable.h"
#include "kernel/sockettable.h"
#include "lab/labcontext.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace tcpscope {

// What a step must make the kernel show: `who` (a socket or a group of the scenario) in
// `state` (nullopt: gone from the table), at least `atLeast` of them; for a listener,
// optionally its accept queue (Recv-Q) at least `minRecvQ`.
struct LabExpect
{
    QString who;
    std::optional<TcpState> state;
    int atLeast = 1;
    int minRecvQ = -1;
    QString text() const; // "server CLOSE_WAIT", "clients TIME_WAIT ×200", "client gone"
};

struct LabStep
{
    QString en, zh; // one line of narration in each language
    TcpState about; // the state the step is about (the explanation panel opens on it)
    std::function<bool(LabContext &)> act;
    std::vector<LabExpect> expect;
    double timeoutSeconds = 5;
};

struct LabScenario
{
    QString name; // "client-close"
    QString titleEn, titleZh;
    QString summaryEn, summaryZh;
    bool needsRoot = false;
    std::vector<LabStep> steps;
};

const std::vector<LabScenario> &labScenarios();
const LabScenario *findLabScenario(const QString &name);

// Plays a scenario step by step on a context of its own, watching the kernel table.
class LabRun
{
public:
    explicit LabRun(const LabScenario &scenario);

    struct StepResult
    {
        bool acted = false;
        QString error;                    // why the action failed
        QString note;                     // what the action reports (bytes read, ports left)
        std::vector<Transition> observed; // the scenario's sockets, as polled
        std::vector<std::pair<LabExpect, bool>> expectations;
        bool ok = false; // acted, and every expectation was seen before the timeout
        double seconds = 0;
    };
    StepResult runStep(std::size_t index);
    LabContext &context() { return m_context; }
    // A flag that, once set (Ctrl-C, Stop), ends the step being watched at once.
    void setStopFlag(const std::atomic<bool> *stop) { m_stop = stop; }

private:
    std::vector<SocketRecord> poll(std::vector<Transition> *transitions);
    bool met(const LabExpect &e, const std::vector<SocketRecord> &records) const;

    const LabScenario &m_scenario;
    LabContext m_context;
    std::unique_ptr<KernelTable> m_table; // made again inside the scenario's namespace
    SocketTable m_diff;
    bool m_primed = false;
    bool m_tableInNamespace = false;
    const std::atomic<bool> *m_stop = nullptr;
};

} // namespace tcpscope
