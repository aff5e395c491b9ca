// Findings as text and JSON: the line of a finding (its teaching entry's template filled with
// its numbers) in English or Chinese, the commands that confirm it, and the JSON the CLI and
// the exports write.
#pragma once

#include "diagnose/finding.h"

#include <QStringList>

#include <string>

namespace tcpscope {

class JsonWriter;

// A number as the line shows it: whole numbers without decimals, others with one, -1 as "?".
QString findingNumberText(double v);
QString findingTitle(const Finding &f, QStringView language);
// Any field of the finding's teaching entry ("meaning", "todo"...) with its values filled in.
QString findingField(const Finding &f, QStringView language, QStringView field);
// "24 CLOSE_WAIT, the oldest 95 s, ..." from findings.json's "line".
QString findingLine(const Finding &f, QStringView language);
// findings.json's "confirm" with {pid} and the numbers filled in, one command an entry.
QStringList findingCommands(const Finding &f, QStringView language);

// {"kind", "level", "subject", "pid", "since", "numbers": {...}, "facts": {...},
//  "sockets": [keys], "line"} for each finding.
void writeFindingsJson(JsonWriter &w, const std::vector<Finding> &findings);
// One block per finding: "WARNING  close-wait-leak  python3 (4242)", its line, its commands.
std::string findingsText(const std::vector<Finding> &findings, QStringView language);

} // namespace tcpscope
