#include "kernel/netnssockdiag.h"

#include "kernel/sockdiag.h"
#include "packets/helperaccess.h"

#include <QCoreApplication>
#include <QProcess>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace tcpscope {

QString netnsHelperPath()
{
    const QString env = qEnvironmentVariable("TCPSCOPE_NETNS_HELPER");
    return env.isEmpty()
               ? QCoreApplication::applicationDirPath() + QStringLiteral("/tcpscope-netns")
               : env;
}

std::optional<NetnsTarget> NetnsTarget::parse(const QString &text, QString *error)
{
    const QByteArray bytes = text.toUtf8();
    NetnsTarget t;
    bool digits = !bytes.isEmpty();
    for (const char c : bytes)
        digits = digits && c >= '0' && c <= '9';
    if (digits && netnsprotocol::validPid(bytes.constData(), &t.pid))
        return t;
    if (!digits && netnsprotocol::validName(bytes.constData())) {
        t.name = text;
        return t;
    }
    *error = digits ? QStringLiteral("'%1' is not a process id").arg(text)
                    : QStringLiteral("'%1' is not a namespace name (`ip netns` names: letters, "
                                     "digits, '.', '_', '-')")
                          .arg(text);
    return std::nullopt;
}

NetnsSockDiag::NetnsSockDiag() = default;

NetnsSockDiag::~NetnsSockDiag()
{
    if (!m_process)
        return;
    m_process->closeWriteChannel(); // the helper exits when its input closes
    if (!m_process->waitForFinished(2000)) {
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

bool NetnsSockDiag::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString NetnsSockDiag::helperSaid() const
{
    return m_process ? QString::fromLocal8Bit(m_process->readAllStandardError()).trimmed()
                     : QString();
}

bool NetnsSockDiag::start(const NetnsTarget &target, QString *error, const QString &program)
{
    m_what = target.pid ? QStringLiteral("of pid %1").arg(target.pid)
                        : QStringLiteral("'%1'").arg(target.name);
    if (::access(program.toLocal8Bit().constData(), X_OK) != 0) {
        *error = helperStartAdvice(program, errno); // the package's group, or the path
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->start(
        program, {target.pid ? QStringLiteral("--pid") : QStringLiteral("--name"), target.text()});
    if (!m_process->waitForStarted(kTimeoutMs)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, m_process->errorString());
        m_process.reset();
        return false;
    }
    netnsprotocol::FrameType type{};
    QByteArray payload;
    netnsprotocol::Hello hello{};
    if (!readFrame(&type, &payload, error) || type != netnsprotocol::FrameType::Hello
        || payload.size() != sizeof hello) {
        if (error->isEmpty())
            *error = QStringLiteral("the namespace helper said no Hello");
        m_process->waitForFinished(kTimeoutMs);
        const QString said = helperSaid();
        if (!said.isEmpty())
            *error = said;
        return false;
    }
    std::memcpy(&hello, payload.constData(), sizeof hello);
    if (!netnsprotocol::helloIsValid(hello)) {
        *error = QStringLiteral("%1 is of another version").arg(program);
        return false;
    }
    m_inode = hello.inode;
    return true;
}

bool NetnsSockDiag::readExactly(char *to, qint64 n, QString *error)
{
    while (n > 0) {
        if (m_process->bytesAvailable() == 0 && !m_process->waitForReadyRead(kTimeoutMs)) {
            *error = m_process->state() == QProcess::Running
                         ? QStringLiteral("the namespace helper did not answer")
                         : QStringLiteral("the namespace helper %1 ended").arg(m_what);
            return false;
        }
        const qint64 got = m_process->read(to, n);
        if (got < 0)
            return false;
        to += got;
        n -= got;
    }
    return true;
}

bool NetnsSockDiag::readFrame(netnsprotocol::FrameType *type, QByteArray *payload, QString *error)
{
    netnsprotocol::FrameHeader h{};
    if (!readExactly(reinterpret_cast<char *>(&h), sizeof h, error))
        return false;
    if (h.size > netnsprotocol::kMaxFrameBytes) {
        *error = QStringLiteral("the namespace helper's stream is corrupt");
        return false;
    }
    payload->resize(qsizetype(h.size));
    if (!readExactly(payload->data(), h.size, error))
        return false;
    *type = h.type;
    return true;
}

bool NetnsSockDiag::ask(netnsprotocol::RequestKind kind, std::uint32_t mask, std::uint32_t flags,
                        QString *error)
{
    if (!isRunning()) {
        *error = QStringLiteral("the namespace helper %1 is not running").arg(m_what);
        return false;
    }
    const netnsprotocol::Request r{kind, mask, flags, 0};
    m_process->write(reinterpret_cast<const char *>(&r), sizeof r);
    return true;
}

bool NetnsSockDiag::dump(std::uint32_t stateMask, bool withTcpInfo, std::vector<SocketRecord> &out,
                         QString *error)
{
    out.clear();
    if (!ask(netnsprotocol::RequestKind::Dump, stateMask,
             withTcpInfo ? netnsprotocol::kWithTcpInfo : 0, error))
        return false;
    netnsprotocol::FrameType type{};
    QByteArray payload;
    if (!readFrame(&type, &payload, error))
        return false;
    if (type == netnsprotocol::FrameType::Error) {
        *error = QString::fromLocal8Bit(payload);
        return false;
    }
    if (type != netnsprotocol::FrameType::Dump) {
        *error = QStringLiteral("the namespace helper answered out of turn");
        return false;
    }
    if (!parseRecordedReplies(payload, out, error))
        return false;
    for (SocketRecord &r : out)
        r.netns = m_inode;
    return true;
}

bool NetnsSockDiag::facts(HostFacts *out, QString *error)
{
    if (!ask(netnsprotocol::RequestKind::Facts, 0, 0, error))
        return false;
    netnsprotocol::FrameType type{};
    QByteArray payload;
    if (!readFrame(&type, &payload, error) || type != netnsprotocol::FrameType::Facts)
        return false;
    QHash<QString, QByteArray> files;
    qsizetype at = 0;
    for (const char *name : netnsprotocol::kFactFiles) {
        if (at + 4 > payload.size())
            return false;
        std::uint32_t len = 0;
        for (int i = 3; i >= 0; --i)
            len = (len << 8) | std::uint8_t(payload[at + i]);
        at += 4;
        if (len == netnsprotocol::kMissing)
            continue;
        if (len > netnsprotocol::kMaxFactBytes || at + qsizetype(len) > payload.size())
            return false;
        files.insert(QString::fromLatin1(name), payload.mid(at, qsizetype(len)));
        at += qsizetype(len);
    }
    *out = hostFactsFrom([&](const QString &name) { return files.value(name); });
    return true;
}

} // namespace tcpscope
