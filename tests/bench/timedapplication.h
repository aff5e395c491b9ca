// A QApplication that, with TCPSCOPE_SLOW_EVENTS=MS in the environment, prints to stderr every
// outermost event of the GUI thread that took longer than MS milliseconds: its type and its
// receiver's class. A benchmark's stall figure says how long; this says which handler.
#pragma once

#include <QApplication>
#include <QElapsedTimer>

#include <cstdio>

namespace tcpscope::bench {

class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;
    qint64 slowNs = qgetenv("TCPSCOPE_SLOW_EVENTS").toLongLong() * 1'000'000;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (slowNs <= 0 || m_depth > 0)
            return QApplication::notify(receiver, event);
        const int type = int(event->type());
        const char *cls = receiver->metaObject()->className();
        QElapsedTimer t;
        t.start();
        ++m_depth;
        const bool done = QApplication::notify(receiver, event);
        --m_depth;
        if (t.nsecsElapsed() > slowNs)
            std::fprintf(stderr, "slow event: %6.1f ms  type %d  %s\n", t.nsecsElapsed() / 1e6,
                         type, cls);
        return done;
    }

private:
    int m_depth = 0;
};

} // namespace tcpscope::bench
