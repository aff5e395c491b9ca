#include "kernel/netnsdiscovery.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <map>
#include <sys/stat.h>

namespace tcpscope {

std::optional<std::uint32_t> namespaceInode(const QString &path)
{
    struct stat st
    {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return std::uint32_t(st.st_ino);
}

std::uint32_t ownNamespaceInode(const QString &procRoot)
{
    return namespaceInode(procRoot + QStringLiteral("/thread-self/ns/net"))
        .value_or(namespaceInode(procRoot + QStringLiteral("/self/ns/net")).value_or(0));
}

QString containerFromCgroup(const QByteArray &cgroupText)
{
    static const QRegularExpression docker(QStringLiteral("docker[-/]([0-9a-f]{12,64})"));
    static const QRegularExpression podman(QStringLiteral("libpod-(?:conmon-)?([0-9a-f]{12,64})"));
    static const QRegularExpression kube(QStringLiteral("kubepods[^\\n]*?pod([0-9a-f_-]{8,36})"));
    const QString text = QString::fromUtf8(cgroupText);
    if (const auto m = podman.match(text); m.hasMatch())
        return QStringLiteral("podman ") + m.captured(1).left(12);
    if (const auto m = kube.match(text); m.hasMatch())
        return QStringLiteral("kubepods pod") + m.captured(1).left(8);
    if (const auto m = docker.match(text); m.hasMatch())
        return QStringLiteral("docker ") + m.captured(1).left(12);
    return {};
}

namespace {

QByteArray readSmall(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.read(8192) : QByteArray();
}

QString processLabel(const QString &procRoot, int pid)
{
    const QString dir = procRoot + u'/' + QString::number(pid);
    const QString container = containerFromCgroup(readSmall(dir + QStringLiteral("/cgroup")));
    if (!container.isEmpty())
        return container;
    const QString comm = QString::fromUtf8(readSmall(dir + QStringLiteral("/comm"))).trimmed();
    return QStringLiteral("%1 (pid %2)").arg(comm.isEmpty() ? QStringLiteral("?") : comm).arg(pid);
}

std::vector<int> pidsOf(const QString &procRoot)
{
    std::vector<int> pids;
    const QStringList entries = QDir(procRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool ok = false;
        const int pid = e.toInt(&ok);
        if (ok && pid > 0)
            pids.push_back(pid);
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

} // namespace

std::vector<NetNamespace> discoverNamespaces(const QString &procRoot, const QString &netnsDir)
{
    const std::uint32_t own = ownNamespaceInode(procRoot);
    std::vector<NetNamespace> out;
    out.push_back({own, {}, 0, QStringLiteral("host"), true});
    std::map<std::uint32_t, std::size_t> seen{{own, 0}};
    QStringList names = QDir(netnsDir).entryList(QDir::Files | QDir::NoDotAndDotDot);
    names.sort();
    for (const QString &name : names) {
        const auto inode = namespaceInode(netnsDir + u'/' + name);
        if (!inode || *inode == 0)
            continue;
        if (const auto it = seen.find(*inode); it != seen.end()) {
            if (out[it->second].name.isEmpty() && !out[it->second].own) {
                out[it->second].name = name;
                out[it->second].label = name;
            }
            continue;
        }
        seen.emplace(*inode, out.size());
        out.push_back({*inode, name, 0, name, false});
    }
    for (const int pid : pidsOf(procRoot)) {
        const auto inode =
            namespaceInode(procRoot + u'/' + QString::number(pid) + QStringLiteral("/ns/net"));
        if (!inode)
            continue;
        if (const auto it = seen.find(*inode); it != seen.end()) {
            if (out[it->second].pid == 0 && !out[it->second].own)
                out[it->second].pid = pid; // a named namespace with a process inside
            continue;
        }
        seen.emplace(*inode, out.size());
        out.push_back({*inode, {}, pid, processLabel(procRoot, pid), false});
    }
    return out;
}

QString namespaceText(const NetNamespace &ns)
{
    return QStringLiteral("%1 (net:[%2])").arg(ns.label).arg(ns.inode);
}

} // namespace tcpscope
