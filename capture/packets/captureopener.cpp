#include "packets/captureopener.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>

namespace tcpscope {

OpenedCapture openCaptureFile(const QString &path)
{
    OpenedCapture o;
    o.session = readSessionTimeline(path, &o.sessionError);
    o.packets = readCapture(path);
    return o;
}

CaptureOpener::CaptureOpener(QObject *parent)
    : QObject(parent)
{}

void CaptureOpener::open(const QString &path)
{
    // The guard is copied into the reading thread and checked on this object's thread, where
    // the opener is destroyed: a window closed mid-read is never touched.
    auto *reader = QThread::create([self = QPointer<CaptureOpener>(this), path] {
        OpenedCapture result = openCaptureFile(path);
        QMetaObject::invokeMethod(qApp, [self, result = std::move(result)] {
            if (self)
                Q_EMIT self->opened(result);
        });
    });
    connect(reader, &QThread::finished, reader, &QObject::deleteLater);
    reader->start();
}

} // namespace tcpscope
