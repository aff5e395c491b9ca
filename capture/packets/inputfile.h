// What a capture path names, looked at before anything opens it. Only regular files (and
// standard input, "-") are read unless the user asks: opening a named pipe that no one writes
// to waits forever, so does reading one whose writer is silent, and a device such as
// /dev/zero never ends.
#pragma once

#include <QString>

namespace tcpscope {

// "a named pipe (FIFO)", "a character device", "a directory"...; empty for a regular file,
// standard input, or a path that does not exist (opening it says so).
QString specialFileKind(const QString &path);

// The one-line refusal for a path that is not a regular file, naming the option that reads
// it anyway (--allow-special-files); empty when the path may be read.
QString refuseSpecialFile(const QString &path);

} // namespace tcpscope
