#pragma once

#include <QStringList>

// tcpscope-cli diagnose [--watch] [--interval MS] [--sample SECONDS] [--format text|json]
//                       [--threshold NAME=VALUE]... [--language en|zh] [--proc]
int runDiagnose(const QStringList &args);
