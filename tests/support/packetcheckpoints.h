// What tst_packetengine compares: the checkpoints that tests/fixtures/record_packet_fixtures.py
// recorded beside each capture (ss at each moment), the capture's segments, and our states
// against ss's. Header-only, for the packet engine's tests.
#pragma once

#include "packets/capturereader.h"
#include "support/sstext.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <vector>

namespace tcpscope::packetcheck {

inline const QString kDir = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

// Every checkpoint of every capture variant: (capture, time, sockets, unknowable).
inline void addCheckpointRows(bool withUnknowable)
{
    QTest::addColumn<QString>("capture");
    QTest::addColumn<double>("time");
    QTest::addColumn<QJsonArray>("sockets");
    const QStringList checkpoints = QDir(kDir).entryList({QStringLiteral("*.checkpoints.json")});
    QVERIFY(checkpoints.size() >= 20);
    for (const QString &cp : checkpoints) {
        const QString scenario = cp.section(u'.', 0, 0);
        QFile f(kDir + cp);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray points =
            QJsonDocument::fromJson(f.readAll()).object()[u"checkpoints"].toArray();
        for (const QString &variant :
             QDir(kDir).entryList({scenario + QStringLiteral(".*.pcap*")})) {
            for (const QJsonValue &p : points) {
                const QJsonObject o = p.toObject();
                if (o[u"packets_hidden"].toBool())
                    continue; // nftables held the segments back before any capture saw them
                if (!withUnknowable && o[u"unknowable"].isString())
                    continue; // the packets so far cannot tell (the recorder says why)
                QTest::addRow("%s @ %s", qPrintable(variant), qPrintable(o[u"label"].toString()))
                    << variant << o[u"time"].toDouble() << o[u"sockets"].toArray();
            }
        }
    }
}

inline std::vector<Segment> readSegments(const QString &capture)
{
    CaptureReader reader;
    QString error;
    std::vector<Segment> segments;
    if (!reader.open(kDir + capture, &error) || !reader.read(nullptr, &segments, &error))
        qWarning("%s", qPrintable(error));
    return segments;
}

inline QString tupleKey(const Connection &c, std::size_t e)
{
    return endpointText(c.address[e], c.port[e]) + u' '
           + endpointText(c.address[1 - e], c.port[1 - e]);
}

// Compares our endpoints' states ("local remote" → state) with ss's sockets; empty when
// they agree, else what differs. An endpoint the kernel does not list must be CLOSED (or
// LISTEN: the listener's own socket, which has no 4-tuple).
inline QString disagreement(const QHash<QString, TcpState> &ours, const QJsonArray &sockets)
{
    QHash<QString, QString> kernel;
    for (const QJsonValue &v : sockets) {
        const QJsonObject o = v.toObject();
        kernel.insert(o[u"local"].toString() + u' ' + o[u"remote"].toString(),
                      o[u"state"].toString());
    }
    QStringList out;
    for (auto it = ours.constBegin(); it != ours.constEnd(); ++it) {
        const QString we = QString::fromLatin1(names(it.value()).rfc);
        const auto k = kernel.constFind(it.key());
        if (k == kernel.constEnd()) {
            if (it.value() != TcpState::Closed && it.value() != TcpState::Listen)
                out << it.key() + QStringLiteral(": we say ") + we
                           + QStringLiteral(", the kernel has no such socket");
        } else if (parseTcpState(*k).value_or(TcpState::Closed) != it.value()) {
            out << it.key() + QStringLiteral(": we say ") + we + QStringLiteral(", the kernel ")
                       + *k;
        }
    }
    return out.join(QStringLiteral("; "));
}

// Each endpoint's changes chain (from = the previous to), revisions and withdrawals included;
// empty when they do.
inline QString chained(const TcpTracker &tracker)
{
    QHash<quint64, TcpState> last;
    for (const StateChange &c : tracker.changes()) {
        const quint64 key = quint64(c.connection) << 1 | c.endpoint;
        if (last.contains(key) && last[key] != c.from)
            return QStringLiteral("connection %1 endpoint %2: %3 after %4")
                .arg(c.connection)
                .arg(c.endpoint)
                .arg(QString::fromLatin1(names(c.from).rfc),
                     QString::fromLatin1(names(last[key]).rfc));
        last[key] = c.to;
    }
    return {};
}

} // namespace tcpscope::packetcheck
