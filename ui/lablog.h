// The Lab panel's log: what the worker reported during a run, kept as the protocol's events
// (not as text), so that it reads in the language the interface is in now, whenever that
// changed.
#pragma once

#include "lab/labprotocol.h"

#include <QCoreApplication>
#include <QStringList>

#include <variant>
#include <vector>

namespace tcpscope {

class LabLog
{
    Q_DECLARE_TR_FUNCTIONS(tcpscope::LabLog)
public:
    // The worker could not be started: `program` and why.
    struct StartFailure
    {
        QString program, why;
    };
    using Entry = std::variant<LabEvent, StartFailure>;

    void clear() { m_entries.clear(); }
    // Keeps an entry and returns its lines in `language` (none for events the log does not
    // show: the step list shows those).
    QStringList add(Entry entry, QStringView language);
    QStringList lines(QStringView language) const; // every entry's

    static QString expectText(const LabExpect &e); // "clients TIME_WAIT ×200", "server gone"
    static QString needsRoot(const QString &scenario);

private:
    static QStringList linesOf(const Entry &entry, QStringView language);
    static QStringList linesOf(const LabEvent &event, QStringView language);
    std::vector<Entry> m_entries;
};

} // namespace tcpscope
