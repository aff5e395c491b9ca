// A capture file read completely: the tracker with every connection and change, and what the
// reader counted. Qt Core only (the GUI opens files with it on a worker thread, tests and
// benchmarks compare the live worker's deltas with it).
#pragma once

#include "packets/segmentindex.h"
#include "packets/tcptracker.h"

#include <QString>

#include <cstdint>
#include <memory>

namespace tcpscope {

struct CaptureResult
{
    QString path;
    QString error; // a cut-off file keeps what was read and says so here
    std::shared_ptr<const TcpTracker> tracker;
    // The segments, changes and annotations filed per connection (readCapture keeps them;
    // a live view has none yet).
    std::shared_ptr<const SegmentIndex> segments;
    std::uint64_t packets = 0, tcpPackets = 0;
    int digits = 6;
    std::int64_t lastTimeNs = 0;
};

// Reads a capture file completely (call it off the GUI thread). A file that cannot be opened
// gives no tracker and the reason in `error`; so does one that is not a regular file (a FIFO,
// a device) unless allowSpecialFiles.
CaptureResult readCapture(const QString &path, bool allowSpecialFiles = false);

} // namespace tcpscope
