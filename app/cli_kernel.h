// tcpscope-cli snapshot and watch: the kernel's socket table from the command line.
#pragma once

#include <QStringList>

int runSnapshot(const QStringList &args);
int runWatch(const QStringList &args);
int runSettings(const QStringList &args);
