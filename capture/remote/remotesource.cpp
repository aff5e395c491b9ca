#include "remote/remotesource.h"

#include <QRegularExpression>
#include <QSettings>
#include <QTimer>

namespace tcpscope {

std::optional<RemoteTarget> RemoteTarget::parse(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(?:([^@\s:]+)@)?(?:\[([0-9A-Fa-f:.]+)\]|([^@\s:\[\]]+))(?::(\d{1,5}))?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch() || m.captured(0).startsWith(u'-'))
        return std::nullopt; // never an option for ssh
    RemoteTarget t;
    t.user = m.captured(1);
    t.host = m.captured(2).isEmpty() ? m.captured(3) : m.captured(2);
    if (!m.captured(4).isEmpty()) {
        t.port = m.captured(4).toInt();
        if (t.port < 1 || t.port > 65535)
            return std::nullopt;
    }
    if (t.host.startsWith(u'-'))
        return std::nullopt;
    return t;
}

QString RemoteTarget::text() const
{
    QString s = user.isEmpty() ? QString() : user + u'@';
    s += host.contains(u':') ? QStringLiteral("[%1]").arg(host) : host;
    if (port)
        s += u':' + QString::number(port);
    return s;
}

RemoteOptions remoteOptionsFor(const RemoteTarget &target)
{
    RemoteOptions o;
    o.target = target;
    const QString command = QSettings().value(QStringLiteral("remote/command")).toString();
    if (!command.isEmpty())
        o.command = command;
    if (const QByteArray ssh = qgetenv("TCPSCOPE_SSH"); !ssh.isEmpty())
        o.ssh = QString::fromLocal8Bit(ssh);
    return o;
}

namespace {
// One word for the remote's shell, quoted so that nothing in it is interpreted.
QString shellQuoted(const QString &word)
{
    QString q = word;
    q.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + q + u'\'';
}
} // namespace

RemoteSource::RemoteSource(RemoteOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    qRegisterMetaType<tcpscope::KernelPollBatch>();
    qRegisterMetaType<tcpscope::RemoteState>();
    m_retry = new QTimer(this);
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &RemoteSource::start);
}

RemoteSource::~RemoteSource() { stop(); }

QStringList RemoteSource::sshArguments() const
{
    QStringList a{
        m_options.ssh,        QStringLiteral("-T"),
        QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
        QStringLiteral("-o"), QStringLiteral("ServerAliveInterval=5"),
        QStringLiteral("-o"), QStringLiteral("ServerAliveCountMax=3"),
        QStringLiteral("-o"), QStringLiteral("ConnectTimeout=15"),
        QStringLiteral("-o"), QStringLiteral("Compression=yes")}; // the snapshot's JSON shrinks ~8×
    if (m_options.target.port)
        a << QStringLiteral("-p") << QString::number(m_options.target.port);
    if (!m_options.target.user.isEmpty())
        a << QStringLiteral("-l") << m_options.target.user;
    a << m_options.sshOptions;
    a << QStringLiteral("--") << m_options.target.host;
    a << QStringLiteral("%1 watch --format stream --interval %2")
             .arg(shellQuoted(m_options.command))
             .arg(m_options.intervalMs);
    return a;
}

void RemoteSource::start()
{
    if (m_process)
        return;
    m_retry->stop();
    m_buffer.clear();
    m_stderr.clear();
    m_parser.restart(); // a new stream begins with its header and a snapshot
    m_streaming = false;
    m_process = new QProcess(this);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &RemoteSource::readOutput);
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderr += m_process->readAllStandardError();
        if (m_stderr.size() > 16384)
            m_stderr = m_stderr.right(8192);
    });
    connect(m_process, &QProcess::finished, this, &RemoteSource::finished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            failed(tr("cannot run the SSH client '%1': %2")
                       .arg(m_options.ssh, m_process->errorString()),
                   false);
    });
    setStatus(Status::Connecting, QString());
    const QStringList args = sshArguments();
    m_process->start(args.first(), args.mid(1), QIODevice::ReadOnly);
    m_process->closeWriteChannel();
}

