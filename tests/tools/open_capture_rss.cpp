// open_capture_rss [--allow-special-files] [--session-only] [--limit-mb N] PATH: opens PATH
// through the real open path of the window (openCaptureFile: the session timeline, then the
// packets; --session-only: readSessionTimeline alone, whatever PATH is) and prints what came
// back and the process's peak resident memory, for tests that bound it:
//   error=...        session_error=...        packets=N        vmhwm_kb=N
// --limit-mb caps the address space (RLIMIT_AS), so that a reader that grows without bound
// fails in a second instead of taking the machine's memory.
#include "packets/captureopener.h"

#include <QCoreApplication>
#include <QFile>

#include <cstdio>
#include <sys/resource.h>

namespace {

long peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    const bool allow = args.removeAll(QStringLiteral("--allow-special-files")) > 0;
    const bool sessionOnly = args.removeAll(QStringLiteral("--session-only")) > 0;
    if (const qsizetype i = args.indexOf(QStringLiteral("--limit-mb"));
        i >= 0 && i + 1 < args.size()) {
        const rlim_t bytes = rlim_t(args.at(i + 1).toULongLong()) << 20;
        const rlimit limit{bytes, bytes};
#ifndef __SANITIZE_ADDRESS__ // ASan reserves terabytes of address space for its shadow
        setrlimit(RLIMIT_AS, &limit);
#else
        (void)limit;
#endif
        args.remove(i, 2);
    }
    if (args.size() != 1) {
        std::fprintf(stderr,
                     "usage: open_capture_rss [--allow-special-files] [--limit-mb N] PATH\n");
        return 2;
    }
    tcpscope::OpenedCapture o;
    if (sessionOnly)
        o.session = tcpscope::readSessionTimeline(args.first(), &o.sessionError);
    else
        o = tcpscope::openCaptureFile(args.first(), allow);
    std::printf("error=%s\nsession_error=%s\npackets=%llu\nvmhwm_kb=%ld\n",
                qPrintable(o.packets.error), qPrintable(o.sessionError),
                static_cast<unsigned long long>(o.packets.packets), peakRssKb());
    return 0;
}
