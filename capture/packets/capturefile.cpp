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
    auto index = std::make_shared<SegmentIndex>();
    const TcpTracker &t = *tracker;
    reader.setSegmentObserver([&t, &index](const Segment &s) {
        const std::uint32_t conn = t.lastConnection();
        index->add(conn, t.connections()[conn], s);
    });
    QString error;
    if (!reader.open(path, &error)) {
        r.error = error;
        return r;
    }
    reader.reserveFor(*tracker);
    if (!reader.read(*tracker, &error))
        r.error = error;
    tracker->finish(reader.stats().lastTimeNs);
    r.packets = reader.stats().packets;
    r.tcpPackets = reader.stats().tcpPackets;
    r.digits = reader.stats().precisionDigits;
    r.lastTimeNs = reader.stats().lastTimeNs;
    index->fileEngineRecord(*tracker);
    r.tracker = std::move(tracker);
    r.segments = std::move(index);
    return r;
}

} // namespace tcpscope