void RemoteSource::stop()
{
    m_retry->stop();
    if (m_process) {
        QProcess *p = m_process;
        m_process = nullptr;
        p->disconnect(this);
        p->kill();
        p->waitForFinished(2000);
        delete p;
    }
    if (m_status != Status::Stopped)
        setStatus(Status::Stopped, QString());
}

void RemoteSource::reconnectNow()
{
    if (m_process)
        return;
    m_failures = 0;
    start();
}

void RemoteSource::setInterval(int ms)
{
    if (ms == m_options.intervalMs)
        return;
    m_options.intervalMs = ms;
    if (m_process) {
        stop();
        start();
    }
}

void RemoteSource::readOutput()
{
    m_buffer += m_process->readAllStandardOutput();
    qsizetype begin = 0;
    for (qsizetype nl; m_process && (nl = m_buffer.indexOf('\n', begin)) >= 0; begin = nl + 1)
        readLine(QByteArrayView(m_buffer).sliced(begin, nl - begin));
    m_buffer.remove(0, begin);
}

void RemoteSource::readLine(QByteArrayView line)
{
    switch (m_parser.feed(line)) {
    case WatchStreamParser::Line::Header:
        m_header = m_parser.header();
        Q_EMIT stateChanged(state());
        break;
    case WatchStreamParser::Line::Settings:
        Q_EMIT stateChanged(state());
        break;
    case WatchStreamParser::Line::Poll:
        if (!m_streaming) {
            m_streaming = true;
            m_failures = 0;
            m_lastDrop.clear();
            ++m_connections;
            setStatus(Status::Streaming, QString());
        }
        Q_EMIT polled(m_feed.apply(m_parser));
        break;
    case WatchStreamParser::Line::Error:
        failed(m_parser.error(), false);
        break;
    default:
        break;
    }
}

QString RemoteSource::stderrTail() const
{
    const QList<QByteArray> lines = m_stderr.trimmed().split('\n');
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        const QByteArray l = it->trimmed();
        if (!l.isEmpty() && !l.startsWith("tcpscope-cli watch: ")) // its own progress lines
            return QString::fromLocal8Bit(l);
    }
    return lines.isEmpty() ? QString() : QString::fromLocal8Bit(lines.last().trimmed());
}

void RemoteSource::finished(int exitCode, QProcess::ExitStatus status)
{
    m_stderr += m_process->readAllStandardError();
    const QString tail = stderrTail();
    const bool notInstalled = status == QProcess::NormalExit && exitCode == 127;
    QString why = tail;
    if (why.isEmpty())
        why = status == QProcess::CrashExit
                  ? tr("the SSH client stopped")
                  : tr("the SSH client exited with status %1").arg(exitCode);
    failed(why, notInstalled);
}

void RemoteSource::failed(const QString &why, bool notInstalled)
{
    if (m_process) {
        QProcess *p = m_process;
        m_process = nullptr;
        p->disconnect(this);
        p->kill();
        p->deleteLater();
    }
    m_lastDrop = why;
    if (notInstalled) { // retrying will not install it: the user retries after installing
        m_retryMs = 0;
        setStatus(Status::NotInstalled, why);
        return;
    }
    m_retryMs = std::min(m_options.retryMaxMs, m_options.retryMinMs << std::min(m_failures, 10));
    ++m_failures;
    m_retry->start(m_retryMs);
    setStatus(Status::Dropped, why);
}

void RemoteSource::setStatus(Status s, const QString &reason)
{
    m_status = s;
    m_reason = reason;
    Q_EMIT stateChanged(state());
}

RemoteState RemoteSource::state() const
{
    return {m_status,      m_reason, m_lastDrop,         m_retryMs,
            m_connections, m_header, m_parser.settings()};
}

} // namespace tcpscope
