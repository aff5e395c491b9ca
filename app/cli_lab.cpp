#include "cli_lab.h"

#include "cli_labreport.h"
#include "lab/labprotocol.h"
#include "lab/labscenario.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <poll.h>
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
    int pcapFd = -1; // a scenario in a namespace of its own writes its packets there
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
        } else if (a == u"--pcap-fd" && i + 1 < args.size()) {
            bool ok = false;
            o->pcapFd = args[++i].toInt(&ok);
            if (!ok || o->pcapFd < 3)
                return u"--pcap-fd takes an open descriptor (3 or more)"_qs;
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

// One line of the driver's reply from standard input, watching the scenario's namespace
// meanwhile (read() and poll(), not std::cin: its buffer would hide a line from poll());
// false at the end of input or on a signal.
bool readReply(LabRun &run, std::string *line)
{
    static std::string buffered;
    for (;;) {
        if (const std::size_t nl = buffered.find('\n'); nl != std::string::npos) {
            *line = buffered.substr(0, nl);
            buffered.erase(0, nl + 1);
            return true;
        }
        pollfd in{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&in, 1, 100);
        if (g_stop || (ready < 0 && errno != EINTR))
            return false;
        if (ready <= 0) {
            run.watch();
            continue;
        }
        char chunk[256];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n <= 0)
            return false;
        buffered.append(chunk, std::size_t(n));
    }
}

// --step: waits for the driver's go-ahead; false when it says stop or goes away.
bool goAhead(int next, LabRun &run, LabReporter &reporter)
{
    reporter.report(LabWaitingEvent{next});
    std::string reply;
    return readReply(run, &reply) && parseLabReply(reply) == LabReply::Next;
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

bool play(const LabScenario &s, const LabOptions &o, LabReporter &reporter)
{
    // Without SA_RESTART: a signal also ends the wait for the driver's reply (read() fails).
    struct sigaction stop = {};
    stop.sa_handler = onSignal;
    ::sigaction(SIGINT, &stop, nullptr);
    ::sigaction(SIGTERM, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    LabRun run(s);
    run.setStopFlag(&g_stop);
    // Exact when permitted: the steps then assert the states their sockets only pass through.
    if (qEnvironmentVariable("TCPSCOPE_TRACE") != u"0" && !run.enableTrace() && !o.json)
        std::fprintf(stderr,
                     "tcpscope-cli lab: polling only (no exact trace: %s); the states a socket "
                     "only passes through are not asserted\n",
                     qPrintable(run.traceError().section(u'\n', 0, 0)));
    if (o.pcapFd >= 0)
        run.context().setCaptureFd(UniqueFd(o.pcapFd));
    if (o.json) // the window shows the namespace's table from these
        run.setTableListener([&reporter](const LabTableEvent &e) { reporter.report(e); });
    reporter.report(LabScenarioEvent{s.name, int(s.steps.size())});
    bool allOk = true;
    for (int i = 0; i < int(s.steps.size()) && allOk && !g_stop; ++i) {
        if (o.stepping && !goAhead(i + 1, run, reporter))
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
    return play(*s, o, *reporter) ? 0 : 1;
}
