// What the diagnosis tests share: a poll of the real table through the engine, `ss` run in
// the test's namespace (or on the host), and a server process that accepts and never closes.
#pragma once

#include "diagnose/diagnosisengine.h"
#include "support/netns.h"
#include "support/sstext.h"

#include <QTest>

#include <csignal>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct DiagnosisRig
{
    tcpscope::KernelTable table;
    tcpscope::DiagnosisEngine engine;
    TestNetns *ns = nullptr;

    explicit DiagnosisRig(tcpscope::DiagnosisThresholds t = {}, TestNetns *netns = nullptr)
        : engine(t)
        , ns(netns)
    {}

    const std::vector<tcpscope::Finding> &poll()
    {
        return engine.addPoll(tcpscope::pollBatch(table));
    }
    const tcpscope::Finding *find(tcpscope::FindingKind kind, int pid = -1) const
    {
        for (const tcpscope::Finding &f : engine.findings()) {
            if (f.kind == kind && (pid < 0 || f.pid == pid))
                return &f;
        }
        return nullptr;
    }
    // `ss -tanoeH [FILTER]`, in the namespace when there is one, keeping the sockets in
    // `state` (ss's column name: CLOSE-WAIT, TIME-WAIT, LISTEN; empty: all). (With a state
    // filter of its own ss leaves out the State column, so the state is picked here.)
    QList<SsSocket> ss(const QString &state = {}, const QString &filter = {}) const
    {
        QString out;
        QStringList cmd{QStringLiteral("ss"), QStringLiteral("-tanoeH")};
        if (!filter.isEmpty())
            cmd << filter;
        const int rc = ns ? ns->exec(cmd, &out) : TestNetns::run(cmd, &out);
        if (rc != 0)
            qWarning("ss failed: %s", qPrintable(out));
        QList<SsSocket> kept;
        for (const SsSocket &s : parseSsOutput(out)) {
            if (state.isEmpty() || s.state == state)
                kept << s;
        }
        return kept;
    }
};

// A child process that accepts on `listener` and never closes what it accepted; every third
// connection it reads to EOF first (Recv-Q 0 afterwards), the others it never reads.
inline pid_t startLeakyServer(int listener)
{
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlives the test
    for (int i = 0;; ++i) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0)
            continue;
        if (i % 3 == 2) {
            char buf[256];
            while (::read(fd, buf, sizeof buf) > 0) {
            }
        }
    }
}

inline void stopServer(pid_t pid)
{
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// Stops the server however the test function ends.
struct ServerGuard
{
    pid_t pid;
    ~ServerGuard()
    {
        if (pid > 0)
            stopServer(pid);
    }
    void stop()
    {
        stopServer(pid);
        pid = 0;
    }
};
