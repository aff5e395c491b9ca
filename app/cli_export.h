// tcpscope-cli export: a capture's connections, transitions or state counts over time as CSV
// or JSON, for spreadsheets and scripts.
#pragma once

#include <QStringList>

int runExport(const QStringList &args);
