// Another network namespace's socket table, through the namespace helper (tcpscope-netns):
// starts it for one namespace (by `ip netns` name or by a process inside), and asks it for
// each dump (made inside the namespace, in the recording format of SockDiagSocket::dump) and
// for the namespace's sysctls. Synchronous: the poller's thread or tcpscope-cli call it.
#pragma once

#include "diagnose/hostfacts.h"
#include "kernel/netnsprotocol.h"
#include "socketrecord.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

class QProcess;

namespace tcpscope {

// The helper next to the executable, or $TCPSCOPE_NETNS_HELPER.
QString netnsHelperPath();

// Which namespace: an `ip netns` name, or a pid whose namespace it is.
struct NetnsTarget
{
    QString name;
    int pid = 0;
    // From what --netns was given: digits are a pid, anything else a name. nullopt (with
    // *error) for what the helper would refuse.
    static std::optional<NetnsTarget> parse(const QString &text, QString *error);
    QString text() const { return pid ? QString::number(pid) : name; }
};

class NetnsSockDiag
{
public:
    NetnsSockDiag();
    ~NetnsSockDiag();
    NetnsSockDiag(const NetnsSockDiag &) = delete;
    NetnsSockDiag &operator=(const NetnsSockDiag &) = delete;

    // Starts the helper and waits for it to enter the namespace. False with the helper's own
    // words (no permission and the setcap command; no such namespace).
    bool start(const NetnsTarget &target, QString *error,
               const QString &program = netnsHelperPath());
    bool isRunning() const;
    std::uint32_t inode() const { return m_inode; }

    bool dump(std::uint32_t stateMask, bool withTcpInfo, std::vector<SocketRecord> &out,
              QString *error);
    // The namespace's sysctls and counters, as readHostFacts() reads this host's.
    bool facts(HostFacts *out, QString *error);

private:
    bool ask(netnsprotocol::RequestKind kind, std::uint32_t mask, std::uint32_t flags,
             QString *error);
    bool readFrame(netnsprotocol::FrameType *type, QByteArray *payload, QString *error);
    bool readExactly(char *to, qint64 n, QString *error);
    QString helperSaid() const;

    std::unique_ptr<QProcess> m_process;
    std::uint32_t m_inode = 0;
    QString m_what;
    static constexpr int kTimeoutMs = 20000;
};

} // namespace tcpscope
