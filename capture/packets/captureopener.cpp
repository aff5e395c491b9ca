#include "packets/captureopener.h"

#include "packets/inputfile.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

namespace tcpscope {

OpenedCapture openCaptureFile(const QString &path, bool allowSpecialFiles)
{
    OpenedCapture o;
    // A session is looked for in regular files only: a stream can be read only once.
    if (specialFileKind(path).isEmpty())
        o.session = readSessionTimeline(path, &o.sessionError);
    o.packets = readCapture(path, allowSpecialFiles);
    return o;
}

CaptureOpener::CaptureOpener(QObject *parent)
    : QObject(parent)
{}

void CaptureOpener::open(const QString &path, bool allowSpecialFiles)
{
    // The guard is copied into the reading thread and checked on this object's thread, where
    // the opener is destroyed: a window closed mid-read is never touched.
    auto *reader = QThread::create([self = QPointer<CaptureOpener>(this), path, allowSpecialFiles] {
        OpenedCapture result = openCaptureFile(path, allowSpecialFiles);
        QMetaObject::invokeMethod(qApp, [self, result = std::move(result)] {
            if (self)
                Q_EMIT self->opened(result);
        });
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

} // namespace tcpscope
