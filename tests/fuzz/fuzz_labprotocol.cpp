// The Lab worker's event stream (`tcpscope-cli lab run NAME --format json`), cut into lines
// as the Lab panel reads it, and its replies. An event read back from what labEventLine()
// writes must be the same event.
#include "fuzzinput.h"
#include "lab/labprotocol.h"

#include <cstdlib>

using namespace tcpscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    fuzz::forEachLine(data, size, [](std::string_view line) {
        parseLabReply(line);
        const auto event = parseLabEvent(QByteArrayView(line.data(), qsizetype(line.size())));
        if (!event)
            return;
        const std::string again = labEventLine(*event);
        const auto back = parseLabEvent(QByteArrayView(again.data(), qsizetype(again.size())));
        if (!back || !(*back == *event))
            std::abort();
    });
    return 0;
}
