// The Lab: textbook situations played with real sockets on this machine, one step at a time,
// each step checked against what the kernel's socket table really shows. Run by
// `tcpscope-cli lab run NAME` (a process of its own, so that a failure never takes the window
// down and everything it opened is closed when it ends or is stopped). The actions are in
// labscenarios.cpp, the words in resources/lab/scenarios.json (labnarration.h).
#pragma once

#include "kernel/kerneltable.h"
#include "kernel/sockettable.h"
#include "kernel/tracestream.h"
#include "lab/labcontext.h"
#include "lab/labexpect.h"
#include "lab/labnarration.h"
#include "lab/labprotocol.h"

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace tcpscope {

struct LabStep
{
    QString id;     // names its narration: the scenario's step, or a common one ("listen")
    TcpState about; // the state the step is about (the explanation panel opens on it)
    std::function<bool(LabContext &)> act;
    std::vector<LabExpect> expect;
    double timeoutSeconds = 5;
    LabText text = {}; // one line of narration in each language, from the narration data
};

struct LabScenario
{
    QString name; // "client-close"
    bool needsRoot = false;
    std::vector<LabStep> steps;
    LabText title = {}, summary = {}; // from the narration data
    // It runs in a network namespace of its own: the host's table and lo never see it, the
    // worker streams that namespace's table (and, given --pcap-fd, its packets on lo).
    bool ownNamespace = false;
};

// The scenarios, narrated.
const std::vector<LabScenario> &labScenarios();
const LabScenario *findLabScenario(const QString &name);
// The scenarios' actions and expectations alone, without their words (labscenarios.cpp).
std::vector<LabScenario> makeLabScenarios();
LabScenario makeTimeWaitBurst(); // labtimewait.cpp

// Plays a scenario step by step on a context of its own, watching the kernel table.
class LabRun
{
public:
    explicit LabRun(const LabScenario &scenario);

    struct StepResult
    {
        bool acted = false;
        QString error;                    // why the action failed
        std::vector<LabNote> notes;       // what the action reports (bytes read, ports left)
        std::vector<Transition> observed; // the scenario's sockets, as polled or traced
        bool traced = false;              // observed is the exact trace
        std::vector<std::pair<LabExpect, bool>> expectations;
        bool ok = false; // acted, and every expectation was seen before the timeout
        double seconds = 0;
    };
    StepResult runStep(std::size_t index);
    LabContext &context() { return m_context; }
    // A flag that, once set (Ctrl-C, Stop), ends the step being watched at once.
    void setStopFlag(const std::atomic<bool> *stop) { m_stop = stop; }
    // In a namespace of its own, every poll's table goes to `listener` when it changed, and
    // at least every quarter second (the window cannot poll that namespace itself).
    using TableListener = std::function<void(const LabTableEvent &)>;
    void setTableListener(TableListener listener) { m_listener = std::move(listener); }
    // Between steps: polls the namespace's table for the listener (nothing outside one).
    void watch();

    // Follows every step with the exact trace (tcpscope-trace) too, started in the scenario's
    // namespace: a step then also asserts the states its sockets only passed through
    // (LabExpect::passedThrough), and reports the traced transitions as observed. False, with
    // the helper's words in traceError(), when it cannot trace: the steps are polled only.
    bool enableTrace(const QString &helper = traceHelperPath());
    bool tracing() const { return m_trace != nullptr; }
    QString traceError() const { return m_traceError; }

private:
    std::vector<SocketRecord> poll(std::vector<Transition> *transitions);
    bool met(const LabExpect &e, const std::vector<SocketRecord> &records) const;
    bool metTraced(const LabExpect &e) const;
    bool ensureTrace();
    void readTrace(int timeoutMs);
    void settleTrace();
    std::vector<Transition> tracedTransitions() const;
    bool stopped() const { return m_stop && *m_stop; }
    void stream(const std::vector<SocketRecord> &all, double time);

    const LabScenario &m_scenario;
    LabContext m_context;
    std::unique_ptr<KernelTable> m_table; // made again inside the scenario's namespace
    SocketTable m_diff;
    bool m_primed = false;
    bool m_tableInNamespace = false;
    const std::atomic<bool> *m_stop = nullptr;
    TableListener m_listener;
    std::vector<SocketRecord> m_streamed; // the table last given to the listener
    double m_streamedAt = 0;
    QString m_traceHelper;                // empty: not tracing
    std::unique_ptr<TraceStream> m_trace; // started in m_traceNamespace
    QString m_traceNamespace;
    QString m_traceError;
    std::vector<TracedEvent> m_traced; // this step's
};

} // namespace tcpscope
