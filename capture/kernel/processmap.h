// Which processes hold which sockets: socket inode → pid, command name and command line,
// read from /proc/PID/fd and cached across polls, so that a poll of 100k sockets does not
// rescan every process every second.
#pragma once

#include "socketrecord.h"

#include <QString>

#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tcpscope {

struct ProcessInfo
{
    int pid = 0;
    QString name;    // /proc/PID/comm
    QString cmdline; // /proc/PID/cmdline, arguments joined by spaces
};

// Why a socket has the owners it has: a fact, not "unknown".
enum class Ownership : std::uint8_t {
    Owned,        // held by the listed processes
    NoDescriptor, // TIME_WAIT or a request socket: no file descriptor exists at all
    Orphaned,     // its application closed it; the kernel finishes the close alone
    NotPermitted, // another user's process, whose descriptors we may not read
    NotFound,     // has a descriptor, but no process we can read holds it (it just exited)
};

const char *ownershipText(Ownership o);

class ProcessMap
{
public:
    explicit ProcessMap(QString procRoot = QStringLiteral("/proc"));

    // Brings the cache up to date for the sockets of one poll: new processes are scanned,
    // vanished ones forgotten, and a full rescan is made only when some socket's owner is
    // missing and the last full rescan was not too recent (at most 10% of the time is spent
    // rescanning).
    void update(const std::vector<SocketRecord> &records);

    Ownership ownership(const SocketRecord &r) const;
    const std::vector<int> &owners(std::uint64_t inode) const;
    const ProcessInfo *process(int pid) const;

    struct Stats
    {
        int processes = 0;
        int deniedProcesses = 0; // whose descriptors we may not read
        int scannedLastUpdate = 0;
        bool fullRescanLastUpdate = false;
    };
    Stats stats() const { return m_stats; }

private:
    struct Entry
    {
        ProcessInfo info;
        std::vector<std::uint64_t> inodes;
        std::uint32_t uid = 0;
        long fdCount = -1; // descriptors at the last scan (-1: unknown)
        bool denied = false;
        bool seen = false;
    };
    void scan(int pid, Entry &e);
    void finishUpdate();
    long fdCount(int pid) const;
    void forgetInodes(int pid, Entry &e);

    QString m_procRoot;
    QByteArray m_procRootLocal;
    std::unordered_map<int, Entry> m_pids;
    std::unordered_map<std::uint64_t, std::vector<int>> m_owners;
    std::unordered_set<std::uint64_t> m_unresolved; // missing after the last full rescan
    std::chrono::steady_clock::time_point m_lastFullScanEnd{};
    std::chrono::steady_clock::duration m_lastFullScanCost{};
    std::uint32_t m_euid;
    Stats m_stats;
};

} // namespace tcpscope
