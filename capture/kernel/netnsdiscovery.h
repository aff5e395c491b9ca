// This host's network namespaces: the named ones (`ip netns`: bind mounts under /run/netns)
// and those of running processes (/proc/PID/ns/net), one entry per namespace (by its inode),
// labelled by the name, else by the container the cgroup path names (docker-ID.scope,
// libpod-ID, kubepods), else by the first process's name and pid. What this user may not
// read (another user's /proc/PID/ns/net) is not listed.
#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace tcpscope {

struct NetNamespace
{
    std::uint32_t inode = 0; // the namespace's identity (ns.inum, `ls -L -i`)
    QString name;            // its `ip netns` name, or empty
    int pid = 0;             // a process inside (the lowest pid), or 0 for a named one alone
    QString label;           // what to call it: "lab1", "docker 3f2a1b0c9d8e", "nginx (pid 412)"
    bool own = false;        // the namespace this process is in
};

// The namespace's inode of a /proc/PID/ns/net or /run/netns/NAME file; nullopt if unreadable.
std::optional<std::uint32_t> namespaceInode(const QString &path);
// This process's own namespace (of the calling thread).
std::uint32_t ownNamespaceInode(const QString &procRoot = QStringLiteral("/proc"));

// A container's name from a /proc/PID/cgroup text, or empty: "docker 3f2a1b0c9d8e",
// "podman 3f2a1b0c9d8e", "kubepods pod1234abcd…".
QString containerFromCgroup(const QByteArray &cgroupText);

// Every namespace found: this host's own first, then the named ones by name, then those of
// processes by pid.
std::vector<NetNamespace>
discoverNamespaces(const QString &procRoot = QStringLiteral("/proc"),
                   const QString &netnsDir = QStringLiteral("/run/netns"));

// "lab1 (net:[4026532301])"-like text for a column.
QString namespaceText(const NetNamespace &ns);

} // namespace tcpscope
