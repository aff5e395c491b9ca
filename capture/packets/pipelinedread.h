// Reading a whole capture on two threads: a second thread reads and decodes it (the
// CaptureReader) in batches of segments while the calling thread hands them to the tracker.
// The record, the reader's stats and the error are those of reader.read(tracker, error); the
// time is about that of the slower half instead of the sum (summarize of a large file).
#pragma once

#include "packets/capturereader.h"

namespace tcpscope {

// The reader must have no segment observer: it would be called on the reading thread. The
// reader is the reading thread's until this returns.
bool readPipelined(CaptureReader &reader, TcpTracker &tracker, QString *error);

} // namespace tcpscope
