// A saved session: a pcapng file whose Custom Block holds the kernel timeline as JSON. An
// input that starts like a pcapng is a whole file (readSessionTimeline); any other is the JSON
// alone (parseTimelineJson). A timeline read is written back and must read back.
#include "formats/sessionfile.h"
#include "fuzzinput.h"

#include <cstdlib>

using namespace tcpscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QString error;
    std::optional<KernelTimeline> timeline;
    if (size >= 4 && std::equal(data, data + 4, "\x0A\x0D\x0D\x0A")) {
        const fuzz::MemFile file(data, size);
        timeline = readSessionTimeline(file.path(), &error);
    } else {
        timeline = parseTimelineJson(
            QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), &error);
    }
    if (!timeline)
        return 0;
    if (!parseTimelineJson(timelineJson(*timeline), &error))
        std::abort(); // what the writer writes, the reader must read
    return 0;
}
