// Reads what `ss -tanoeH` prints: the kernel's own tool, the reference the poller's records
// are checked against.
#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

struct SsSocket
{
    QString state; // ss's column name: ESTAB, TIME-WAIT...
    quint32 recvQ = 0;
    quint32 sendQ = 0;
    QString localAddress;
    quint16 localPort = 0;
    QString remoteAddress;
    quint16 remotePort = 0;
    QString timerKind; // "timewait", "keepalive", "on", "persist" or empty
    double timerSeconds = -1;
    int timerCount = -1; // the timer's third field: retransmissions / probes so far
    quint64 inode = 0;
    quint64 cookie = 0;
    quint32 uid = 0;
};

// "[::1]:8080" / "127.0.0.1:*" → address and port (0 for *).
inline void splitEndpoint(const QString &s, QString *address, quint16 *port)
{
    const qsizetype colon = s.lastIndexOf(u':');
    QString a = s.left(colon);
    if (a.startsWith(u'[') && a.endsWith(u']'))
        a = a.mid(1, a.size() - 2);
    if (a == u"*")
        a = QStringLiteral("0.0.0.0");
    const qsizetype pct = a.indexOf(u'%'); // "::1%lo"
    if (pct >= 0)
        a.truncate(pct);
    *address = a;
    const QString p = s.mid(colon + 1);
    *port = p == u"*" ? 0 : p.toUShort();
}

// "timer:(timewait,59sec,0)", "timer:(keepalive,1min59sec,0)", "timer:(on,200ms,0)"
inline double ssDurationSeconds(QString t)
{
    double total = 0;
    QString num;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const QChar c = t[i];
        if (c.isDigit() || c == u'.') {
            num += c;
            continue;
        }
        QString unit;
        while (i < t.size() && t[i].isLetter())
            unit += t[i++];
        --i;
        const double v = num.toDouble();
        num.clear();
        if (unit == u"ms")
            total += v / 1000;
        else if (unit == u"sec")
            total += v;
        else if (unit == u"min")
            total += v * 60;
        else if (unit == u"h")
            total += v * 3600;
    }
    return total;
}

inline QList<SsSocket> parseSsOutput(const QString &text)
{
    QList<SsSocket> out;
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
        const QStringList f = line.simplified().split(u' ');
        if (f.size() < 5)
            continue;
        SsSocket s;
        s.state = f[0];
        s.recvQ = f[1].toUInt();
        s.sendQ = f[2].toUInt();
        splitEndpoint(f[3], &s.localAddress, &s.localPort);
        splitEndpoint(f[4], &s.remoteAddress, &s.remotePort);
        for (qsizetype i = 5; i < f.size(); ++i) {
            const QString &tok = f[i];
            if (tok.startsWith(u"timer:(")) {
                const QStringList parts = tok.mid(7, tok.size() - 8).split(u',');
                s.timerKind = parts.value(0);
                s.timerSeconds = ssDurationSeconds(parts.value(1));
                s.timerCount = parts.value(2, QStringLiteral("-1")).toInt();
            } else if (tok.startsWith(u"ino:")) {
                s.inode = tok.mid(4).toULongLong();
            } else if (tok.startsWith(u"sk:")) {
                s.cookie = tok.mid(3).toULongLong(nullptr, 16);
            } else if (tok.startsWith(u"uid:")) {
                s.uid = tok.mid(4).toUInt();
            }
        }
        out.append(s);
    }
    return out;
}
