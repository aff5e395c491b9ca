// What the kernel table's filter asks of a row: its state among `states` (empty: any; a
// vanished socket, still fading out, is in none), and every word found in its local or remote
// address:port, its process or its state as shown (lower case); a word "pid:N" asks that
// process N hold the socket (not every process of the same name).
#pragma once

#include "tcpstate.h"

#include <QList>
#include <QSet>
#include <QStringList>

namespace tcpscope {

struct SocketFilter
{
    QList<TcpState> states;
    QStringList words;  // lower case, no spaces
    QList<qint64> pids; // from the words "pid:N"
    QSet<quint64> keys; // with byKeys: only these sockets (a finding's evidence)
    bool byKeys = false;

    bool isEmpty() const
    {
        return states.isEmpty() && words.isEmpty() && pids.isEmpty() && !byKeys;
    }
};

} // namespace tcpscope
