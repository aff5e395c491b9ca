// The versions of tcpscope and the libraries it runs with, as `--version` and the About box
// print them.
#pragma once

#include <QString>

namespace tcpscope {

QString tcpscopeVersion();
QString qtVersion();          // the Qt run-time version (qVersion())
QString libpcapVersion();     // pcap_lib_version(), e.g. "libpcap version 1.10.3 (with TPACKET_V3)"
QString qcustomplotVersion(); // the QCustomPlot version tcpscope was built against

// One line each, "tcpscope 0.1.0", "Qt 6.4.2", "libpcap 1.10.3 (with TPACKET_V3)",
// "QCustomPlot 2.1.0": the text of `--version`.
QString versionText(const QString &program);

} // namespace tcpscope
