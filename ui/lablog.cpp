#include "lablog.h"

namespace tcpscope {

namespace {

QString observedLine(const LabObservedEvent &e)
{
    const QString to = rfcName(e.to);
    const QString change = !e.from ? LabLog::tr("appeared in %1").arg(to)
                           : e.to == TcpState::Closed
                               ? LabLog::tr("gone (was %1)").arg(rfcName(*e.from))
                               : rfcName(*e.from) + QStringLiteral(" → ") + to;
    return change + QStringLiteral(" — ") + e.socket;
}

QStringList resultLines(const LabResultEvent &e, QStringView language)
{
    QStringList lines;
    for (const LabNote &n : e.notes)
        lines << QStringLiteral("· ") + LabNarration::builtin().render(n, language);
    if (!e.error.isEmpty())
        lines << QStringLiteral("✗ ") + e.error;
    for (const LabExpectOutcome &x : e.expect) {
        if (!x.ok)
            lines << LabLog::tr("✗ not seen: %1").arg(LabLog::expectText(x.expect));
    }
    return lines;
}

QString doneLine(const LabDoneEvent &e)
{
    return e.stopped ? LabLog::tr("Stopped: the scenario's sockets are closed.")
           : e.ok    ? LabLog::tr("Every step showed what it claims.")
                     : LabLog::tr("A step did not show what it claims.");
}

} // namespace

QString LabLog::expectText(const LabExpect &e)
{
    if (!e.state)
        return tr("%1 gone").arg(e.who);
    if (e.passedThrough)
        return tr("%1 passed through %2 (exact)").arg(e.who, rfcName(*e.state));
    QString t = e.who + u' ' + rfcName(*e.state);
    if (e.atLeast > 1)
        t += QStringLiteral(" ×%1").arg(e.atLeast);
    if (e.minRecvQ >= 0)
        t += tr(" (Recv-Q ≥ %1)").arg(e.minRecvQ);
    return t;
}

QString LabLog::needsRoot(const QString &scenario)
{
    return tr("Needs root: it makes a network namespace where nftables holds back FINs and "
              "SYNs. Start tcpscope-cli lab run %1 as root to play it.")
        .arg(scenario);
}

QStringList LabLog::linesOf(const LabEvent &event, QStringView language)
{
    if (const auto *e = std::get_if<LabObservedEvent>(&event))
        return {observedLine(*e)};
    if (const auto *e = std::get_if<LabResultEvent>(&event))
        return resultLines(*e, language);
    if (const auto *e = std::get_if<LabDoneEvent>(&event))
        return {doneLine(*e)};
    if (const auto *e = std::get_if<LabUnavailableEvent>(&event))
        return {needsRoot(e->name)};
    return {};
}

QStringList LabLog::linesOf(const Entry &entry, QStringView language)
{
    if (const auto *failure = std::get_if<StartFailure>(&entry))
        return {tr("cannot start %1: %2").arg(failure->program, failure->why)};
    return linesOf(std::get<LabEvent>(entry), language);
}

QStringList LabLog::add(Entry entry, QStringView language)
{
    QStringList out = linesOf(entry, language);
    if (!out.isEmpty())
        m_entries.push_back(std::move(entry));
    return out;
}

QStringList LabLog::lines(QStringView language) const
{
    QStringList out;
    for (const Entry &e : m_entries)
        out += linesOf(e, language);
    return out;
}

} // namespace tcpscope
