// A network namespace of the test's own (root only), which the calling thread can enter and
// leave: sockets and netlink sockets made inside belong to it, so tests see only their own
// sockets and can drop packets with nftables without touching the host.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

class TestNetns
{
public:
    // Empty string when the namespace could not be made (not root, no `ip`).
    static bool canCreate() { return ::geteuid() == 0; }

    explicit TestNetns(const QString &tag)
        : m_name(QStringLiteral("tcpscope-%1-%2").arg(tag).arg(::getpid()))
    {
        QString ignored; // a namespace left over by a crashed run
        run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("del"), m_name},
            &ignored);
        if (run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("add"), m_name})
            != 0)
            return;
        if (exec({QStringLiteral("ip"), QStringLiteral("link"), QStringLiteral("set"),
                  QStringLiteral("lo"), QStringLiteral("up")})
            != 0)
            return;
        m_ok = true;
    }
    ~TestNetns()
    {
        leave();
        if (m_ok)
            run({QStringLiteral("ip"), QStringLiteral("netns"), QStringLiteral("del"), m_name});
    }
    TestNetns(const TestNetns &) = delete;
    TestNetns &operator=(const TestNetns &) = delete;

    bool ok() const { return m_ok; }
    QString name() const { return m_name; }

    // Runs a command inside the namespace; its exit code (-1 if it could not start).
    int exec(const QStringList &command, QString *output = nullptr, const QByteArray &input = {})
    {
        return run(QStringList{QStringLiteral("ip"), QStringLiteral("netns"),
                               QStringLiteral("exec"), m_name}
                       + command,
                   output, input);
    }
    int nft(const QByteArray &ruleset)
    {
        return exec({QStringLiteral("nft"), QStringLiteral("-f"), QStringLiteral("-")}, nullptr,
                    ruleset);
    }

    // Moves the calling thread into the namespace / back to where it was.
    bool enter()
    {
        if (m_home >= 0)
            return true;
        m_home = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        const QByteArray path = ("/run/netns/" + m_name).toLocal8Bit();
        const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
        const bool ok = fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0;
        if (fd >= 0)
            ::close(fd);
        return ok;
    }
    void leave()
    {
        if (m_home < 0)
            return;
        ::setns(m_home, CLONE_NEWNET);
        ::close(m_home);
        m_home = -1;
    }

    static int run(const QStringList &command, QString *output = nullptr,
                   const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(command.first(), command.mid(1));
        if (!p.waitForStarted())
            return -1;
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        p.waitForFinished(30000);
        if (output)
            *output = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private:
    QString m_name;
    bool m_ok = false;
    int m_home = -1;
};
