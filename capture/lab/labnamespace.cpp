// The network-namespace part of LabContext (root only): entering a namespace of its own,
// its nftables rules, lo's queue (tc), sysctls, and the capture on its lo.
#include "lab/labcapture.h"
#include "lab/labcontext.h"

#include <QFile>
#include <QProcess>

#include <arpa/inet.h>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace tcpscope {

bool LabContext::enterNamespace()
{
    if (::geteuid() != 0) {
        m_error = QStringLiteral("needs root: it makes a network namespace with nftables rules");
        return false;
    }
    m_namespace = QStringLiteral("tcpscope-lab-%1").arg(::getpid());
    if (QProcess::execute(QStringLiteral("ip"), {u"netns"_qs, u"add"_qs, m_namespace}) != 0) {
        m_error = QStringLiteral("ip netns add %1 failed").arg(m_namespace);
        m_namespace.clear();
        return false;
    }
    const QByteArray path = "/var/run/netns/" + m_namespace.toLocal8Bit();
    const UniqueFd fd(::open(path.constData(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWNET) != 0)
        return fail(QStringLiteral("setns(%1)").arg(m_namespace));
    if (QProcess::execute(QStringLiteral("ip"), {u"link"_qs, u"set"_qs, u"lo"_qs, u"up"_qs}) != 0) {
        m_error = QStringLiteral("cannot bring lo up in %1").arg(m_namespace);
        return false;
    }
    note({u"namespace"_qs, {{u"name"_qs, m_namespace}}});
    startCapture();
    return true;
}

void LabContext::startCapture()
{
    if (!m_captureFd)
        return;
    m_capture = std::make_unique<LabCapture>(m_captureFd.release());
    if (!m_capture->start()) {
        note({u"capture-failed"_qs, {{u"error"_qs, m_capture->error()}}});
        m_capture.reset();
    }
}

bool LabContext::nftScript(const QString &script)
{
    QProcess p;
    p.start(QStringLiteral("nft"), {u"-f"_qs, u"-"_qs});
    p.write(script.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(5000) || p.exitCode() != 0) {
        m_error = QStringLiteral("nft -f: %1")
                      .arg(QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

bool LabContext::setSysctl(const QString &name, const QString &value)
{
    // /proc/sys/net belongs to the namespace of the thread that opens it: ours, after setns.
    QFile f(u"/proc/sys/"_qs + QString(name).replace(u'.', u'/'));
    if (!f.open(QIODevice::WriteOnly) || f.write(value.toLatin1()) < 0 || !f.flush()) {
        m_error = QStringLiteral("sysctl %1=%2: %3").arg(name, value, f.errorString());
        return false;
    }
    return true;
}

bool LabContext::nft(const QStringList &args) { return run(QStringLiteral("nft"), args); }

bool LabContext::run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(5000) || p.exitCode() != 0) {
        m_error = QStringLiteral("%1 %2: %3")
                      .arg(program, args.join(u' '),
                           QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

bool LabContext::sendToSelf(int bytes)
{
    const UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in self{};
    self.sin_family = AF_INET;
    self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof self;
    const std::vector<char> payload(static_cast<size_t>(bytes), 'x');
    if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr *>(&self), len) != 0
        || ::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&self), &len) != 0
        || ::sendto(fd.get(), payload.data(), payload.size(), 0,
                    reinterpret_cast<sockaddr *>(&self), len)
               < 0)
        return fail(QStringLiteral("a datagram to itself on lo"));
    return true;
}

// lo's root qdisc becomes a token bucket that fills at 1 byte/s, and a datagram emptying it
// is sent at once: every packet after it waits in the queue.
bool LabContext::holdLo()
{
    return run(QStringLiteral("tc"),
               {u"qdisc"_qs, u"replace"_qs, u"dev"_qs, u"lo"_qs, u"root"_qs, u"tbf"_qs, u"rate"_qs,
                u"8bit"_qs, u"burst"_qs, u"1000"_qs, u"limit"_qs, u"100000"_qs})
           && sendToSelf(900);
}

// The same bucket filling at 1 Gbit/s (the same limit keeps its queue), and a datagram to run
// the queue: the held packets leave together, in the order they were sent.
bool LabContext::releaseLo()
{
    return run(QStringLiteral("tc"),
               {u"qdisc"_qs, u"change"_qs, u"dev"_qs, u"lo"_qs, u"root"_qs, u"tbf"_qs, u"rate"_qs,
                u"1gbit"_qs, u"burst"_qs, u"100000"_qs, u"limit"_qs, u"100000"_qs})
           && sendToSelf(1);
}

bool LabContext::freeLo()
{
    return run(QStringLiteral("tc"), {u"qdisc"_qs, u"del"_qs, u"dev"_qs, u"lo"_qs, u"root"_qs});
}

} // namespace tcpscope
