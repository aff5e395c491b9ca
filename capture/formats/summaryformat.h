// `tcpscope-cli summarize`: every connection of a capture with its final states and full
// history, as JSON (a contract scripts rely on) or text.
#pragma once

#include "packets/capturereader.h"

#include <cstdint>
#include <functional>
#include <string>

namespace tcpscope {

void writeSummaryJson(std::string &out, const TcpTracker &tracker, const ReadStats &stats,
                      const std::function<void(std::string &)> &flush = {});
void writeSummaryText(std::string &out, const TcpTracker &tracker, const ReadStats &stats);

// One line for a live transition: "12:00:01.123456 127.0.0.1:40000 client SYN_SENT -> ..."
// `number`: the connection's number as printed (UINT32_MAX: its id in the tracker; a live
// printer that retires connections keeps the numbers of the whole capture).
void writeChangeText(std::string &out, const TcpTracker &tracker, const StateChange &c, int digits);
void writeChangeJson(std::string &out, const TcpTracker &tracker, const StateChange &c, int digits,
                     std::uint32_t number = UINT32_MAX);

} // namespace tcpscope
