#include "packets/capturefile.h"

#include "packets/capturereader.h"

namespace tcpscope {

CaptureResult readCapture(const QString &path, bool allowSpecialFiles)
{
    CaptureResult r;
    r.path = path;
    CaptureReader reader;
    reader.setAllowSpecialFiles(allowSpecialFiles);
    auto tracker = std::make_shared<TcpTracker>();
    QString error;
    if (!reader.open(path, &error)) {
        r.error = error;
        return r;
    }
    if (!reader.read(*tracker, &error))
        r.error = error;
    tracker->finish(reader.stats().lastTimeNs);
    r.packets = reader.stats().packets;
    r.tcpPackets = reader.stats().tcpPackets;
    r.digits = reader.stats().precisionDigits;
    r.lastTimeNs = reader.stats().lastTimeNs;
    r.tracker = std::move(tracker);
    return r;
}

} // namespace tcpscope
