// tcpstates (the tests' ground truth) attaches to its tracepoint through tracefs; a machine
// that has not mounted it yet gets it mounted (root only, as every test using tcpstates).
#pragma once

#include <QFile>
#include <QProcess>

inline bool ensureTracefs()
{
    const QString events = QStringLiteral("/sys/kernel/tracing/events/sock");
    if (QFile::exists(events))
        return true;
    QProcess::execute(QStringLiteral("mount"),
                      {QStringLiteral("-t"), QStringLiteral("tracefs"), QStringLiteral("nodev"),
                       QStringLiteral("/sys/kernel/tracing")});
    return QFile::exists(events);
}
