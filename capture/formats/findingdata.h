// Findings as data: the `findings` table of File ▸ Export data and `tcpscope --export` (one
// row per finding, typed columns, docs/export-schema.md), and the findings a saved session
// keeps (JSON inside the session's kernel timeline) and gives back when it is reopened.
#pragma once

#include "diagnose/finding.h"
#include "formats/dataexport.h"

#include <QJsonArray>

namespace tcpscope {

// Fixed columns (key, kind, level, subject, pid, state, since, socket_count, socket_keys,
// line), then one column per number and per fact the findings have, in order of first
// appearance; a finding without one has an empty cell (JSON null), as has an unknown (-1).
DataTable findingsTable(const std::vector<Finding> &findings);

QJsonArray findingsJson(const std::vector<Finding> &findings);
// What a session file holds; entries that are not findings (an unknown kind, a number that
// is not finite, a damaged or hostile file) are left out and counted in `rejected`.
std::vector<Finding> findingsFromJson(const QJsonArray &array, int *rejected = nullptr);

} // namespace tcpscope
