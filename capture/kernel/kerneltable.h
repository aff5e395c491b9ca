// The kernel's TCP socket table as one source: sock_diag when the kernel allows it, else
// /proc/net/tcp{,6}; process attribution; and the diff of each poll against the last.
#pragma once

#include "diagnose/hostfacts.h"
#include "kernel/netnsdiscovery.h"
#include "kernel/netnssockdiag.h"
#include "kernel/processmap.h"
#include "kernel/sockdiag.h"
#include "kernel/sockettable.h"

#include <QString>

#include <map>
#include <memory>

namespace tcpscope {

enum class TableSource { SockDiag, ProcNetTcp, None };
const char *tableSourceName(TableSource s); // "netlink sock_diag", "/proc/net/tcp", "none"

// Which network namespace's sockets: this process's own (no privilege needed), one other
// (through the namespace helper), or every namespace of the host at once.
struct NetnsSelection
{
    enum class Kind { Own, One, All };
    Kind kind = Kind::Own;
    NetnsTarget target; // Kind::One
    static NetnsSelection own() { return {}; }
    static NetnsSelection one(NetnsTarget t) { return {Kind::One, std::move(t)}; }
    static NetnsSelection all() { return {Kind::All, {}}; }
    friend bool operator==(const NetnsSelection &a, const NetnsSelection &b)
    {
        return a.kind == b.kind && a.target.name == b.target.name && a.target.pid == b.target.pid;
    }
};

struct KernelTableOptions
{
    std::uint32_t stateMask = kAllLinuxStates; // the kernel filters by it (sock_diag)
    bool processes = true;                     // attribute sockets to processes
    bool tcpInfo = false;                      // ask sock_diag for tcp_info (RTT...)
    bool forceProc = false;                    // read /proc/net/tcp even if netlink works
    QString procRoot = QStringLiteral("/proc");
    NetnsSelection netns;
    QString netnsHelper; // empty: netnsHelperPath()
};

struct PollStats
{
    double time = 0; // seconds since the epoch
    int sockets = 0;
    double readMs = 0;    // the kernel dump (or the /proc read)
    double processMs = 0; // process attribution
    double diffMs = 0;    // the diff against the previous poll
};

class KernelTable
{
public:
    explicit KernelTable(KernelTableOptions options = {});

    TableSource source() const { return m_source; }
    // Why the source is not sock_diag (or why there is none); empty when all is well.
    QString notice() const { return m_notice; }

    // Reads the table now into out; falls back from sock_diag to /proc on a refusal.
    // False (out empty) when neither can be read: notice() says why.
    bool read(std::vector<SocketRecord> &out);

    // read() + process attribution + the diff. Transitions of this poll are returned.
    std::vector<Transition> poll(PollStats *stats = nullptr);

    const SocketTable &table() const { return m_table; }
    const ProcessMap &processes() const { return m_processes; }
    const KernelTableOptions &options() const { return m_options; }
    void setStateMask(std::uint32_t mask) { m_options.stateMask = mask; }

    // The namespace shown (its inode; 0 with every namespace), and the namespaces known, for
    // labels (this host's own first).
    std::uint32_t namespaceInode() const { return m_inode; }
    const std::vector<NetNamespace> &namespaces() const { return m_namespaces; }
    QString namespaceLabel(std::uint32_t inode) const;
    // The sysctls and counters the diagnoses read: the shown namespace's own (the host's with
    // every namespace).
    HostFacts hostFacts();

private:
    bool readOwn(std::vector<SocketRecord> &out);
    bool readOwnTable(std::vector<SocketRecord> &out);
    void refreshNamespaces();
    static constexpr double kRediscoverSeconds = 5;
    bool readOne(std::vector<SocketRecord> &out);
    bool readAll(std::vector<SocketRecord> &out);
    bool startOne(); // false: the namespace is this one, read directly
    NetnsSockDiag *helperFor(const NetNamespace &ns, QString *error);
    QString helperProgram() const;

    KernelTableOptions m_options;
    std::unique_ptr<SockDiagSocket> m_diag;
    TableSource m_source = TableSource::None;
    QString m_notice;
    SocketTable m_table;
    ProcessMap m_processes;
    std::vector<SocketRecord> m_records;
    std::uint32_t m_ownInode = 0;
    std::uint32_t m_inode = 0;
    bool m_viaHelper = false; // another namespace, one: through m_one
    std::vector<NetNamespace> m_namespaces;
    NetNamespace m_target; // Kind::One through the helper
    std::unique_ptr<NetnsSockDiag> m_one;
    std::map<std::uint32_t, std::unique_ptr<NetnsSockDiag>> m_helpers; // All: by inode
    std::map<std::uint32_t, QString> m_refused;                        // All: why not
    double m_discoveredAt = -1;
};

double nowSeconds();

} // namespace tcpscope
