#include "lab/labscenario.h"

#include "diagnose/hostfacts.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <unistd.h>

namespace tcpscope {

namespace {

double now() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }

// The scenarios with their words from the narration data (empty where the data has none:
// the narration test names what is missing).
std::vector<LabScenario> narrated(std::vector<LabScenario> all, const LabNarration &words)
{
    for (LabScenario &s : all) {
        if (const LabScenarioText *t = words.scenario(s.name)) {
            s.title = t->title;
            s.summary = t->summary;
        }
        for (LabStep &step : s.steps) {
            if (const LabText *t = words.step(s.name, step.id))
                step.text = *t;
        }
    }
    return all;
}

} // namespace

QString LabExpect::text() const
{
    if (passedThrough && state)
        return who + u" passed through "_qs + rfcName(*state) + u" (exact)"_qs;
    QString t = who + u' ' + (state ? rfcName(*state) : u"gone"_qs);
    if (atLeast > 1)
        t += u" ×%1"_qs.arg(atLeast);
    if (minRecvQ >= 0)
        t += u" (Recv-Q ≥ %1)"_qs.arg(minRecvQ);
    return t;
}

const std::vector<LabScenario> &labScenarios()
{
    static const std::vector<LabScenario> all =
        narrated(makeLabScenarios(), LabNarration::builtin());
    return all;
}

const LabScenario *findLabScenario(const QString &name)
{
    for (const LabScenario &s : labScenarios()) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

LabRun::LabRun(const LabScenario &scenario)
    : m_scenario(scenario)
{}

std::vector<SocketRecord> LabRun::poll(std::vector<Transition> *transitions)
{
    if (!m_table || m_tableInNamespace != m_context.inNamespace()) {
        KernelTableOptions o;
        o.processes = false;
        m_table = std::make_unique<KernelTable>(o); // its netlink socket in our namespace now
        m_tableInNamespace = m_context.inNamespace();
        m_diff = SocketTable();
        m_primed = false;
    }
    std::vector<SocketRecord> all, ours;
    m_table->read(all);
    stream(all, now());
    const QList<quint16> ports = m_context.ports();
    for (const SocketRecord &r : all) {
        if (ports.contains(r.localPort) && (r.remotePort == 0 || ports.contains(r.remotePort)))
            ours.push_back(r);
    }
    std::vector<Transition> t = m_diff.apply(ours, now());
    if (m_primed && transitions)
        transitions->insert(transitions->end(), t.begin(), t.end());
    m_primed = true;
    return ours;
}

void LabRun::stream(const std::vector<SocketRecord> &all, double time)
{
    if (!m_listener || !m_context.inNamespace())
        return;
    // What changes on its own (the timers count down) is sent four times a second.
    const auto sameBut = [](SocketRecord r) {
        r.timerExpiresMs = 0;
        return r;
    };
    bool same = all.size() == m_streamed.size() && time - m_streamedAt < 0.25;
    for (std::size_t i = 0; same && i < all.size(); ++i)
        same = sameBut(all[i]) == sameBut(m_streamed[i]);
    if (same)
        return;
    m_streamed = all;
    m_streamedAt = time;
    // The namespace's own sysctls and counters: this thread is in it (/proc/sys/net and
    // /proc/thread-self/net follow the reader's namespace).
    m_listener(
        LabTableEvent{time, m_context.namespaceName(), int(::getpid()), all, readHostFacts()});
}

void LabRun::watch()
{
    if (m_context.inNamespace())
        poll(nullptr);
}

bool LabRun::met(const LabExpect &e, const std::vector<SocketRecord> &records) const
{
    int present = 0, matching = 0;
    for (const SocketRecord &r : records) {
        if (!m_context.owns(e.who, r))
            continue;
        ++present;
        if (e.state && r.state == *e.state && (e.minRecvQ < 0 || int(r.recvQ) >= e.minRecvQ))
            ++matching;
    }
    return e.state ? matching >= e.atLeast : present == 0;
}

LabRun::StepResult LabRun::runStep(std::size_t index)
{
    StepResult result;
    const LabStep &step = m_scenario.steps.at(index);
    poll(nullptr); // what exists before the step
    const QString namespaceBefore = m_context.namespaceName();
    const bool tracedBefore = ensureTrace();
    readTrace(0);
    m_traced.clear(); // only this step's changes
    QElapsedTimer clock;
    clock.start();
    result.acted = step.act(m_context);
    result.notes = m_context.takeNotes();
    // Traced throughout only if the trace was there before and the namespace is the same.
    const bool traced = tracedBefore && namespaceBefore == m_context.namespaceName();
    if (!traced)
        ensureTrace(); // the next steps, in the namespace just entered
    if (!result.acted) {
        result.error = m_context.error();
        if (result.error.isEmpty())
            result.error = u"the step's action did not do what it should"_qs;
        return result;
    }
    std::vector<SocketRecord> records;
    const auto check = [&](const LabExpect &e) {
        return e.passedThrough ? metTraced(e) : met(e, records);
    };
    const auto asserted = [&](const LabExpect &e) {
        return traced || !e.passedThrough;
    };
    const auto allMet = [&] {
        return std::all_of(step.expect.begin(), step.expect.end(),
                           [&](const LabExpect &e) { return !asserted(e) || check(e); });
    };
    bool all = false;
    const qint64 limit = qint64(step.timeoutSeconds * 1000);
    do {
        records = poll(&result.observed);
        if (traced)
            readTrace(0);
        all = allMet();
        if (!all)
            QThread::msleep(10);
    } while (!all && clock.elapsed() < limit && !stopped());
    // A step whose point is that nothing changes ("no FIN leaves") watches for its whole time.
    const bool steady = step.timeoutSeconds <= 2;
    while (steady && all && clock.elapsed() < limit && !stopped()) {
        QThread::msleep(20);
        records = poll(&result.observed);
        if (traced)
            readTrace(0);
        all = allMet();
    }
    for (const LabExpect &e : step.expect) {
        if (asserted(e)) // a state passed through: only when traced
            result.expectations.push_back({e, check(e)});
    }
    if (traced) {
        settleTrace(); // what the kernel did before the last poll, not yet read
        result.observed = tracedTransitions(); // exact, in the kernel's order
        result.traced = true;
    }
    result.ok = all;
    result.seconds = double(clock.elapsed()) / 1000.0;
    return result;
}

} // namespace tcpscope
