// The sockets of a Lab scenario: real TCP sockets on loopback, named ("client", "server",
// "listener", groups like "clients"), made and driven by plain socket calls, and found again
// in the kernel's table by their address pairs (a TIME_WAIT has no descriptor, but keeps its
// ports). Everything it opened is closed, and every process it forked is ended, when it goes.
#pragma once

#include "lab/labcapture.h"
#include "lab/labnarration.h"
#include "lab/uniquefd.h"
#include "socketrecord.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace tcpscope {

class LabContext
{
public:
    LabContext() = default;
    ~LabContext();
    LabContext(const LabContext &) = delete;
    LabContext &operator=(const LabContext &) = delete;

    // Each returns false with the reason in error() when the call fails.
    bool listen(const QString &name, int backlog = 16, quint16 port = 0);
    bool connect(const QString &name, const QString &listener, bool wait = true);
    // connect() to a port nobody listens on (`port`, or a free one when 0); true when it was
    // refused (what is expected).
    bool connectRefused(const QString &name, quint16 port = 0);
    bool accept(const QString &name, const QString &listener);
    bool send(const QString &name, const QByteArray &bytes);
    bool receiveAll(const QString &name, QByteArray *out); // what has arrived, without waiting
    bool readToEnd(const QString &name);                   // until the peer's FIN (read() = 0)
    bool close(const QString &name);
    bool shutdownWrite(const QString &name);
    bool setLingerZero(const QString &name); // close() will abort: RST, no TIME_WAIT
    bool setOrphanTimeout(const QString &name, int seconds); // TCP_LINGER2: FIN_WAIT_2 life
    // A forked child process that holds a copy of the socket's descriptor; the child obeys
    // childClose() / childShutdownWrite(), and is ended with the context.
    bool forkHolder(const QString &name);
    bool childClose(const QString &name);
    bool childShutdownWrite(const QString &name);
    // n clients of the listener, each connected, accepted (as "<group>-server"), then closed
    // by the client first after the server read its end: n TIME_WAITs on the client side.
    bool shortConnections(const QString &group, const QString &listener, int n);
    // n clients that connect without waiting (the accept queue may be full).
    bool connectMany(const QString &group, const QString &listener, int n);

    // Names sockets together as a group (by their ports: it stays valid after they close).
    void group(const QString &group, const QStringList &names);
    // Root only: moves this thread into a network namespace of its own, with lo up, deleted
    // with the context; then nft() adds rules there.
    bool enterNamespace();
    bool nft(const QStringList &args);
    // Several nft commands as one transaction (`nft -f`): no packet sees half of them.
    bool nftScript(const QString &script);
    // Inside the namespace: lo's queue holds every packet sent from now on, unsent (a TCP
    // socket does not retransmit what still waits there), until releaseLo() lets them all go
    // at once; freeLo() gives lo its empty queue back.
    bool holdLo();
    bool releaseLo();
    bool freeLo();
    // Inside the namespace: a sysctl of its own ("net.ipv4.tcp_rto_max_ms").
    bool setSysctl(const QString &name, const QString &value);
    bool inNamespace() const { return !m_namespace.isEmpty(); }
    QString namespaceName() const { return m_namespace; }
    // Where the namespace's packets on lo go, as a pcap stream, once it is entered (the fd is
    // taken over; without a namespace it is just closed).
    void setCaptureFd(UniqueFd fd) { m_captureFd = std::move(fd); }
    // Two sockets bound to fixed ports connecting to each other at once (non-blocking).
    bool connectEachOther(const QString &a, const QString &b);

    // Does a socket of the kernel's table belong to `name` (a socket or a group)?
    bool owns(const QString &name, const SocketRecord &r) const;
    // Every local or remote port the scenario uses (to filter a capture or the table),
    // listening ports first.
    QList<quint16> ports() const;
    QString describe(const QString &name) const; // "127.0.0.1:40000 → 127.0.0.1:8080"
    QString error() const { return m_error; }
    int lastErrno() const { return m_errno; } // of the system call that failed last
    // What the step reports (bytes read, ports left...): notes of the narration's data, which
    // the reader shows in its own language.
    std::vector<LabNote> takeNotes() { return std::exchange(m_notes, {}); }
    void note(LabNote note) { m_notes.push_back(std::move(note)); }

private:
    struct Endpoint
    {
        UniqueFd fd; // none for a TIME_WAIT, or a member of a group named after its sockets
        quint16 local = 0, remote = 0;
        bool listener = false;
    };
    struct Child
    {
        int pid = -1;
        UniqueFd control; // the pipe the child reads its orders from
    };
    Endpoint *find(const QString &name);
    bool fail(const QString &what);
    bool order(const QString &name, char command);
    void startCapture();
    bool run(const QString &program, const QStringList &args); // a tool (nft, tc) must succeed
    bool sendToSelf(int bytes);                                // a UDP datagram on lo

    std::map<QString, Endpoint> m_sockets;
    std::map<QString, std::vector<Endpoint>> m_groups;
    std::map<QString, Child> m_children;
    QString m_namespace;
    UniqueFd m_captureFd;
    std::unique_ptr<LabCapture> m_capture;
    std::vector<LabNote> m_notes;
    QString m_error;
    int m_errno = 0;
};

} // namespace tcpscope
