#include "packets/inputfile.h"

#include <QFile>

#include <sys/stat.h>

namespace tcpscope {

QString specialFileKind(const QString &path)
{
    struct stat st
    {};
    if (path == u"-" || ::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    if (S_ISREG(st.st_mode))
        return {};
    if (S_ISFIFO(st.st_mode))
        return QStringLiteral("a named pipe (FIFO)");
    if (S_ISCHR(st.st_mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(st.st_mode))
        return QStringLiteral("a block device");
    if (S_ISDIR(st.st_mode))
        return QStringLiteral("a directory");
    if (S_ISSOCK(st.st_mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a regular file");
}

QString refuseSpecialFile(const QString &path)
{
    const QString kind = specialFileKind(path);
    if (kind.isEmpty())
        return {};
    if (kind == u"a directory")
        return QStringLiteral("%1 is a directory, not a capture file").arg(path);
    return QStringLiteral("%1 is %2, not a regular file: tcpscope reads only regular files "
                          "and standard input unless asked, since reading it could wait "
                          "forever (a pipe no one writes to) or never end (a device). Read it "
                          "as standard input (tcpscope-cli summarize - < %1), or pass "
                          "--allow-special-files to read it anyway")
        .arg(path, kind);
}

} // namespace tcpscope
