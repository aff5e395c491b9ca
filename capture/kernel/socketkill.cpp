#include "kernel/socketkill.h"

#include "packets/helperaccess.h"

#include <QProcess>

#include <cerrno>
#include <unistd.h>

namespace tcpscope {

SocketKillResult killSocket(const QString &local, const QString &remote, const QString &helper,
                            int timeoutMs)
{
    using Outcome = SocketKillResult::Outcome;
    if (::access(helper.toLocal8Bit().constData(), X_OK) != 0)
        return {Outcome::NoPermission, helperStartAdvice(helper, errno)};
    QProcess p;
    p.start(helper, {QStringLiteral("--kill"), local, remote});
    if (!p.waitForStarted(timeoutMs))
        return {Outcome::Failed, p.errorString()};
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(1000);
        return {Outcome::Failed, QStringLiteral("%1 did not answer").arg(helper)};
    }
    const QString out = QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed();
    const QString err = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
    const int code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    const Outcome outcome = code == 0   ? Outcome::Closed
                            : code == 3 ? Outcome::NoPermission
                            : code == 4 ? Outcome::Unsupported
                            : code == 5 ? Outcome::NotFound
                                        : Outcome::Failed;
    return {outcome, code == 0 ? out : err};
}

} // namespace tcpscope
