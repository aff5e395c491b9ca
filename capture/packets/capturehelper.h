// Runs the privileged capture helper (tcpscope-capture) as a child process: its standard
// output is the pcap stream to read, its standard error carries drop statistics and, when
// it cannot capture, the one message that says why and how to grant the capability.
#pragma once

#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <sys/types.h>
#include <thread>

namespace tcpscope {

class CaptureHelper
{
public:
    CaptureHelper() = default;
    ~CaptureHelper();
    CaptureHelper(const CaptureHelper &) = delete;
    CaptureHelper &operator=(const CaptureHelper &) = delete;

    bool start(const QString &program, const QStringList &args, QString *error);
    // The pcap stream; the caller owns the FILE* from now on.
    FILE *takeOutput();
    // Stops the helper after `seconds` (0: never), and on SIGINT/SIGTERM to this process.
    void stopAfter(double seconds);
    // Asks the helper to stop (SIGTERM) and returns at once; a helper that has not exited
    // kKillAfterMs later is killed (SIGKILL): libpcap compiling a filter does not stop on
    // SIGTERM.
    void stop();
    static constexpr int kKillAfterMs = 2000;
    int wait(); // the helper's exit code (128 + N when killed by signal N)
    int termSignal() const { return m_signal; } // after wait(): the signal that killed it, or 0
    // stop() was called, or the user's SIGINT/SIGTERM was forwarded to it (stopAfter()).
    bool stoppedByUs() const;

    QString errorText() const; // what it said besides statistics
    QString lastStats() const; // "received=N dropped=N ifdropped=N"

private:
    void readErrors();
    void killUnlessExited();
    void signalHelper(int sig);

    pid_t m_pid = -1;
    int m_pidfd = -1; // the helper as a pidfd: signals never reach a recycled pid
    FILE *m_out = nullptr;
    int m_errFd = -1;
    std::thread m_errReader;
    std::thread m_timer;
    std::thread m_killer;   // started by stop(): SIGKILL after kKillAfterMs
    std::mutex m_exitMutex; // m_exited, m_killer and m_pidfd between stop() and wait()
    std::atomic<bool> m_stopped{false};
    std::atomic<bool> m_exited{false};
    mutable std::mutex m_mutex; // the texts
    QString m_errorText;
    QString m_lastStats;
    int m_status = -1;
    int m_signal = 0;
};

} // namespace tcpscope
