// The capture helper's standard error, cut into lines as CaptureHelper::readErrors() does:
// each line is a stats line (helperprotocol.h) or a message. A stats line read back from
// what formatStats() writes must give the same counters.
#include "fuzzinput.h"
#include "packets/helperprotocol.h"

#include <cstdlib>

using namespace tcpscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    fuzz::forEachLine(data, size, [](std::string_view line) {
        const auto stats = helperprotocol::parseStats(line);
        if (!stats)
            return;
        if (helperprotocol::hasControlCharacter(line))
            std::abort(); // a stats line is printable: nothing may forge one
        const std::string again = helperprotocol::formatStats(*stats);
        const auto back =
            helperprotocol::parseStats(std::string_view(again).substr(0, again.size() - 1));
        if (!back || back->received != stats->received || back->dropped != stats->dropped
            || back->ifdropped != stats->ifdropped || back->final != stats->final)
            std::abort();
    });
    return 0;
}
