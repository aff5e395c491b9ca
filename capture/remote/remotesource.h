// A remote host's kernel table over SSH: the system's OpenSSH client (the user's keys, agent
// and ~/.ssh/config; BatchMode, so it never asks for a password, and tcpscope stores none)
// runs `tcpscope-cli watch --format stream` there; its standard output is the watch stream,
// parsed here and handed on as the local poller's batches. A dropped connection is retried
// with a growing delay; a remote without tcpscope-cli is told apart (exit 127).
#pragma once

#include "formats/watchstream.h"
#include "remote/remotefeed.h"

#include <QObject>
#include <QProcess>
#include <QStringList>

#include <optional>

class QTimer;

namespace tcpscope {

// "user@host", "host", "user@host:2222", "user@[::1]:2222".
struct RemoteTarget
{
    QString user; // empty: ssh's own choice (~/.ssh/config, the local user)
    QString host;
    int port = 0; // 0: ssh's own choice
    static std::optional<RemoteTarget> parse(const QString &text);
    QString text() const; // as it was given, normalised
};

struct RemoteOptions
{
    RemoteTarget target;
    QString ssh = QStringLiteral("ssh"); // the OpenSSH client
    QStringList sshOptions;              // more of ssh's options, before the host (-F, -i)
    QString command =
        QStringLiteral("tcpscope-cli"); // on the remote: a name on its PATH, or a path
    int intervalMs = 1000;
    int retryMinMs = 1000; // the first retry's delay, doubled each failure up to retryMaxMs
    int retryMaxMs = 30000;
};

// The defaults with QSettings' "remote/command" and the environment's TCPSCOPE_SSH (the ssh
// program) applied.
RemoteOptions remoteOptionsFor(const RemoteTarget &target);

enum class RemoteStatus { Connecting, Streaming, Dropped, NotInstalled, Stopped };

// What a remote source says of itself, as a value (it may live on a thread of its own).
struct RemoteState
{
    RemoteStatus status = RemoteStatus::Stopped;
    QString reason;           // why it dropped: ssh's own words
    QString lastDrop;         // why the last stream ended, until a new one reached its first poll
    int retryMs = 0;          // the delay before the next attempt
    int connections = 0;      // streams that reached their first poll
    WatchStreamHeader header; // the last stream's (kept across a drop: the host it was)
    std::vector<SettingValue> settings; // its sysctls
};

class RemoteSource : public QObject
{
    Q_OBJECT
public:
    using Status = RemoteStatus;

    explicit RemoteSource(RemoteOptions options, QObject *parent = nullptr);
    ~RemoteSource() override;

    void start();
    void stop();
    void reconnectNow();      // after a drop: retry at once
    void setInterval(int ms); // reconnects with the new interval
    void setThresholds(const DiagnosisThresholds &t) { m_feed.setThresholds(t); }

    Status status() const { return m_status; }
    QString reason() const { return m_reason; } // why it dropped: ssh's own words
    // Why the last stream ended, until a new one reaches its first poll (empty: none ended).
    QString lastDrop() const { return m_lastDrop; }
    int retryInMs() const { return m_retryMs; } // the delay before the next attempt
    const RemoteOptions &options() const { return m_options; }
    // The last stream's header (kept across a drop: the host it was).
    const WatchStreamHeader &header() const { return m_header; }
    const std::vector<SettingValue> &settings() const { return m_parser.settings(); }
    int connections() const { return m_connections; } // streams that reached their first poll
    // The ssh command line: program and arguments.
    QStringList sshArguments() const;

    RemoteState state() const;

signals:
    void polled(const tcpscope::KernelPollBatch &batch);
    // The status changed, or a header or settings arrived.
    void stateChanged(const tcpscope::RemoteState &state);

private:
    void readOutput();
    void readLine(QByteArrayView line);
    void finished(int exitCode, QProcess::ExitStatus status);
    void failed(const QString &why, bool notInstalled);
    void setStatus(Status s, const QString &reason);
    QString stderrTail() const;

    RemoteOptions m_options;
    QProcess *m_process = nullptr;
    QTimer *m_retry = nullptr;
    QByteArray m_buffer;
    QByteArray m_stderr;
    WatchStreamParser m_parser;
    WatchStreamHeader m_header; // host empty until one arrived
    RemoteFeed m_feed;
    Status m_status = Status::Stopped;
    QString m_reason;
    QString m_lastDrop;
    int m_failures = 0;
    int m_retryMs = 0;
    int m_connections = 0;
    bool m_streaming = false;
};

} // namespace tcpscope

Q_DECLARE_METATYPE(tcpscope::RemoteState)
