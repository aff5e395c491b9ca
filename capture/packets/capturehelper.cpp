#include "packets/capturehelper.h"

#include "packets/helperaccess.h"
#include "packets/helperprotocol.h"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <vector>

extern char **environ;

namespace tcpscope {

namespace {
std::atomic<pid_t> g_child{-1};

// pidfds through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C".
int openPidfd(pid_t pid) { return int(::syscall(SYS_pidfd_open, pid, 0)); }
void signalPidfd(int pidfd, int sig) { ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0); }

std::atomic<bool> g_forwarded{false}; // the user's SIGINT/SIGTERM stopped the capture

void forwardSignal(int)
{
    g_forwarded = true;
    const pid_t p = g_child.load();
    if (p > 0)
        ::kill(p, SIGTERM);
}
} // namespace

CaptureHelper::~CaptureHelper()
{
    if (m_pid > 0 && !m_exited)
        stop();
    wait();
    if (m_out)
        std::fclose(m_out);
}

bool CaptureHelper::start(const QString &program, const QStringList &args, QString *error)
{
    if (::access(program.toLocal8Bit().constData(), X_OK) != 0) {
        *error = helperStartAdvice(program, errno);
        return false;
    }
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        *error = QStringLiteral("cannot make a pipe: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::vector<QByteArray> storage{program.toLocal8Bit()};
    for (const QString &a : args)
        storage.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &s : storage)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        m_pid = -1;
        *error = QStringLiteral("cannot start %1: %2")
                     .arg(program, QString::fromLocal8Bit(std::strerror(rc)));
        return false;
    }
    g_child = m_pid;
    m_pidfd = openPidfd(m_pid); // -1 on kernels before 5.3: plain kill() then
    m_out = ::fdopen(out[0], "rb");
    m_errFd = err[0];
    m_errReader = std::thread([this] { readErrors(); });
    return true;
}

// The helper's standard error, line by line: stats lines (helperprotocol.h) and messages.
void CaptureHelper::readErrors()
{
    std::string buf;
    char chunk[512];
    ssize_t n;
    while ((n = ::read(m_errFd, chunk, sizeof chunk)) > 0) {
        buf.append(chunk, std::size_t(n));
        std::size_t nl;
        while ((nl = buf.find('\n')) != std::string::npos) {
            const std::optional<helperprotocol::Stats> stats =
                helperprotocol::parseStats(std::string_view(buf.data(), nl));
            const QString line = QString::fromLocal8Bit(buf.data(), qsizetype(nl));
            buf.erase(0, nl + 1);
            std::lock_guard lock(m_mutex);
            if (stats)
                m_lastStats = QString::fromStdString(helperprotocol::statsText(*stats));
            else
                m_errorText += line + u'\n';
        }
    }
    ::close(m_errFd);
}

FILE *CaptureHelper::takeOutput()
{
    FILE *f = m_out;
    m_out = nullptr;
    return f;
}

bool CaptureHelper::stoppedByUs() const { return m_stopped || g_forwarded; }

void CaptureHelper::stopAfter(double seconds)
{
    std::signal(SIGINT, forwardSignal);
    std::signal(SIGTERM, forwardSignal);
    if (seconds <= 0)
        return;
    m_timer = std::thread([this, seconds] {
        const auto until = std::chrono::steady_clock::now()
                           + std::chrono::milliseconds(std::int64_t(seconds * 1000));
        while (!m_exited && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!m_exited)
            stop();
    });
}

void CaptureHelper::signalHelper(int sig)
{
    if (m_pidfd >= 0)
        signalPidfd(m_pidfd, sig);
    else if (m_pid > 0)
        ::kill(m_pid, sig);
}

void CaptureHelper::stop()
{
    m_stopped = true;
    std::lock_guard lock(m_exitMutex);
    if (m_pid <= 0 || m_exited)
        return;
    signalHelper(SIGTERM);
    if (!m_killer.joinable())
        m_killer = std::thread([this] { killUnlessExited(); });
}

// Waits up to kKillAfterMs for the helper to exit after SIGTERM, then kills it. Never reaps:
// wait() does.
void CaptureHelper::killUnlessExited()
{
    if (m_pidfd >= 0) {
        pollfd p{m_pidfd, POLLIN, 0}; // readable once the process has exited
        int r;
        while ((r = ::poll(&p, 1, kKillAfterMs)) < 0 && errno == EINTR) {
        }
        if (r == 0)
            signalPidfd(m_pidfd, SIGKILL);
        return;
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kKillAfterMs);
    siginfo_t info{};
    while (std::chrono::steady_clock::now() < until) {
        info.si_pid = 0;
        if (::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
            && info.si_pid != 0)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::lock_guard lock(m_exitMutex);
    if (!m_exited)
        ::kill(m_pid, SIGKILL);
}

int CaptureHelper::wait()
{
    if (m_pid > 0 && !m_exited) {
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        m_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        std::lock_guard lock(m_exitMutex);
        m_exited = true;
        g_child = -1;
    }
    if (m_timer.joinable())
        m_timer.join();
    std::thread killer;
    {
        std::lock_guard lock(m_exitMutex);
        killer = std::move(m_killer);
    }
    if (killer.joinable())
        killer.join();
    {
        std::lock_guard lock(m_exitMutex);
        if (m_exited && m_pidfd >= 0) {
            ::close(m_pidfd);
            m_pidfd = -1;
        }
    }
    if (m_errReader.joinable())
        m_errReader.join();
    return m_status;
}

QString CaptureHelper::errorText() const
{
    std::lock_guard lock(m_mutex);
    return m_errorText;
}

QString CaptureHelper::lastStats() const
{
    std::lock_guard lock(m_mutex);
    return m_lastStats;
}

} // namespace tcpscope
