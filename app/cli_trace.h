// `tcpscope-cli watch --exact`: every transition as the kernel makes it (tcpscope-trace),
// with the poller for what the trace cannot see; polling alone, with one notice, when the
// helper cannot trace.
#pragma once

#include "kernel/kerneltable.h"

#include <QString>

struct ExactWatchOptions
{
    bool json = false;
    bool processes = true;
    int intervalMs = 1000;
    bool forceProc = false;
    QString procRoot;
    tcpscope::NetnsSelection netns;
};

// Returns the exit code; runs until SIGINT/SIGTERM. `fallback` runs the plain poller (it is
// `watch` without --exact) after the notice when the trace cannot start.
int runWatchExact(const ExactWatchOptions &o, int (*fallback)(const ExactWatchOptions &));

// `tcpscope-cli kill LOCAL REMOTE`: the helper's --kill; its words and its exit code.
int runKill(const QStringList &args);
