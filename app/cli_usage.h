// tcpscope-cli's usage text: the whole of it, and each command's part for `COMMAND --help`.
#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>

// The usage of every command, with the global options.
void printUsage(FILE *to);

// The commands that have a usage section (snapshot, watch, settings, summarize, capture,
// export, lab).
QStringList cliCommands();

// True when ARGS (a command's own arguments) ask for its help: --help or -h.
bool asksForHelp(const QStringList &args);

// Prints COMMAND's usage on standard output; false for a command without one.
bool printCommandUsage(const QString &command);
