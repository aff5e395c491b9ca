// tcpscope-cli lab: the Lab's scenarios headless, for teachers preparing a class, for the
// tests, and as the worker process the window's Lab panel drives (--format json --step).
#pragma once

#include <QStringList>

int runLab(const QStringList &args);
