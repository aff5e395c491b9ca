#include "packets/keptpackets.h"

#include <QDir>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tcpscope {

namespace {

// A directory only this user can enter: the runtime directory if it is one, else a new one.
QString privateDirectory(QString *error)
{
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    struct stat st
    {};
    if (!runtime.isEmpty() && ::stat(QFile::encodeName(runtime).constData(), &st) == 0
        && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0)
        return runtime;
    QTemporaryDir dir(QDir::temp().filePath(QStringLiteral("tcpscope-XXXXXX")));
    if (!dir.isValid()) {
        *error = QStringLiteral("cannot make a private directory for the live packets: %1")
                     .arg(dir.errorString());
        return {};
    }
    dir.setAutoRemove(false); // it holds the file until the tab goes
    ::chmod(QFile::encodeName(dir.path()).constData(), 0700);
    return dir.path();
}

FilePtr fromFd(int fd, const QString &path, QString *error)
{
    FILE *f = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
    if (!f) {
        *error = QStringLiteral("cannot write %1: %2")
                     .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
    }
    return FilePtr(f);
}

} // namespace

FilePtr createKeptPacketsFile(QString *path, QString *error)
{
    const QString dir = privateDirectory(error);
    if (dir.isEmpty())
        return nullptr;
    // QTemporaryFile creates with O_CREAT | O_EXCL and mode 0600.
    QTemporaryFile file(QDir(dir).filePath(QStringLiteral("tcpscope-live-XXXXXX.pcap")));
    file.setAutoRemove(false);
    if (!file.open()) {
        *error = QStringLiteral("cannot create the live packets file in %1: %2")
                     .arg(dir, file.errorString());
        return nullptr;
    }
    *path = file.fileName();
    ::fchmod(file.handle(), 0600);
    return fromFd(::dup(file.handle()), *path, error);
}

FilePtr openKeptPacketsFile(const QString &path, QString *error)
{
    const int fd =
        ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    return fromFd(fd, path, error);
}

} // namespace tcpscope
