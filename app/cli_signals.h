// Ends a command's event loop cleanly on SIGINT/SIGTERM, and when standard output's reader
// goes away (SIGPIPE): the handler writes to a pipe, a notifier on it quits the loop.
#pragma once

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <memory>
#include <unistd.h>

// The notifier to keep alive while the loop runs; null if no pipe could be made.
inline std::unique_ptr<QSocketNotifier> quitOnSignals()
{
    static int pipeFds[2] = {-1, -1};
    if (pipeFds[0] < 0 && ::pipe(pipeFds) != 0)
        return nullptr;
    auto onSignal = [](int) {
        const char c = 1;
        [[maybe_unused]] auto n = ::write(pipeFds[1], &c, 1);
    };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, onSignal);
    auto stop = std::make_unique<QSocketNotifier>(pipeFds[0], QSocketNotifier::Read);
    QObject::connect(stop.get(), &QSocketNotifier::activated, qApp,
                     [] { QCoreApplication::quit(); });
    return stop;
}
