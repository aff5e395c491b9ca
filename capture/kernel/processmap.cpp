#include "kernel/processmap.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tcpscope {

namespace {

QByteArray readSmallFile(int dirfd, const char *name)
{
    const int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    return n > 0 ? QByteArray(buf, n) : QByteArray();
}

// "socket:[12345]" → 12345; anything else → 0.
std::uint64_t socketInode(const char *link, ssize_t len)
{
    constexpr char prefix[] = "socket:[";
    constexpr ssize_t plen = sizeof prefix - 1;
    if (len <= plen + 1 || std::memcmp(link, prefix, plen) != 0 || link[len - 1] != ']')
        return 0;
    std::uint64_t v = 0;
    for (ssize_t i = plen; i < len - 1; ++i) {
        if (link[i] < '0' || link[i] > '9')
            return 0;
        v = v * 10 + std::uint64_t(link[i] - '0');
    }
    return v;
}

const std::vector<int> kNoOwners;

} // namespace

const char *ownershipText(Ownership o)
{
    switch (o) {
    case Ownership::Owned:
        return "owned";
    case Ownership::NoDescriptor:
        return "no process: no descriptor exists in this state";
    case Ownership::Orphaned:
        return "no process: closed by its application, the kernel finishes the close";
    case Ownership::NotPermitted:
        return "another user's process: run as root to see it";
    case Ownership::NotFound:
        return "no readable process holds it";
    }
    return "";
}

ProcessMap::ProcessMap(QString procRoot)
    : m_procRoot(std::move(procRoot))
    , m_procRootLocal(m_procRoot.toLocal8Bit())
    , m_euid(::geteuid())
{}

void ProcessMap::forgetInodes(int pid, Entry &e)
{
    for (std::uint64_t ino : e.inodes) {
        auto it = m_owners.find(ino);
        if (it == m_owners.end())
            continue;
        std::erase(it->second, pid);
        if (it->second.empty())
            m_owners.erase(it);
    }
    e.inodes.clear();
}

void ProcessMap::scan(int pid, Entry &e)
{
    forgetInodes(pid, e);
    ++m_stats.scannedLastUpdate;
    const QByteArray dir = (m_procRoot + u'/' + QString::number(pid)).toLocal8Bit();
    const int pidfd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0)
        return;
    struct stat st
    {};
    if (::fstat(pidfd, &st) == 0)
        e.uid = st.st_uid;
    e.info.pid = pid;
    {
        // Read again at every scan: a process seen between fork() and exec() changes name.
        e.info.name = QString::fromLocal8Bit(readSmallFile(pidfd, "comm")).trimmed();
        QByteArray cmd = readSmallFile(pidfd, "cmdline");
        while (cmd.endsWith('\0'))
            cmd.chop(1);
        cmd.replace('\0', ' ');
        e.info.cmdline = QString::fromLocal8Bit(cmd);
    }
    const int fdfd = ::openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(pidfd);
    if (fdfd < 0) {
        e.denied = (errno == EACCES || errno == EPERM);
        return;
    }
    e.denied = false;
    struct stat fdst
    {};
    e.fdCount = ::fstat(fdfd, &fdst) == 0 ? fdst.st_size : -1;
    DIR *d = ::fdopendir(fdfd);
    if (!d) {
        ::close(fdfd);
        return;
    }
    char link[64];
    while (dirent *de = ::readdir(d)) {
        if (de->d_name[0] == '.')
            continue;
        const ssize_t n = ::readlinkat(fdfd, de->d_name, link, sizeof link);
        const std::uint64_t ino = n > 0 ? socketInode(link, n) : 0;
        if (ino == 0)
            continue;
        e.inodes.push_back(ino);
        auto &o = m_owners[ino];
        if (std::find(o.begin(), o.end(), pid) == o.end())
            o.push_back(pid);
    }
    ::closedir(d);
}

