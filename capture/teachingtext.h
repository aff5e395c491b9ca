// The teaching text: one entry per state, per diagram transition, per sysctl and per topic
// (subjects that cut across them: the four-way close, SO_LINGER...), in English and
// Simplified Chinese, kept as JSON data in resources/teaching/ (compiled in as ":/teaching").
// Written from shared/teaching/FACTS.md; where a common article is wrong, the entry's "myth"
// field names the claim and the fact.
#pragma once

#include "tcpstate.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tcpscope {

struct TeachingEntry
{
    QString id;         // "TIME_WAIT", "FIN_WAIT_2>TIME_WAIT", "net.ipv4.tcp_fin_timeout", "rst"
    QString kind;       // transitions: "rfc" or "extra"
    QStringList states; // sysctls: the states they matter for; topics: the states they link to
    QStringList topics; // the topics the entry links to ("close-shutdown", ...)
    QString kernels;    // sysctls: on which kernels it exists ("6.5+", "removed in 4.12"), if
                        // not on all current ones
    QHash<QString, QString> en, zh; // field → text

    // The field in a language ("en" or "zh"); empty if the entry has no such field.
    QString text(QStringView language, QStringView field) const;
};

class TeachingText
{
public:
    // Reads states.json, transitions.json, sysctls.json, topics.json, findings.json and
    // segments.json from a
    // directory
    // (":/teaching" for the compiled-in text; the caller initialises the resources). nullopt, with
    // the reason in `error`, if a file is missing or not the expected JSON.
    static std::optional<TeachingText> load(const QString &directory, QString *error = nullptr);
    // The compiled-in text, loaded once (an empty text if the resources are missing).
    static const TeachingText &builtin();

    const TeachingEntry *state(TcpState s) const;
    const TeachingEntry *transition(const QString &id) const;
    const TeachingEntry *sysctl(const QString &name) const;
    const TeachingEntry *topic(const QString &id) const;
    // A diagnosis (findings.json): title, line (a template over the finding's numbers),
    // meaning, causes, todo, avoid, confirm.
    const TeachingEntry *finding(const QString &id) const;
    // A segment's role in its connection, as the ladder names it (segments.json: "handshake-1",
    // "client-fin"...; see segmentRoleId()): title, body.
    const TeachingEntry *segment(const QString &id) const;

    const std::vector<TeachingEntry> &states() const { return m_states; }
    const std::vector<TeachingEntry> &transitions() const { return m_transitions; }
    const std::vector<TeachingEntry> &sysctls() const { return m_sysctls; }
    const std::vector<TeachingEntry> &topics() const { return m_topics; }
    const std::vector<TeachingEntry> &findings() const { return m_findings; }
    const std::vector<TeachingEntry> &segments() const { return m_segments; }

private:
    std::vector<TeachingEntry> m_states, m_transitions, m_sysctls, m_topics, m_findings, m_segments;
};

// The id of the transition entry for an arrow: "ESTABLISHED>CLOSE_WAIT".
QString transitionId(TcpState from, TcpState to);

// Fills "{name}" placeholders of a template from `values`; unknown ones stay as they are.
QString fillTemplate(QString text, const QHash<QString, QString> &values);

// Whether a socket's process text (SocketSituation::process, the table's Process column)
// names a process that holds it: false when empty or when it says why there is none (those
// texts start with "—": "— no descriptor in this state", "— closed by its application").
// "another user's" is an owner we may not see, so true.
bool socketHasOwner(const QString &process);

// A state entry's situation template for one socket, filled from `values`: the
// "situation_unowned" variant when no process holds the socket and the entry has one (a
// listener's request socket in SYN_RECEIVED, an orphan in FIN_WAIT_2), else "situation".
QString situationText(const TeachingEntry &state, QStringView language,
                      const QHash<QString, QString> &values, bool hasOwner);

// The kernel model's timer text ("timewait 35.0 s", "keepalive 12.0 s", "on 0.2 s",
// "persist 1.0 s") in a language: English unchanged; Chinese names the timer kind and the time
// left ("TIME_WAIT 计时器，剩余 35.0 s"). Unknown kinds keep their name.
QString timerText(const QString &timer, QStringView language);

} // namespace tcpscope
