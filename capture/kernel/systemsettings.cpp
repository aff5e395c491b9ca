#include "kernel/systemsettings.h"

#include <QFile>
#include <QHash>

namespace tcpscope {

const QStringList &explainedSysctls()
{
    static const QStringList names{
        QStringLiteral("net.ipv4.tcp_fin_timeout"),
        QStringLiteral("net.ipv4.tcp_tw_reuse"),
        QStringLiteral("net.ipv4.tcp_max_tw_buckets"),
        QStringLiteral("net.ipv4.tcp_ehash_entries"),
        QStringLiteral("net.ipv4.ip_local_port_range"),
        QStringLiteral("net.ipv4.tcp_keepalive_time"),
        QStringLiteral("net.ipv4.tcp_keepalive_intvl"),
        QStringLiteral("net.ipv4.tcp_keepalive_probes"),
        QStringLiteral("net.ipv4.tcp_syncookies"),
        QStringLiteral("net.ipv4.tcp_max_syn_backlog"),
        QStringLiteral("net.core.somaxconn"),
        QStringLiteral("net.ipv4.tcp_orphan_retries"),
        QStringLiteral("net.ipv4.tcp_syn_retries"),
        QStringLiteral("net.ipv4.tcp_synack_retries"),
        QStringLiteral("net.ipv4.tcp_syn_linear_timeouts"),
        QStringLiteral("net.ipv4.tcp_tw_reuse_delay"),
        QStringLiteral("net.ipv4.tcp_retries1"),
        QStringLiteral("net.ipv4.tcp_retries2"),
        QStringLiteral("net.ipv4.tcp_rfc1337"),
        QStringLiteral("net.ipv4.tcp_abort_on_overflow"),
        QStringLiteral("net.ipv4.tcp_max_orphans"),
        QStringLiteral("net.ipv4.tcp_timestamps"),
        QStringLiteral("net.ipv4.ip_local_reserved_ports"),
    };
    return names;
}

const QStringList &diagnosisCounters()
{
    static const QStringList names{
        QStringLiteral("TcpExt.ListenOverflows"),      QStringLiteral("TcpExt.ListenDrops"),
        QStringLiteral("TcpExt.TCPTimeWaitOverflow"),  QStringLiteral("TcpExt.TCPReqQFullDrop"),
        QStringLiteral("TcpExt.TCPReqQFullDoCookies"), QStringLiteral("TcpExt.TCPAbortOnTimeout"),
        QStringLiteral("TcpExt.TCPAbortOnClose"),      QStringLiteral("TcpExt.TCPAbortOnData"),
        QStringLiteral("TcpExt.TCPAbortOnLinger"),     QStringLiteral("TcpExt.TW"),
        QStringLiteral("TcpExt.TWRecycled"),           QStringLiteral("TcpExt.TWKilled"),
        QStringLiteral("TcpExt.SyncookiesSent"),
    };
    return names;
}

std::vector<SettingValue> readSysctls(const QString &procRoot)
{
    std::vector<SettingValue> out;
    for (const QString &name : explainedSysctls()) {
        QFile f(procRoot + QStringLiteral("/sys/") + QString(name).replace(u'.', u'/'));
        SettingValue v{name, std::nullopt};
        if (f.open(QIODevice::ReadOnly))
            v.value = QString::fromLatin1(f.readAll()).simplified();
        out.push_back(v);
    }
    return out;
}

std::vector<SettingValue> parseNetstat(const QByteArray &text, const QStringList &wanted)
{
    QHash<QString, QString> all;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i + 1 < lines.size(); i += 2) {
        const QList<QByteArray> names = lines[i].simplified().split(' ');
        const QList<QByteArray> values = lines[i + 1].simplified().split(' ');
        if (names.isEmpty() || values.isEmpty() || names.first() != values.first())
            break; // not a header/value pair: stop rather than misattribute
        QString group = QString::fromLatin1(names.first());
        group.chop(1); // "TcpExt:" → "TcpExt"
        for (qsizetype k = 1; k < names.size() && k < values.size(); ++k)
            all.insert(group + u'.' + QString::fromLatin1(names[k]),
                       QString::fromLatin1(values[k]));
    }
    std::vector<SettingValue> out;
    for (const QString &name : wanted) {
        const auto it = all.constFind(name);
        out.push_back({name, it == all.constEnd() ? std::nullopt : std::optional(*it)});
    }
    return out;
}

std::vector<SettingValue> readNetstatCounters(const QString &procRoot)
{
    QFile f(procRoot + QStringLiteral("/net/netstat"));
    const QByteArray text = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    return parseNetstat(text, diagnosisCounters());
}

} // namespace tcpscope
