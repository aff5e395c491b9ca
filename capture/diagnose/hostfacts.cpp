#include "diagnose/hostfacts.h"

#include "kernel/systemsettings.h"

#include <QDir>
#include <QFile>
#include <QStringList>

#include <algorithm>

namespace tcpscope {

namespace {

QString readText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.readAll()).simplified();
}

long readNumber(const QString &path, long fallback)
{
    bool ok = false;
    const long v = readText(path).toLong(&ok);
    return ok ? v : fallback;
}

} // namespace

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

HostFacts readHostFacts(const QString &procRoot)
{
    HostFacts f;
    const QString sys = procRoot + QStringLiteral("/sys/net/ipv4/");
    const QStringList range = readText(sys + QStringLiteral("ip_local_port_range")).split(u' ');
    if (range.size() == 2) {
        f.portLow = range[0].toInt();
        f.portHigh = range[1].toInt();
    }
    f.reservedInRange = reservedPortsIn(readText(sys + QStringLiteral("ip_local_reserved_ports")),
                                        f.portLow, f.portHigh);
    f.twReuse = int(readNumber(sys + QStringLiteral("tcp_tw_reuse"), 2));
    f.timestamps = int(readNumber(sys + QStringLiteral("tcp_timestamps"), 1));
    f.syncookies = int(readNumber(sys + QStringLiteral("tcp_syncookies"), 1));
    f.maxOrphans = readNumber(sys + QStringLiteral("tcp_max_orphans"), -1);
    // /proc/self/net follows the reading thread's namespace only for the main thread; the
    // poller's thread reads /proc/thread-self/net when it exists.
    const QString net = QFile::exists(procRoot + QStringLiteral("/thread-self/net"))
                            ? procRoot + QStringLiteral("/thread-self/net")
                            : procRoot + QStringLiteral("/net");
    const QStringList sockstat = readText(net + QStringLiteral("/sockstat")).split(u' ');
    const qsizetype at = sockstat.indexOf(QStringLiteral("orphan"));
    if (at >= 0 && at + 1 < sockstat.size())
        f.orphans = sockstat[at + 1].toLong();
    QFile netstat(net + QStringLiteral("/netstat"));
    if (netstat.open(QIODevice::ReadOnly)) {
        QStringList wanted;
        for (const QString &n : diagnosisCounterNames())
            wanted << QStringLiteral("TcpExt.") + n;
        for (const SettingValue &v : parseNetstat(netstat.readAll(), wanted)) {
            if (v.value)
                f.counters.insert(v.name.mid(7), v.value->toLongLong());
        }
    }
    return f;
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
