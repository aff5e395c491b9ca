// The kernel's TCP socket table as one source: sock_diag when the kernel allows it, else
// /proc/net/tcp{,6}; process attribution; and the diff of each poll against the last.
#pragma once

#include "kernel/processmap.h"
#include "kernel/sockdiag.h"
#include "kernel/sockettable.h"

#include <QString>

#include <memory>

namespace tcpscope {

enum class TableSource { SockDiag, ProcNetTcp, None };
const char *tableSourceName(TableSource s); // "netlink sock_diag", "/proc/net/tcp", "none"

struct KernelTableOptions
{
    std::uint32_t stateMask = kAllLinuxStates; // the kernel filters by it (sock_diag)
    bool processes = true;                     // attribute sockets to processes
    bool tcpInfo = false;                      // ask sock_diag for tcp_info (RTT...)
    bool forceProc = false;                    // read /proc/net/tcp even if netlink works
    QString procRoot = QStringLiteral("/proc");
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

private:
    KernelTableOptions m_options;
    std::unique_ptr<SockDiagSocket> m_diag;
    TableSource m_source = TableSource::None;
    QString m_notice;
    SocketTable m_table;
    ProcessMap m_processes;
    std::vector<SocketRecord> m_records;
};

double nowSeconds();

} // namespace tcpscope
