// A real full filesystem for tests (root only): a tmpfs of a few hundred KB mounted on a
// temporary directory, optionally filled so that only a few KB are left; unmounted when the
// object goes. Tests QSKIP with the reason when not root.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tcpscope::test {

class SmallTmpfs
{
public:
    explicit SmallTmpfs(int kilobytes = 256)
    {
        if (::geteuid() != 0 || !m_dir.isValid())
            return;
        const QByteArray options = "size=" + QByteArray::number(kilobytes) + "k,mode=0700";
        m_mounted = ::mount("tcpscope-test", QFile::encodeName(m_dir.path()).constData(), "tmpfs",
                            MS_NOSUID | MS_NODEV, options.constData())
                    == 0;
    }
    ~SmallTmpfs()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
    }
    SmallTmpfs(const SmallTmpfs &) = delete;
    SmallTmpfs &operator=(const SmallTmpfs &) = delete;

    bool isMounted() const { return m_mounted; }
    QString path(const QString &name = {}) const
    {
        return name.isEmpty() ? m_dir.path() : m_dir.filePath(name);
    }
    // Fills it with a file until only about `leaveBytes` are free.
    bool fillLeaving(qint64 leaveBytes) const
    {
        struct statvfs vfs
        {};
        if (::statvfs(QFile::encodeName(m_dir.path()).constData(), &vfs) != 0)
            return false;
        const qint64 freeBytes = qint64(vfs.f_bavail) * qint64(vfs.f_frsize);
        QFile filler(path(QStringLiteral("filler")));
        if (!filler.open(QIODevice::WriteOnly))
            return false;
        const QByteArray bytes(int(std::max<qint64>(freeBytes - leaveBytes, 0)), 'x');
        return filler.write(bytes) == bytes.size() && filler.flush();
    }
    qint64 freeBytes() const
    {
        struct statvfs vfs
        {};
        ::statvfs(QFile::encodeName(m_dir.path()).constData(), &vfs);
        return qint64(vfs.f_bavail) * qint64(vfs.f_frsize);
    }

private:
    QTemporaryDir m_dir;
    bool m_mounted = false;
};

} // namespace tcpscope::test
