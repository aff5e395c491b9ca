#include "cli_lab.h"

#include "cli_labreport.h"
#include "lab/labprotocol.h"
#include "lab/labscenario.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <signal.h>
#include <string>
#include <unistd.h>

using namespace tcpscope;

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int) { g_stop = true; }

int usageError(const QString &message)
{
    std::fprintf(stderr, "tcpscope-cli lab: %s (see tcpscope-cli --help)\n", qPrintable(message));
    return 2;
}

struct LabOptions
{
    QString command, name;
    bool json = false, stepping = false;
    QString language = QStringLiteral("en");
};

// The options after `lab`; an error message when they make no sense.
QString parseOptions(const QStringList &args, LabOptions *o)
{
    if (args.isEmpty() || (args[0] != u"list" && args[0] != u"run"))
        return u"say list, or run NAME"_qs;
    o->command = args[0];
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--format" && i + 1 < args.size()) {
            const QString f = args[++i];
            if (f != u"json" && f != u"text")
                return u"--format takes text or json"_qs;
            o->json = f == u"json";
        } else if (a == u"--step") {
            o->stepping = true;
        } else if (a == u"--language" && i + 1 < args.size()) {
            o->language = args[++i] == u"zh" ? u"zh"_qs : u"en"_qs;
        } else if (a.startsWith(u'-')) {
            return u"unknown option '%1'"_qs.arg(a);
        } else if (o->name.isEmpty()) {
            o->name = a;
        } else {
            return u"one scenario at a time"_qs;
        }
    }
    return QString();
}

int list(const LabOptions &o)
{
    if (o.json) {
        std::string out = labScenarioListJson(labScenarios());
        std::printf("%s\n", out.c_str());
        return 0;
    }
    for (const LabScenario &s : labScenarios()) {
        std::printf("%-16s %s%s\n%16s %s\n", qPrintable(s.name), qPrintable(s.title.in(o.language)),
                    s.needsRoot ? " (needs root)" : "", "", qPrintable(s.summary.in(o.language)));
    }
    return 0;
}

int noSuchScenario(const QString &name)
{
    QStringList names;
    for (const LabScenario &s : labScenarios())
        names << s.name;
    return usageError(u"no scenario '%1'; there are: %2"_qs.arg(name, names.join(u", ")));
}

int unavailable(const LabScenario &s, LabReporter &reporter)
{
    const QString why = u"%1 needs root: it makes a network namespace with nftables rules "
                        u"that hold back FINs and SYNs. Run it as root (sudo tcpscope-cli lab "
                        u"run %1)."_qs.arg(s.name);
    reporter.report(LabUnavailableEvent{s.name, why});
    std::fprintf(stderr, "tcpscope-cli lab: %s\n", qPrintable(why));
    return 3;
}

// --step: waits for the driver's go-ahead; false when it says stop or goes away.
bool goAhead(int next, LabReporter &reporter)
{
    reporter.report(LabWaitingEvent{next});
    std::string reply;
    return std::getline(std::cin, reply) && parseLabReply(reply) == LabReply::Next;
}

bool playStep(LabRun &run, const LabScenario &s, int i, LabReporter &reporter)
{
    const int count = int(s.steps.size());
    reporter.report(LabStepEvent{i + 1, count, s.steps[std::size_t(i)].about});
    LabRun::StepResult r = run.runStep(std::size_t(i));
    for (const Transition &t : r.observed) {
        const QString socket = endpointText(t.localAddress, t.localPort) + u" → "_qs
                               + endpointText(t.remoteAddress, t.remotePort);
        reporter.report(LabObservedEvent{
            socket, t.firstSeen ? std::nullopt : std::optional<TcpState>(t.from), t.to});
    }
    LabResultEvent result{i + 1, r.ok, std::move(r.notes), r.error, {}, run.context().ports()};
    for (const auto &[e, ok] : r.expectations)
        result.expect.push_back({e, ok});
    reporter.report(result);
    return r.ok;
}

bool play(const LabScenario &s, bool stepping, LabReporter &reporter)
{
    // Without SA_RESTART: a signal also ends the wait for the driver's reply (read() fails).
    struct sigaction stop = {};
    stop.sa_handler = onSignal;
    ::sigaction(SIGINT, &stop, nullptr);
    ::sigaction(SIGTERM, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    LabRun run(s);
    run.setStopFlag(&g_stop);
    reporter.report(LabScenarioEvent{s.name, int(s.steps.size())});
    bool allOk = true;
    for (int i = 0; i < int(s.steps.size()) && allOk && !g_stop; ++i) {
        if (stepping && !goAhead(i + 1, reporter))
            g_stop = true; // stopped by its driver: clean up and say so
        else
            allOk = playStep(run, s, i, reporter);
    }
    const bool stopped = g_stop;
    reporter.report(LabDoneEvent{allOk && !stopped, stopped});
    return allOk && !stopped;
}

} // namespace

int runLab(const QStringList &args)
{
    LabOptions o;
    if (const QString error = parseOptions(args, &o); !error.isEmpty())
        return usageError(error);
    if (o.command == u"list")
        return list(o);
    const LabScenario *s = findLabScenario(o.name);
    if (!s)
        return noSuchScenario(o.name);
    const std::unique_ptr<LabReporter> reporter =
        o.json ? makeJsonLabReporter() : makeTextLabReporter(*s, o.language);
    if (s->needsRoot && ::geteuid() != 0)
        return unavailable(*s, *reporter);
    return play(*s, o.stepping, *reporter) ? 0 : 1;
}
