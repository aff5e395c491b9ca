// Where a live capture keeps its packets (so that it can be saved and reopened whole): a new
// file only its user can read — packets carry cookies and tokens. Created with O_EXCL and
// mode 0600 in the user's runtime directory ($XDG_RUNTIME_DIR, itself 0700), or, without one,
// in a fresh 0700 directory under the temporary directory.
#pragma once

#include <QString>

#include <cstdio>
#include <memory>

namespace tcpscope {

struct FileCloser
{
    void operator()(FILE *f) const
    {
        if (f)
            std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

// The open file (for writing) and its path in *path; null with a one-line *error otherwise.
FilePtr createKeptPacketsFile(QString *path, QString *error);
// An explicit place (a user's choice, or a test's /dev/full): opened for writing, created
// 0600 if new.
FilePtr openKeptPacketsFile(const QString &path, QString *error);

} // namespace tcpscope
