#include "kernel/kerneltable.h"

#include "kernel/procnettcp.h"

#include <QDateTime>

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

bool KernelTable::read(std::vector<SocketRecord> &out)
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
        m_processes.update(m_records);
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
