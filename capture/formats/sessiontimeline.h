// The kernel timeline a saved session keeps (sessionfile.h): JSON holding the chart's samples,
// every transition seen, and the last table with its processes and its findings.
#pragma once

#include "kernel/kerneltimeline.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace tcpscope {

QByteArray timelineJson(const KernelTimeline &timeline);
// nullopt with `error` when the JSON is not a session. Records with values out of range (a
// uid of 1e20, a time of 1e300: a damaged or hostile file) are left out: the timeline is
// returned, `error` says how many and which first, and so does the timeline's notice.
std::optional<KernelTimeline> parseTimelineJson(const QByteArray &json, QString *error);

} // namespace tcpscope
