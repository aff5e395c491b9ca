#include "diagnose/hostfacts.h"

#include "kernel/systemsettings.h"

#include <QDir>
#include <QFile>
#include <QStringList>

#include <algorithm>

namespace tcpscope {

int HostFacts::ephemeralPorts() const
{
    return std::max(0, portHigh - portLow + 1 - reservedInRange);
}

const QStringList &diagnosisCounterNames()
{
    static const QStringList names{
        QStringLiteral("ListenOverflows"),      QStringLiteral("ListenDrops"),
        QStringLiteral("TCPReqQFullDoCookies"), QStringLiteral("TCPReqQFullDrop"),
        QStringLiteral("SyncookiesSent"),       QStringLiteral("SyncookiesFailed"),
        QStringLiteral("TCPAbortOnTimeout"),    QStringLiteral("TCPAbortOnMemory"),
        QStringLiteral("TCPTimeWaitOverflow"),
    };
    return names;
}

int reservedPortsIn(const QString &text, int low, int high)
{
    int n = 0;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QStringList ends = part.trimmed().split(u'-');
        bool ok1 = false, ok2 = true;
        const int a = ends.value(0).toInt(&ok1);
        const int b = ends.size() > 1 ? ends[1].toInt(&ok2) : a;
        if (!ok1 || !ok2)
            continue;
        const int from = std::max(a, low), to = std::min(b, high);
        if (to >= from)
            n += to - from + 1;
    }
    return n;
}

HostFacts hostFactsFrom(const std::function<QByteArray(const QString &)> &read)
{
    auto text = [&](const QString &name) {
        return QString::fromLatin1(read(QStringLiteral("sys/net/ipv4/") + name)).simplified();
    };
    auto number = [&](const QString &name, long fallback) {
        bool ok = false;
        const long v = text(name).toLong(&ok);
        return ok ? v : fallback;
    };
    HostFacts f;
    const QStringList range = text(QStringLiteral("ip_local_port_range")).split(u' ');
    if (range.size() == 2) {
        f.portLow = range[0].toInt();
        f.portHigh = range[1].toInt();
    }
    f.reservedInRange =
        reservedPortsIn(text(QStringLiteral("ip_local_reserved_ports")), f.portLow, f.portHigh);
    f.twReuse = int(number(QStringLiteral("tcp_tw_reuse"), 2));
    f.timestamps = int(number(QStringLiteral("tcp_timestamps"), 1));
    f.syncookies = int(number(QStringLiteral("tcp_syncookies"), 1));
    f.maxOrphans = number(QStringLiteral("tcp_max_orphans"), -1);
    const QStringList sockstat =
        QString::fromLatin1(read(QStringLiteral("net/sockstat"))).simplified().split(u' ');
    const qsizetype at = sockstat.indexOf(QStringLiteral("orphan"));
    if (at >= 0 && at + 1 < sockstat.size())
        f.orphans = sockstat[at + 1].toLong();
    const QByteArray netstat = read(QStringLiteral("net/netstat"));
    if (!netstat.isEmpty()) {
        QStringList wanted;
        for (const QString &n : diagnosisCounterNames())
            wanted << QStringLiteral("TcpExt.") + n;
        for (const SettingValue &v : parseNetstat(netstat, wanted)) {
            if (v.value)
                f.counters.insert(v.name.mid(7), v.value->toLongLong());
        }
    }
    return f;
}

HostFacts readHostFacts(const QString &procRoot)
{
    // /proc/self/net follows the reading thread's namespace only for the main thread; the
    // poller's thread reads /proc/thread-self/net when it exists.
    const QString net = QFile::exists(procRoot + QStringLiteral("/thread-self/net"))
                            ? procRoot + QStringLiteral("/thread-self/")
                            : procRoot + QStringLiteral("/");
    return hostFactsFrom([&](const QString &name) {
        QFile file((name.startsWith(u"net/") ? net : procRoot + u'/') + name);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    });
}

DescriptorUsage readDescriptorUsage(int pid, const QString &procRoot)
{
    DescriptorUsage u;
    const QString base = procRoot + u'/' + QString::number(pid);
    QDir fds(base + QStringLiteral("/fd"));
    if (fds.exists())
        u.open = long(fds.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
    QFile limits(base + QStringLiteral("/limits"));
    if (limits.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : limits.readAll().split('\n')) {
            if (!line.startsWith("Max open files"))
                continue;
            const QList<QByteArray> f = line.mid(14).simplified().split(' ');
            bool ok = false;
            const long soft = f.value(0).toLong(&ok);
            if (ok)
                u.limit = soft;
        }
    }
    return u;
}

} // namespace tcpscope
