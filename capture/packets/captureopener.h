// Opens a capture file (or a saved session) off the GUI thread: the session's kernel timeline,
// if the file holds one, and its packets through the packet engine. The result is handed back
// on the opener's thread; an opener destroyed first (its window closed mid-read) is never
// called back, and the read ends on its own.
#pragma once

#include "formats/sessionfile.h"
#include "packets/capturefile.h"

#include <QObject>

#include <optional>

namespace tcpscope {

struct OpenedCapture
{
    CaptureResult packets;
    std::optional<KernelTimeline> session; // the file was a saved session
    QString sessionError;                  // its timeline could not be read (packets may be)
};

// Reads one file now, on the calling thread. What is not a regular file (a FIFO that may
// never be written to, /dev/zero) is refused with the reason unless allowSpecialFiles; then
// it is read as a stream of packets (no session). Either way the file is streamed: memory
// does not grow with its size.
OpenedCapture openCaptureFile(const QString &path, bool allowSpecialFiles = false);

class CaptureOpener : public QObject
{
    Q_OBJECT
public:
    explicit CaptureOpener(QObject *parent = nullptr);

    // Reads `path` on a thread of its own; opened() follows on this object's thread.
    void open(const QString &path, bool allowSpecialFiles = false);

signals:
    void opened(const tcpscope::OpenedCapture &result);
};

} // namespace tcpscope

Q_DECLARE_METATYPE(tcpscope::OpenedCapture)
