// tcpscope-cli serve: the kernel's socket table as Prometheus metrics on /metrics.
#pragma once

#include <QStringList>

int runServe(const QStringList &args);
