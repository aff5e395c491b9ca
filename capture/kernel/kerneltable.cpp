#include "kernel/kerneltable.h"

#include "kernel/procnettcp.h"

#include <QDateTime>

#include <algorithm>
#include <chrono>

namespace tcpscope {

namespace {

double msSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

double nowSeconds() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }

const char *tableSourceName(TableSource s)
{
    switch (s) {
    case TableSource::SockDiag:
        return "netlink sock_diag";
    case TableSource::ProcNetTcp:
        return "/proc/net/tcp";
    case TableSource::None:
        return "none";
    }
    return "none";
}

KernelTable::KernelTable(KernelTableOptions options)
    : m_options(std::move(options))
    , m_processes(m_options.procRoot)
{
    m_ownInode = ownNamespaceInode();
    m_inode = m_options.netns.kind == NetnsSelection::Kind::All ? 0 : m_ownInode;
    m_namespaces = {NetNamespace{m_ownInode, {}, 0, QStringLiteral("host"), true}};
    if (m_options.netns.kind == NetnsSelection::Kind::One) {
        if (startOne())
            return;
    }
    if (!m_options.forceProc) {
        m_diag = std::make_unique<SockDiagSocket>();
        if (m_diag->isOpen()) {
            m_source = TableSource::SockDiag;
            return;
        }
        m_notice = m_diag->openError() + QStringLiteral("; reading /proc/net/tcp instead");
        m_diag.reset();
    }
    m_source = TableSource::ProcNetTcp;
}

QString KernelTable::helperProgram() const
{
    return m_options.netnsHelper.isEmpty() ? netnsHelperPath() : m_options.netnsHelper;
}

// One other namespace: through the helper, unless it is this process's own after all.
bool KernelTable::startOne()
{
    const NetnsTarget &t = m_options.netns.target;
    const auto inode = tcpscope::namespaceInode(t.pid ? QStringLiteral("/proc/%1/ns/net").arg(t.pid)
                                                      : QStringLiteral("/run/netns/") + t.name);
    NetNamespace ns{inode.value_or(0), t.name, t.pid,
                    t.pid ? QStringLiteral("pid %1").arg(t.pid) : t.name, false};
    for (const NetNamespace &found : discoverNamespaces(QStringLiteral("/proc"))) {
        if (inode && found.inode == *inode && !found.own)
            ns.label = found.label;
    }
    if (inode && *inode == m_ownInode)
        return false; // read directly, as without --netns
    m_viaHelper = true;
    m_inode = inode.value_or(0xffffffffu); // not this one's, even before the helper says
    m_one = std::make_unique<NetnsSockDiag>();
    QString error;
    if (!m_one->start(t, &error, helperProgram())) {
        m_one.reset();
        m_source = TableSource::None;
        m_notice = error;
        return true;
    }
    m_source = TableSource::SockDiag;
    ns.inode = m_one->inode();
    m_inode = ns.inode;
    m_target = ns;
    m_namespaces.push_back(ns);
    return true;
}

QString KernelTable::namespaceLabel(std::uint32_t inode) const
{
    for (const NetNamespace &ns : m_namespaces) {
        if (ns.inode == inode)
            return ns.label;
    }
    return QStringLiteral("?");
}

HostFacts KernelTable::hostFacts()
{
    HostFacts facts;
    QString error;
    if (m_one && m_one->facts(&facts, &error))
        return facts;
    if (m_viaHelper)
        return HostFacts{}; // the namespace's are unknown: the kernel's defaults
    return readHostFacts(m_options.procRoot);
}

// The namespaces are looked for again every few seconds (containers come and go), on the
// poller's thread: the window's chooser lists what the batches carry.
void KernelTable::refreshNamespaces()
{
    const double now = nowSeconds();
    if (m_discoveredAt >= 0 && now - m_discoveredAt < kRediscoverSeconds)
        return;
    m_discoveredAt = now;
    m_namespaces = discoverNamespaces(QStringLiteral("/proc"));
    if (m_target.inode
        && std::none_of(m_namespaces.begin(), m_namespaces.end(),
                        [&](const NetNamespace &ns) { return ns.inode == m_target.inode; }))
        m_namespaces.push_back(m_target);
}

bool KernelTable::read(std::vector<SocketRecord> &out)
{
    refreshNamespaces();
    bool ok = false;
    if (m_viaHelper)
        ok = readOne(out);
    else if (m_options.netns.kind == NetnsSelection::Kind::All)
        ok = readAll(out);
    else
        ok = readOwn(out);
    return ok;
}

bool KernelTable::readOne(std::vector<SocketRecord> &out)
{
    QString error;
    if (m_one && m_one->dump(m_options.stateMask, m_options.tcpInfo, out, &error))
        return true;
    if (m_one) {
        m_notice = error;
        m_one.reset();
    }
    m_source = TableSource::None;
    out.clear();
    return false;
}

NetnsSockDiag *KernelTable::helperFor(const NetNamespace &ns, QString *error)
{
    if (const auto it = m_helpers.find(ns.inode); it != m_helpers.end() && it->second->isRunning())
        return it->second.get();
    if (const auto it = m_refused.find(ns.inode); it != m_refused.end()) {
        *error = it->second;
        return nullptr;
    }
    auto helper = std::make_unique<NetnsSockDiag>();
    const NetnsTarget t{ns.name, ns.name.isEmpty() ? ns.pid : 0};
    if (!helper->start(t, error, helperProgram())) {
        m_refused.emplace(ns.inode, *error);
        return nullptr;
    }
    return (m_helpers[ns.inode] = std::move(helper)).get();
}

// This namespace directly, every other through its own helper.
bool KernelTable::readAll(std::vector<SocketRecord> &out)
{
    if (!readOwn(out))
        return false;
    const QString ownNotice = m_notice;
    int refused = 0;
    QString why;
    std::vector<SocketRecord> theirs;
    for (const NetNamespace &ns : m_namespaces) {
        if (ns.own)
            continue;
        QString error;
        NetnsSockDiag *helper = helperFor(ns, &error);
        if (helper && helper->dump(m_options.stateMask, m_options.tcpInfo, theirs, &error)) {
            out.insert(out.end(), theirs.begin(), theirs.end());
            continue;
        }
        if (helper) { // it ended (the namespace went away): try afresh next time
            m_helpers.erase(ns.inode);
        }
        ++refused;
        why = error.section(u'\n', 0, 0);
    }
    m_notice = ownNotice;
    if (refused)
        m_notice += (m_notice.isEmpty() ? QString() : QStringLiteral("; "))
                    + QStringLiteral("%1 of %2 namespaces not shown: %3")
                          .arg(refused)
                          .arg(m_namespaces.size())
                          .arg(why);
    return true;
}

bool KernelTable::readOwn(std::vector<SocketRecord> &out)
{
    const bool ok = readOwnTable(out);
    for (SocketRecord &r : out)
        r.netns = m_ownInode;
    return ok;
}

bool KernelTable::readOwnTable(std::vector<SocketRecord> &out)
{
    QString error;
    if (m_source == TableSource::SockDiag) {
        if (m_diag->dump(m_options.stateMask, m_options.tcpInfo, out, &error))
            return true;
        m_notice = error + QStringLiteral("; reading /proc/net/tcp instead");
        m_diag.reset();
        m_source = TableSource::ProcNetTcp;
    }
    if (readProcNetTcp(m_options.procRoot, m_options.stateMask, out, &error)) {
        if (m_source == TableSource::None) {
            m_source = TableSource::ProcNetTcp;
            m_notice.clear();
        }
        return true;
    }
    const QString before = m_notice.isEmpty() ? QString() : m_notice + QStringLiteral("; ");
    if (m_source != TableSource::None)
        m_notice = before + error + QStringLiteral(": no socket table is available");
    m_source = TableSource::None;
    out.clear();
    return false;
}

std::vector<Transition> KernelTable::poll(PollStats *stats)
{
    auto t0 = std::chrono::steady_clock::now();
    read(m_records);
    const double readMs = msSince(t0);

    t0 = std::chrono::steady_clock::now();
    if (m_options.processes)
        m_processes.update(m_records); // socket inodes are the host's: owners in any namespace
    const double processMs = msSince(t0);

    t0 = std::chrono::steady_clock::now();
    const double now = nowSeconds();
    std::vector<Transition> transitions = m_table.apply(m_records, now);
    if (stats) {
        stats->time = now;
        stats->sockets = int(m_records.size());
        stats->readMs = readMs;
        stats->processMs = processMs;
        stats->diffMs = msSince(t0);
    }
    return transitions;
}

} // namespace tcpscope
