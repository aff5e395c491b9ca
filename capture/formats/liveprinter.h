// `tcpscope-cli capture`'s printer: each transition as the tracker records it (never rewritten
// once printed: TcpTracker::markPublished), TIME_WAITs ended on the capture's clock, and the
// finished connections beyond a bound retired from the tracker (FinishedConnections, as the
// window's live worker does), so that a long capture's memory stays bounded: the open
// connections, at most about keepFinished × 1.25 finished ones, and their unprinted changes.
// The connection numbers printed stay those of the whole capture.
#pragma once

#include "packets/finishedconnections.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcpscope {

struct LivePrinterOptions
{
    bool json = false;
    int digits = 6;
    std::size_t keepFinished = 50'000;
    std::int64_t graceNs = 2'000'000'000;     // a finished connection's grace for strays
    std::int64_t expireEveryNs = 250'000'000; // of capture time between TIME_WAIT checks
};

class LivePrinter
{
public:
    LivePrinter(TcpTracker &tracker, LivePrinterOptions options);

    // After each segment (nowNs: the capture's clock, its last packet's time): appends what
    // changed to out, then retires what is over the bound.
    void afterSegment(std::string &out, std::int64_t nowNs);
    // The changes not printed yet (at the end of the stream).
    void flush(std::string &out);

    std::uint64_t connectionsSeen() const { return m_nextNumber; }
    std::uint64_t retired() const { return m_retired; }

private:
    TcpTracker &m_tracker;
    LivePrinterOptions m_options;
    FinishedConnections m_finished;
    std::vector<std::uint32_t> m_numbers; // per kept connection: its number in the output
    std::uint32_t m_nextNumber = 0;
    std::size_t m_printed = 0;
    std::uint64_t m_retired = 0;
    std::int64_t m_lastExpireNs = INT64_MIN;
};

} // namespace tcpscope
