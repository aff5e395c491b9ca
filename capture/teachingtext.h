// The teaching text: one entry per state, per diagram transition and per sysctl, in English
// and Simplified Chinese, kept as JSON data in resources/teaching/ (compiled in as
// ":/teaching"). Written from shared/teaching/FACTS.md; where a common article is wrong, the
// entry's "myth" field names the claim and the fact.
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
    QString id;         // "TIME_WAIT", "FIN_WAIT_2>TIME_WAIT", "net.ipv4.tcp_fin_timeout"
    QString kind;       // transitions: "rfc" or "extra"
    QStringList states; // sysctls: the states they matter for
    QHash<QString, QString> en, zh; // field → text

    // The field in a language ("en" or "zh"); empty if the entry has no such field.
    QString text(QStringView language, QStringView field) const;
};

class TeachingText
{
public:
    // Reads states.json, transitions.json and sysctls.json from a directory (":/teaching" for
    // the compiled-in text; the caller initialises the resources). nullopt, with the reason in
    // `error`, if a file is missing or not the expected JSON.
    static std::optional<TeachingText> load(const QString &directory, QString *error = nullptr);
    // The compiled-in text, loaded once (an empty text if the resources are missing).
    static const TeachingText &builtin();

    const TeachingEntry *state(TcpState s) const;
    const TeachingEntry *transition(const QString &id) const;
    const TeachingEntry *sysctl(const QString &name) const;

    const std::vector<TeachingEntry> &states() const { return m_states; }
    const std::vector<TeachingEntry> &transitions() const { return m_transitions; }
    const std::vector<TeachingEntry> &sysctls() const { return m_sysctls; }

private:
    std::vector<TeachingEntry> m_states, m_transitions, m_sysctls;
};

// The id of the transition entry for an arrow: "ESTABLISHED>CLOSE_WAIT".
QString transitionId(TcpState from, TcpState to);

// Fills "{name}" placeholders of a template from `values`; unknown ones stay as they are.
QString fillTemplate(QString text, const QHash<QString, QString> &values);

} // namespace tcpscope
