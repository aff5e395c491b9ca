// The network-namespace part of LabContext (root only): entering a namespace of its own,
// its nftables rules and sysctls, and the capture on its lo.
#include "lab/labcapture.h"
#include "lab/labcontext.h"

#include <QFile>
#include <QProcess>

#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

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

bool LabContext::nft(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("nft"), args);
    if (!p.waitForFinished(5000) || p.exitCode() != 0) {
        m_error =
            QStringLiteral("nft %1: %2")
                .arg(args.join(u' '), QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

} // namespace tcpscope
