#include "packets/interfaces.h"

#include <sys/xattr.h>
#include <unistd.h>

#include <QCoreApplication>

#include <pcap/pcap.h>

namespace tcpscope {

QStringList captureInterfaces()
{
    QStringList out{QStringLiteral("any"), QStringLiteral("lo")};
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_if_t *all = nullptr;
    if (pcap_findalldevs(&all, errbuf) == 0) {
        for (pcap_if_t *d = all; d; d = d->next) {
            const QString name = QString::fromLocal8Bit(d->name);
            if (!out.contains(name) && !(d->flags & PCAP_IF_LOOPBACK && name != u"lo"))
                out << name;
        }
        pcap_freealldevs(all);
    }
    return out;
}

QString captureHelperPath()
{
    const QString env = qEnvironmentVariable("TCPSCOPE_CAPTURE_HELPER");
    return env.isEmpty()
               ? QCoreApplication::applicationDirPath() + QStringLiteral("/tcpscope-capture")
               : env;
}

bool captureLikelyPermitted()
{
    if (::geteuid() == 0)
        return true;
    const QByteArray path = captureHelperPath().toLocal8Bit();
    if (::access(path.constData(), X_OK) != 0)
        return false; // e.g. a packaged helper, and we are not in its group
    return ::getxattr(path.constData(), "security.capability", nullptr, 0) > 0;
}

} // namespace tcpscope
