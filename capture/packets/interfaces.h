// The interfaces libpcap can capture on (no privilege needed to list them).
#pragma once

#include <QStringList>

namespace tcpscope {

// "any" and "lo" first, then the rest as pcap_findalldevs lists them.
QStringList captureInterfaces();

// Where the capture helper is: $TCPSCOPE_CAPTURE_HELPER, else beside this program.
QString captureHelperPath();

// Can the helper capture without asking? (We are root, or it carries file capabilities.) A
// guess for starting a capture unasked; the helper itself still says what is wrong.
bool captureLikelyPermitted();

} // namespace tcpscope
