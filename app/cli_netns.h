// `--netns NAME|PID|all` of snapshot, watch and diagnose, and `tcpscope-cli netns`: this
// host's network namespaces.
#pragma once

#include "formats/snapshotformat.h"
#include "kernel/kerneltable.h"

#include <QStringList>

#include <optional>

// "all": every namespace; digits: the namespace of that process; else an `ip netns` name.
std::optional<tcpscope::NetnsSelection> parseNetnsOption(const QString &value, QString *error);
// The labels of the namespaces the table knows, for "netns_label".
tcpscope::NetnsLabels netnsLabels(const tcpscope::KernelTable &table);

int runNetns(const QStringList &args);