// Linux 6.2 and later report the number of open descriptors as the size of /proc/PID/fd.
long ProcessMap::fdCount(int pid) const
{
    char path[64];
    std::snprintf(path, sizeof path, "%s/%d/fd", m_procRootLocal.constData(), pid);
    struct stat st
    {};
    return ::stat(path, &st) == 0 ? long(st.st_size) : -1;
}

void ProcessMap::update(const std::vector<SocketRecord> &records)
{
    m_stats.scannedLastUpdate = 0;
    m_stats.fullRescanLastUpdate = false;

    // Which processes exist now: listing /proc is cheap next to reading descriptors.
    for (auto &[pid, e] : m_pids)
        e.seen = false;
    std::vector<int> fresh;
    if (DIR *d = ::opendir(m_procRootLocal.constData())) {
        while (dirent *de = ::readdir(d)) {
            char *endp = nullptr;
            const long pid = std::strtol(de->d_name, &endp, 10);
            if (!endp || *endp != '\0' || pid <= 0)
                continue;
            auto [it, inserted] = m_pids.try_emplace(int(pid));
            it->second.seen = true;
            if (inserted)
                fresh.push_back(int(pid));
        }
        ::closedir(d);
    }
    for (auto it = m_pids.begin(); it != m_pids.end();) {
        if (!it->second.seen) {
            forgetInodes(it->first, it->second);
            it = m_pids.erase(it);
        } else {
            ++it;
        }
    }
    for (int pid : fresh)
        scan(pid, m_pids[pid]);

    // Owners still missing for sockets that have a descriptor (and were not already missing
    // after the last full rescan: another user's process, or one we cannot see): some
    // existing process opened new sockets. First rescan only the processes whose number of
    // descriptors changed (st_size of /proc/PID/fd, a stat each); then, if still missing,
    // everything readable, keeping full rescans under 10% of the time.
    auto missingOwners = [&] {
        std::vector<std::uint64_t> missing;
        for (const SocketRecord &r : records) {
            if (r.inode != 0 && !m_owners.contains(r.inode) && !m_unresolved.contains(r.inode))
                missing.push_back(r.inode);
        }
        return missing;
    };
    if (missingOwners().empty())
        return finishUpdate();
    for (auto &[pid, e] : m_pids) {
        if (!e.denied && fdCount(pid) != e.fdCount)
            scan(pid, e);
    }
    std::vector<std::uint64_t> missing = missingOwners();
    const auto now = std::chrono::steady_clock::now();
    if (!missing.empty() && now - m_lastFullScanEnd >= 10 * m_lastFullScanCost) {
        const auto start = now;
        for (auto &[pid, e] : m_pids) {
            if (!e.denied)
                scan(pid, e);
        }
        m_lastFullScanEnd = std::chrono::steady_clock::now();
        m_lastFullScanCost = m_lastFullScanEnd - start;
        m_stats.fullRescanLastUpdate = true;
        m_unresolved.clear();
        for (std::uint64_t ino : missingOwners())
            m_unresolved.insert(ino);
    }
    finishUpdate();
}

void ProcessMap::finishUpdate()
{
    m_stats.processes = int(m_pids.size());
    m_stats.deniedProcesses = 0;
    for (const auto &[pid, e] : m_pids)
        m_stats.deniedProcesses += e.denied ? 1 : 0;
}

Ownership ProcessMap::ownership(const SocketRecord &r) const
{
    if (r.inode == 0) {
        if (r.state == TcpState::TimeWait || r.state == TcpState::SynReceived)
            return Ownership::NoDescriptor;
        return Ownership::Orphaned;
    }
    if (m_owners.contains(r.inode))
        return Ownership::Owned;
    if (r.uid != m_euid && m_stats.deniedProcesses > 0)
        return Ownership::NotPermitted;
    return Ownership::NotFound;
}

const std::vector<int> &ProcessMap::owners(std::uint64_t inode) const
{
    const auto it = m_owners.find(inode);
    return it == m_owners.end() ? kNoOwners : it->second;
}

const ProcessInfo *ProcessMap::process(int pid) const
{
    const auto it = m_pids.find(pid);
    return it == m_pids.end() ? nullptr : &it->second.info;
}

} // namespace tcpscope
