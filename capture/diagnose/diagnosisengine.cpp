#include "diagnose/diagnosisengine.h"

#include "diagnose/diagnosispass.h"

#include <QSettings>

#include <algorithm>

namespace tcpscope {

const char *findingKindId(FindingKind k)
{
    switch (k) {
    case FindingKind::CloseWaitLeak:
        return "close-wait-leak";
    case FindingKind::CloseWaitBurst:
        return "close-wait-burst";
    case FindingKind::PortExhaustion:
        return "port-exhaustion";
    case FindingKind::AcceptQueueFull:
        return "accept-queue-full";
    case FindingKind::SynFlood:
        return "syn-flood";
    case FindingKind::FinWait2Pileup:
        return "fin-wait-2-pileup";
    case FindingKind::CloseRetransmits:
        return "close-retransmits";
    case FindingKind::OrphansNearLimit:
        return "orphans-near-limit";
    case FindingKind::SynSentPileup:
        return "syn-sent-pileup";
    case FindingKind::DeadPeer:
        return "dead-peer";
    case FindingKind::ConnectsRefused:
        return "connects-refused";
    }
    return "unknown";
}

const char *findingLevelName(FindingLevel l)
{
    switch (l) {
    case FindingLevel::Info:
        return "info";
    case FindingLevel::Warning:
        return "warning";
    case FindingLevel::Critical:
        return "critical";
    }
    return "info";
}

double Finding::number(const QString &name, double fallback) const
{
    for (const auto &[n, v] : numbers) {
        if (n == name)
            return v;
    }
    return fallback;
}

QString Finding::fact(const QString &name) const
{
    for (const auto &[n, v] : facts) {
        if (n == name)
            return v;
    }
    return {};
}

const std::vector<std::pair<const char *, double DiagnosisThresholds::*>> &doubleThresholds()
{
    using T = DiagnosisThresholds;
    static const std::vector<std::pair<const char *, double T::*>> v{
        {"close-wait-age", &T::closeWaitAgeS},  {"fd-critical-share", &T::fdCriticalShare},
        {"port-warn-share", &T::portWarnShare}, {"port-critical-share", &T::portCriticalShare},
        {"orphan-share", &T::orphanShare},      {"syn-sent-age", &T::synSentAgeS},
        {"send-q-bytes", &T::sendQBytes},       {"window", &T::windowS},
    };
    return v;
}

const std::vector<std::pair<const char *, int DiagnosisThresholds::*>> &intThresholds()
{
    using T = DiagnosisThresholds;
    static const std::vector<std::pair<const char *, int T::*>> v{
        {"close-wait-count", &T::closeWaitCount}, {"close-wait-critical", &T::closeWaitCritical},
        {"port-min-sockets", &T::portMinSockets}, {"syn-recv-count", &T::synRecvCount},
        {"fin-wait-2-count", &T::finWait2Count},  {"close-retrans-count", &T::closeRetransCount},
        {"syn-sent-count", &T::synSentCount},     {"dead-peer-retrans", &T::deadPeerRetrans},
        {"refused-count", &T::refusedCount},
    };
    return v;
}

bool setThreshold(DiagnosisThresholds &t, const QString &assignment, QString *error)
{
    const qsizetype eq = assignment.indexOf(u'=');
    const QString name = assignment.left(eq).trimmed();
    bool ok = eq > 0;
    const double value = assignment.mid(eq + 1).toDouble(&ok);
    if (!ok || value < 0) {
        *error = QStringLiteral("'%1' is not NAME=VALUE with a value of 0 or more").arg(assignment);
        return false;
    }
    for (const auto &[n, member] : doubleThresholds()) {
        if (name == QLatin1String(n)) {
            t.*member = value;
            return true;
        }
    }
    for (const auto &[n, member] : intThresholds()) {
        if (name == QLatin1String(n)) {
            t.*member = int(value);
            return true;
        }
    }
    *error = QStringLiteral("unknown threshold '%1'").arg(name);
    return false;
}

DiagnosisThresholds thresholdsFromSettings()
{
    DiagnosisThresholds t;
    QSettings settings;
    settings.beginGroup(QStringLiteral("diagnosis"));
    for (const QString &name : settings.childKeys()) {
        QString ignored; // an unknown or bad entry keeps the default
        setThreshold(t, name + u'=' + settings.value(name).toString(), &ignored);
    }
    return t;
}

void saveThresholdsToSettings(const DiagnosisThresholds &t)
{
    const DiagnosisThresholds defaults;
    QSettings settings;
    settings.beginGroup(QStringLiteral("diagnosis"));
    const auto put = [&](const char *name, double value, double fallback) {
        if (value == fallback)
            settings.remove(QLatin1String(name));
        else
            settings.setValue(QLatin1String(name), value);
    };
    for (const auto &[name, member] : doubleThresholds())
        put(name, t.*member, defaults.*member);
    for (const auto &[name, member] : intThresholds())
        put(name, t.*member, defaults.*member);
}

DiagnosisEngine::DiagnosisEngine(DiagnosisThresholds thresholds, QString procRoot)
    : m_thresholds(thresholds)
    , m_procRoot(std::move(procRoot))
{}

void DiagnosisEngine::clear()
{
    m_findings.clear();
    m_tracks.clear();
    m_since.clear();
    m_lastSendQ.clear();
    m_counters.clear();
    m_exact.clear();
    m_firstPoll = m_lastPoll = 0;
    m_directClients = false;
}

DiagnosisEngine::Track &DiagnosisEngine::track(const QString &key, double time, double value)
{
    Track &t = m_tracks[key];
    if (t.values.empty() || t.values.back().first != time)
        t.values.emplace_back(time, value);
    else
        t.values.back().second = value;
    t.lastSeen = time;
    return t;
}

void DiagnosisEngine::trimTracks(double time)
{
    const double from = time - m_thresholds.windowS;
    for (auto it = m_tracks.begin(); it != m_tracks.end();) {
        Track &t = it->second;
        while (t.values.size() > 1 && t.values.front().first < from)
            t.values.pop_front();
        it = t.lastSeen < time ? m_tracks.erase(it) : std::next(it); // its subject is gone
    }
    for (auto it = m_since.begin(); it != m_since.end();)
        it = m_tracks.count(it->first) ? std::next(it) : m_since.erase(it);
    while (m_counters.size() > 1 && m_counters.front().first < time - 60)
        m_counters.pop_front();
    for (auto it = m_exact.begin(); it != m_exact.end();) {
        ExactEvents &ev = it->second;
        for (std::deque<double> *q : {&ev.opened, &ev.failed}) {
            while (!q->empty() && q->front() < time - 60)
                q->pop_front();
        }
        while (!ev.refused.empty() && ev.refused.front().time < time - 60)
            ev.refused.pop_front();
        const bool quiet = ev.opened.empty() && ev.failed.empty() && ev.refused.empty();
        it = quiet ? m_exact.erase(it) : std::next(it);
    }
    for (auto it = m_synSentAt.begin(); it != m_synSentAt.end();) // lost ends; a retrying SYN
        it = it->second < time - 300 ? m_synSentAt.erase(it) : std::next(it);
}

const std::vector<Finding> &DiagnosisEngine::addPoll(double time, const DiagnosisRows &rows,
                                                     const HostFacts &facts)
{
    if (m_firstPoll == 0)
        m_firstPoll = time;
    m_counters.emplace_back(time, facts.counters);
    DiagnosisPass pass(*this, time, rows, facts);
    pass.run();
    // Send-Q of sockets that are gone no longer matters.
    if (m_lastSendQ.size() > rows.size())
        m_lastSendQ.clear();
    trimTracks(time);
    std::stable_sort(pass.out.begin(), pass.out.end(), [](const Finding &a, const Finding &b) {
        return a.level != b.level ? a.level > b.level : a.sockets.size() > b.sockets.size();
    });
    m_findings = std::move(pass.out);
    m_lastPoll = time;
    return m_findings;
}

const std::vector<Finding> &DiagnosisEngine::addPoll(const KernelPollBatch &batch)
{
    static const DiagnosisRows none;
    return addPoll(batch.stats.time, batch.rows ? *batch.rows : none, readHostFacts(m_procRoot));
}

void DiagnosisEngine::addTransitions(const std::vector<Transition> &transitions)
{
    for (const Transition &t : transitions) {
        if (t.observedBy == ObservedBy::Polling)
            continue;
        const QString dest = endpointText(t.remoteAddress, t.remotePort);
        const bool packets = t.observedBy == ObservedBy::Packets;
        if (t.to == TcpState::SynSent && !packets) {
            m_exact[dest].opened.push_back(t.time);
            m_synSentAt[t.connection] = t.time;
        } else if (t.from == TcpState::SynSent && t.to == TcpState::Closed) {
            ExactEvents &ev = m_exact[dest];
            const auto at = m_synSentAt.find(t.connection);
            const bool quick = packets || (at != m_synSentAt.end() && t.time - at->second < 1.0);
            if (!packets)
                ev.failed.push_back(t.time);
            if (quick && !ev.seen(t.time, t.localPort))
                ev.refused.push_back({t.time, t.localPort, packets ? 0 : t.connection});
            if (quick)
                (packets ? ev.refusalCaptured : ev.refusalTraced) = true;
        }
        if (t.from == TcpState::SynSent && !packets)
            m_synSentAt.erase(t.connection);
    }
}

bool DiagnosisEngine::ExactEvents::seen(double time, std::uint16_t localPort) const
{
    for (auto it = refused.rbegin(); it != refused.rend() && it->time > time - 2; ++it) {
        if (it->localPort == localPort && it->time < time + 2)
            return true;
    }
    return false;
}

FindingLevel DiagnosisEngine::worstLevel() const
{
    FindingLevel worst = FindingLevel::Info;
    for (const Finding &f : m_findings)
        worst = std::max(worst, f.level);
    return worst;
}

int DiagnosisEngine::countAtLeast(FindingLevel level) const
{
    return int(std::count_if(m_findings.begin(), m_findings.end(),
                             [level](const Finding &f) { return f.level >= level; }));
}

} // namespace tcpscope
