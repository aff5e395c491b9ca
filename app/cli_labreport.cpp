#include "cli_labreport.h"

#include "lab/labscenario.h"

#include <cstdio>
#include <string>

using namespace tcpscope;

namespace {

class JsonLabReporter : public LabReporter
{
public:
    void report(const LabEvent &event) override
    {
        std::string line = labEventLine(event);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
    }
};

class TextLabReporter : public LabReporter
{
public:
    TextLabReporter(const LabScenario &scenario, const QString &language)
        : m_scenario(scenario)
        , m_language(language)
    {}

    void report(const LabEvent &event) override
    {
        std::visit([this](const auto &e) { print(e); }, event);
        std::fflush(stdout);
    }

private:
    void print(const LabScenarioEvent &e)
    {
        std::printf("%s — %s\n", qPrintable(e.name), qPrintable(m_scenario.title.in(m_language)));
    }
    void print(const LabWaitingEvent &e)
    {
        std::printf("[Enter: step %d/%d] ", e.next, int(m_scenario.steps.size()));
    }
    void print(const LabStepEvent &e)
    {
        const LabStep &step = m_scenario.steps.at(std::size_t(e.index - 1));
        std::printf("\nstep %d/%d: %s\n", e.index, e.count, qPrintable(step.text.in(m_language)));
    }
    void print(const LabObservedEvent &e)
    {
        const QString change = !e.from ? u"appeared in "_qs + rfcName(e.to)
                               : e.to == TcpState::Closed
                                   ? u"gone (was %1)"_qs.arg(rfcName(*e.from))
                                   : rfcName(*e.from) + u" → "_qs + rfcName(e.to);
        std::printf("  kernel: %s  %s\n", qPrintable(e.socket), qPrintable(change));
    }
    void print(const LabResultEvent &e)
    {
        for (const LabNote &n : e.notes)
            std::printf("  note: %s\n", qPrintable(LabNarration::builtin().render(n, m_language)));
        if (!e.error.isEmpty())
            std::printf("  ✗ the action failed: %s\n", qPrintable(e.error));
        for (const LabExpectOutcome &x : e.expect)
            std::printf("  %s %s\n", x.ok ? "✓" : "✗ not seen:", qPrintable(x.expect.text()));
    }
    void print(const LabDoneEvent &e)
    {
        std::printf("\n%s\n", e.stopped ? "stopped; every socket the scenario made is closed"
                              : e.ok    ? "every step showed what it claims"
                                        : "a step did not show what it claims");
    }
    void print(const LabUnavailableEvent &) {} // said on standard error
    void print(const LabTableEvent &) {}       // for the window only

    const LabScenario &m_scenario;
    QString m_language;
};

} // namespace

std::unique_ptr<LabReporter> makeJsonLabReporter() { return std::make_unique<JsonLabReporter>(); }

std::unique_ptr<LabReporter> makeTextLabReporter(const LabScenario &scenario,
                                                 const QString &language)
{
    return std::make_unique<TextLabReporter>(scenario, language);
}
