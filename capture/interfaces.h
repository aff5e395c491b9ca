// The interfaces libpcap can capture on (no privilege needed to list them).
#pragma once

#include <QStringList>

namespace tcpscope {

// "any" and "lo" first, then the rest as pcap_findalldevs lists them.
QStringList captureInterfaces();

// Where the capture helper is: $TCPSCOPE_CAPTURE_HELPER, else beside this program.
QString captureHelperPath();

} // namespace tcpscope
