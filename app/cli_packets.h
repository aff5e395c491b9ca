// tcpscope-cli summarize and capture: the packet engine from the command line.
#pragma once

#include <QStringList>

int runSummarize(const QStringList &args);
int runCapture(const QStringList &args);
