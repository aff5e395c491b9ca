#include "versions.h"

#include "buildinfo.h"

#include <pcap/pcap.h>

#include <QtGlobal>

namespace tcpscope {

QString tcpscopeVersion() { return QStringLiteral(TCPSCOPE_VERSION); }

QString qtVersion() { return QString::fromLatin1(qVersion()); }

QString libpcapVersion()
{
    QString v = QString::fromLatin1(pcap_lib_version());
    const QString prefix = QStringLiteral("libpcap version ");
    if (v.startsWith(prefix))
        v = v.mid(prefix.size());
    return v;
}

QString qcustomplotVersion() { return QStringLiteral(TCPSCOPE_QCUSTOMPLOT_VERSION); }

QString versionText(const QString &program)
{
    return QStringLiteral("%1 %2\nQt %3\nlibpcap %4\nQCustomPlot %5\n")
        .arg(program, tcpscopeVersion(), qtVersion(), libpcapVersion(), qcustomplotVersion());
}

} // namespace tcpscope
