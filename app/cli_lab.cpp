#include "cli_lab.h"

#include "formats/jsonwriter.h"
#include "lab/labscenario.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
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

void line(const std::string &s)
{
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QString endpoints(const Transition &t)
{
    return endpointText(t.localAddress, t.localPort) + u" → "_qs
           + endpointText(t.remoteAddress, t.remotePort);
}

int list(bool json, bool zh)
{
    if (json) {
        std::string out;
        JsonWriter w(out);
        w.beginArray();
        for (const LabScenario &s : labScenarios()) {
            w.beginObject();
            w.field("name", s.name);
            w.field("title_en", s.titleEn);
            w.field("title_zh", s.titleZh);
            w.field("summary_en", s.summaryEn);
            w.field("summary_zh", s.summaryZh);
            w.field("needs_root", s.needsRoot);
            w.field("steps", int(s.steps.size()));
            w.endObject();
        }
        w.endArray();
        line(out);
        return 0;
    }
    for (const LabScenario &s : labScenarios()) {
        std::printf("%-16s %s%s\n%16s %s\n", qPrintable(s.name),
                    qPrintable(zh ? s.titleZh : s.titleEn), s.needsRoot ? " (needs root)" : "", "",
                    qPrintable(zh ? s.summaryZh : s.summaryEn));
    }
    return 0;
}

} // namespace

int runLab(const QStringList &args)
{
    if (args.isEmpty())
        return usageError(u"say list, or run NAME"_qs);
    bool json = false, stepping = false, zh = false;
    QString name;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--format" && i + 1 < args.size()) {
            const QString f = args[++i];
            if (f != u"json" && f != u"text")
                return usageError(u"--format takes text or json"_qs);
            json = f == u"json";
        } else if (a == u"--step") {
            stepping = true;
        } else if (a == u"--language" && i + 1 < args.size()) {
            zh = args[++i] == u"zh";
        } else if (a.startsWith(u'-')) {
            return usageError(u"unknown option '%1'"_qs.arg(a));
        } else if (name.isEmpty()) {
            name = a;
        } else {
            return usageError(u"one scenario at a time"_qs);
        }
    }
    if (args[0] == u"list")
        return list(json, zh);
    if (args[0] != u"run")
        return usageError(u"say list, or run NAME"_qs);
    const LabScenario *scenario = findLabScenario(name);
    if (!scenario) {
        QStringList names;
        for (const LabScenario &s : labScenarios())
            names << s.name;
        return usageError(u"no scenario '%1'; there are: %2"_qs.arg(name, names.join(u", ")));
    }
    if (scenario->needsRoot && ::geteuid() != 0) {
        const QString why = u"%1 needs root: it makes a network namespace with nftables rules "
                            u"that hold back FINs and SYNs. Run it as root (sudo tcpscope-cli lab "
                            u"run %1)."_qs.arg(scenario->name);
        if (json) {
            std::string out;
            JsonWriter w(out);
            w.beginObject();
            w.field("event", std::string_view("unavailable"));
            w.field("why", why);
            w.endObject();
            line(out);
        }
        std::fprintf(stderr, "tcpscope-cli lab: %s\n", qPrintable(why));
        return 3;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);

    LabRun run(*scenario);
    run.setStopFlag(&g_stop);
    const auto jsonLine = [&](auto &&fill) {
        std::string out;
        JsonWriter w(out);
        w.beginObject();
        fill(w);
        w.endObject();
        line(out);
    };
    if (json)
        jsonLine([&](JsonWriter &w) {
            w.field("event", std::string_view("scenario"));
            w.field("name", scenario->name);
            w.field("steps", int(scenario->steps.size()));
        });
    else
        std::printf("%s — %s\n", qPrintable(scenario->name),
                    qPrintable(zh ? scenario->titleZh : scenario->titleEn));
    bool allOk = true;
    const int count = int(scenario->steps.size());
    for (int i = 0; i < count && !g_stop; ++i) {
        const LabStep &step = scenario->steps[std::size_t(i)];
        if (stepping) {
            if (json)
                jsonLine([&](JsonWriter &w) {
                    w.field("event", std::string_view("waiting"));
                    w.field("next", i + 1);
                });
            else
                std::printf("[Enter: step %d/%d] ", i + 1, count), std::fflush(stdout);
            std::string reply;
            if (!std::getline(std::cin, reply) || reply == "stop") {
                g_stop = true; // stopped by its driver: clean up and say so
                break;
            }
        }
        if (json)
            jsonLine([&](JsonWriter &w) {
                w.field("event", std::string_view("step"));
                w.field("index", i + 1);
                w.field("count", count);
                w.field("en", step.en);
                w.field("zh", step.zh);
                w.field("about", rfcName(step.about));
            });
        else
            std::printf("\nstep %d/%d: %s\n", i + 1, count, qPrintable(zh ? step.zh : step.en));
        const LabRun::StepResult r = run.runStep(std::size_t(i));
        for (const Transition &t : r.observed) {
            if (json)
                jsonLine([&](JsonWriter &w) {
                    w.field("event", std::string_view("observed"));
                    w.field("socket", endpoints(t));
                    w.field("from", t.firstSeen ? QString() : rfcName(t.from));
                    w.field("to", rfcName(t.to));
                    w.field("appeared", t.firstSeen);
                });
            else
                std::printf("  kernel: %s  %s\n", qPrintable(endpoints(t)),
                            qPrintable(t.firstSeen ? u"appeared in "_qs + rfcName(t.to)
                                       : t.to == TcpState::Closed
                                           ? u"gone (was %1)"_qs.arg(rfcName(t.from))
                                           : rfcName(t.from) + u" → "_qs + rfcName(t.to)));
        }
        if (json)
            jsonLine([&](JsonWriter &w) {
                w.field("event", std::string_view("result"));
                w.field("index", i + 1);
                w.field("ok", r.ok);
                w.field("note", r.note);
                w.field("error", r.error);
                w.key("expect");
                w.beginArray();
                for (const auto &[e, ok] : r.expectations) {
                    w.beginObject();
                    w.field("text", e.text());
                    w.field("ok", ok);
                    w.endObject();
                }
                w.endArray();
                QStringList ports;
                for (quint16 p : run.context().ports())
                    ports << QString::number(p);
                w.field("ports", ports.join(u','));
            });
        else {
            if (!r.note.isEmpty())
                std::printf("  note: %s\n", qPrintable(r.note));
            if (!r.acted)
                std::printf("  ✗ the action failed: %s\n", qPrintable(r.error));
            for (const auto &[e, ok] : r.expectations)
                std::printf("  %s %s\n", ok ? "✓" : "✗ not seen:", qPrintable(e.text()));
        }
        allOk = allOk && r.ok;
        if (!r.ok)
            break;
    }
    const bool stopped = g_stop;
    if (json)
        jsonLine([&](JsonWriter &w) {
            w.field("event", std::string_view("done"));
            w.field("ok", allOk && !stopped);
            w.field("stopped", stopped);
        });
    else
        std::printf("\n%s\n", stopped ? "stopped; every socket the scenario made is closed"
                              : allOk ? "every step showed what it claims"
                                      : "a step did not show what it claims");
    return allOk && !stopped ? 0 : 1;
}
