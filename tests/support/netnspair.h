// Two network namespaces of the test's own (root only), with real sockets in each: in the
// first a listener and an ESTABLISHED pair, in the second a connection closed by its client,
// so that the client's end waits in TIME_WAIT. Made by entering each namespace on this
// thread (the sockets stay in the namespace they were made in); removed at the end.
#pragma once

#include "support/loopsockets.h"
#include "support/netns.h"

#include <QThread>

#include <memory>
#include <sys/stat.h>

class NetnsPair
{
public:
    NetnsPair()
        : a(std::make_unique<TestNetns>(QStringLiteral("nsA")))
        , b(std::make_unique<TestNetns>(QStringLiteral("nsB")))
    {
        if (!a->ok() || !b->ok() || !a->enter())
            return;
        listener = sockets.listen("127.0.0.1");
        listenPort = LoopSockets::port(listener);
        client = sockets.connect("127.0.0.1", listenPort);
        clientPort = LoopSockets::port(client);
        server = sockets.accept(listener);
        a->leave();
        if (!b->enter())
            return;
        const int l = sockets.listen("127.0.0.1");
        timeWaitServerPort = LoopSockets::port(l);
        const int c = sockets.connect("127.0.0.1", timeWaitServerPort);
        timeWaitPort = LoopSockets::port(c);
        const int s = sockets.accept(l);
        sockets.close(c); // the client closes first: its end goes through TIME_WAIT
        QThread::msleep(50);
        sockets.close(s);
        sockets.close(l);
        b->leave();
        QThread::msleep(100);
        m_ok = listener >= 0 && client >= 0 && server >= 0 && c >= 0 && s >= 0;
    }

    bool ok() const { return m_ok; }
    static quint32 inodeOf(const TestNetns &ns)
    {
        struct stat st
        {};
        const QByteArray path = ("/run/netns/" + ns.name()).toLocal8Bit();
        return ::stat(path.constData(), &st) == 0 ? quint32(st.st_ino) : 0;
    }

    std::unique_ptr<TestNetns> a, b;
    LoopSockets sockets;
    int listener = -1, client = -1, server = -1;
    int listenPort = 0, clientPort = 0;
    int timeWaitServerPort = 0, timeWaitPort = 0;

private:
    bool m_ok = false;
};
