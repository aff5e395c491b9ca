// The Lab's words, kept as data in resources/lab/scenarios.json (compiled in as
// ":/lab/scenarios.json"): each scenario's title, summary and steps, and the notes its
// actions print, in English and Simplified Chinese. The actions and expectations stay in C++
// (labscenarios.cpp) and name the texts by id.
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace tcpscope {

// One text in both languages.
struct LabText
{
    QString en, zh;
    const QString &in(QStringView language) const { return language == u"zh" ? zh : en; }
};

// Something an action reports, as data: rendered in the reader's language when shown
// ("child-holds" with {pid} → "child process 4242 holds a copy of the descriptor").
struct LabNote
{
    QString id;
    QHash<QString, QString> args;
    friend bool operator==(const LabNote &, const LabNote &) = default;
};

struct LabScenarioText
{
    QString id;
    LabText title, summary;
    std::vector<std::pair<QString, LabText>> steps; // in the order they are played
};

class LabNarration
{
public:
    // Reads a scenarios.json; nullopt, with the reason in `error`, if it is not what is
    // expected.
    static std::optional<LabNarration> load(const QString &path, QString *error = nullptr);
    // The compiled-in narration, loaded once (empty if the resources are missing).
    static const LabNarration &builtin();

    const LabScenarioText *scenario(const QString &id) const;
    // A step of a scenario, or one of the steps many scenarios share ("listen", "handshake").
    const LabText *step(const QString &scenario, const QString &step) const;
    const LabText *note(const QString &id) const;
    // The note in a language with its placeholders filled; the id and arguments as they are
    // when the narration does not know it.
    QString render(const LabNote &note, QStringView language) const;

    const std::vector<LabScenarioText> &scenarios() const { return m_scenarios; }
    const std::vector<std::pair<QString, LabText>> &commonSteps() const { return m_common; }
    const std::vector<std::pair<QString, LabText>> &notes() const { return m_notes; }

private:
    std::vector<LabScenarioText> m_scenarios;
    std::vector<std::pair<QString, LabText>> m_common, m_notes;
};

} // namespace tcpscope
