// A real OpenSSH server (Debian's openssh-server) for one test, on a free loopback port, with
// everything under a temporary directory: a generated host key, a generated client key for
// this user in an authorized_keys of its own, its own sshd_config (-f; -D -e: in the
// foreground, logging to stderr). No system file is read or changed: the client gets its own
// config (-F), key (-i) and known_hosts. As root, sshd needs /run/sshd (privilege separation):
// when the system has none, sshd runs in a private mount namespace with a tmpfs on /run.
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

class TestSshd
{
public:
    static constexpr const char *kSshd = "/usr/sbin/sshd";

    ~TestSshd() { stop(); }

    // Empty when an sshd can be started here, else why not (for QSKIP).
    static QString unavailable()
    {
        if (!QFile::exists(QString::fromLatin1(kSshd)))
            return QStringLiteral("no /usr/sbin/sshd (install openssh-server)");
        if (QStandardPaths::findExecutable(QStringLiteral("ssh")).isEmpty()
            || QStandardPaths::findExecutable(QStringLiteral("ssh-keygen")).isEmpty())
            return QStringLiteral("no ssh or ssh-keygen (install openssh-client)");
        if (::geteuid() == 0 && !QFile::exists(QStringLiteral("/run/sshd"))
            && QStandardPaths::findExecutable(QStringLiteral("unshare")).isEmpty())
            return QStringLiteral("root without /run/sshd and without unshare: sshd cannot run");
        return {};
    }

    // Keys, configs and the first start; false with the reason.
    bool setUp(QString *why)
    {
        if (!m_dir.isValid())
            return fail(why, QStringLiteral("no temporary directory"));
        for (const char *key : {"host_key", "client_key"}) {
            if (QProcess::execute(QStringLiteral("ssh-keygen"),
                                  {QStringLiteral("-q"), QStringLiteral("-t"),
                                   QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
                                   QStringLiteral("-f"), path(key)})
                != 0)
                return fail(why, QStringLiteral("ssh-keygen failed"));
        }
        QFile::copy(path("client_key.pub"), path("authorized_keys"));
        m_port = freePort();
        const passwd *pw = ::getpwuid(::geteuid());
        m_user = QString::fromLocal8Bit(pw ? pw->pw_name : "root");
        write("sshd_config", QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2\n"
                                            "AuthorizedKeysFile %3\nStrictModes no\n"
                                            "PasswordAuthentication no\n"
                                            "KbdInteractiveAuthentication no\nUsePAM no\n"
                                            "PermitRootLogin prohibit-password\nPidFile none\n"
                                            "AllowUsers %4\nLogLevel VERBOSE\n")
                                 .arg(m_port)
                                 .arg(path("host_key"), path("authorized_keys"), m_user));
        write("ssh_config", QStringLiteral("Host *\n  IdentitiesOnly yes\n  IdentityAgent none\n"
                                           "  StrictHostKeyChecking accept-new\n"));
        return start(why);
    }

    bool start(QString *why)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        const QString sshd = QStringLiteral("exec %1 -D -e -f %2")
                                 .arg(QString::fromLatin1(kSshd), path("sshd_config"));
        if (::geteuid() == 0 && !QFile::exists(QStringLiteral("/run/sshd")))
            m_process.start(QStringLiteral("unshare"),
                            {QStringLiteral("-m"), QStringLiteral("--propagation"),
                             QStringLiteral("private"), QStringLiteral("sh"), QStringLiteral("-c"),
                             QStringLiteral("mount -t tmpfs -o mode=755 tcpscope-test /run && "
                                            "mkdir -m 755 /run/sshd && ")
                                 + sshd});
        else
            m_process.start(QStringLiteral("sh"), {QStringLiteral("-c"), sshd});
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            if (m_process.state() == QProcess::NotRunning)
                return fail(why, QStringLiteral("sshd stopped: ") + log());
            if (listening())
                return true;
            m_process.waitForReadyRead(100);
        }
        return fail(why, QStringLiteral("sshd did not listen: ") + log());
    }

    // Kills sshd and every process it started (the sessions and what they run): the client's
    // connection drops as on a crash of the server.
    void killAll()
    {
        const qint64 pid = m_process.processId();
        if (pid <= 0)
            return;
        killTree(pid);
        m_process.waitForFinished(5000);
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning)
            killAll();
    }

    int port() const { return m_port; }
    QString user() const { return m_user; }
    QString target() const { return QStringLiteral("%1@127.0.0.1:%2").arg(m_user).arg(m_port); }
    // ssh's options for this server: its own config, key and known_hosts.
    QStringList clientOptions() const
    {
        return {QStringLiteral("-F"), path("ssh_config"),
                QStringLiteral("-i"), path("client_key"),
                QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + path("known_hosts")};
    }
    QString log() { return QString::fromLocal8Bit(m_log += m_process.readAll()); }

private:
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    void write(const char *name, const QString &text)
    {
        QFile f(path(name));
        f.open(QIODevice::WriteOnly);
        f.write(text.toUtf8());
    }
    static bool fail(QString *why, const QString &text)
    {
        *why = text;
        return false;
    }
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        ::close(fd);
        return ntohs(a.sin_port);
    }
    bool listening() const
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(std::uint16_t(m_port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    }
    // The children of pid, from /proc/PID/task/*/children.
    static QList<qint64> children(qint64 pid)
    {
        QList<qint64> out;
        const QString task = QStringLiteral("/proc/%1/task").arg(pid);
        for (const QString &tid : QDir(task).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile f(task + u'/' + tid + QStringLiteral("/children"));
            if (f.open(QIODevice::ReadOnly)) {
                for (const QByteArray &c : f.readAll().split(' ')) {
                    if (c.trimmed().toLongLong() > 0)
                        out << c.trimmed().toLongLong();
                }
            }
        }
        return out;
    }
    static void killTree(qint64 pid)
    {
        ::kill(pid_t(pid), SIGSTOP); // no new children meanwhile
        for (qint64 c : children(pid))
            killTree(c);
        ::kill(pid_t(pid), SIGKILL);
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_log;
    int m_port = 0;
    QString m_user;
};
