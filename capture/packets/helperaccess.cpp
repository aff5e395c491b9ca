#include "packets/helperaccess.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace tcpscope {
namespace {

QString userName()
{
    const passwd *pw = ::getpwuid(::getuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("$USER");
}

// Is the process itself (not merely /etc/group) a member of gid? A user added to the group
// keeps the old list until the next login.
bool processInGroup(gid_t gid)
{
    if (::getegid() == gid)
        return true;
    const int n = ::getgroups(0, nullptr);
    std::vector<gid_t> groups(std::size_t(n > 0 ? n : 0));
    if (n > 0 && ::getgroups(n, groups.data()) == n) {
        for (gid_t g : groups) {
            if (g == gid)
                return true;
        }
    }
    return false;
}

bool listedInGroup(const group &g, const QString &user)
{
    for (char **m = g.gr_mem; m && *m; ++m) {
        if (QString::fromLocal8Bit(*m) == user)
            return true;
    }
    return false;
}

QString groupAdvice(const QString &program, const group &g)
{
    const QString name = QString::fromLocal8Bit(g.gr_name);
    const QString user = userName();
    if (listedInGroup(g, user))
        return QStringLiteral("%1 may be run by members of the group %2; %3 was added to it "
                              "after this session started: log out and in again (or run "
                              "`newgrp %2`).")
            .arg(program, name, user);
    return QStringLiteral("%1 may be run only by members of the group %2, and %3 is not one: "
                          "ask an administrator to run `sudo usermod -aG %2 %3`, then log out "
                          "and in again.")
        .arg(program, name, user);
}

} // namespace

bool helperIsGroupRestricted(const QString &program)
{
    struct stat st
    {};
    if (::stat(program.toLocal8Bit().constData(), &st) != 0 || (st.st_mode & S_IXOTH))
        return false;
    const group *g = ::getgrgid(st.st_gid);
    return g && std::strcmp(g->gr_name, kHelperGroup) == 0;
}

QString helperStartAdvice(const QString &program, int error)
{
    if (error == EACCES && helperIsGroupRestricted(program)) {
        struct stat st
        {};
        ::stat(program.toLocal8Bit().constData(), &st);
        const group *g = ::getgrgid(st.st_gid);
        if (g && !processInGroup(st.st_gid))
            return groupAdvice(program, *g);
    }
    return QStringLiteral("the capture helper %1 is missing or not executable: %2")
        .arg(program, QString::fromLocal8Bit(std::strerror(error)));
}

} // namespace tcpscope
