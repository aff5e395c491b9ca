// One captured frame through the packet decoder. The first byte picks the link type: each one
// the decoder supports, and one it does not; the rest is the frame.
#include "fuzzlinktypes.h"
#include "packets/packetdecoder.h"

#include <cstdlib>

using namespace tcpscope;
using tcpscope::fuzz::kLinkTypes;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const int linkType = kLinkTypes[data[0] % kLinkTypes.size()];
    const std::size_t caplen = size - 1;
    Segment seg;
    const SkipReason why = decodePacket(linkType, data + 1, caplen, seg);
    if (why == SkipReason::Count
        || isSupportedLinkType(linkType) == (why == SkipReason::UnsupportedLink))
        std::abort(); // a reason out of range, or a supported link refused (or the reverse)
    char flags[32];
    flagsText(seg.flags, flags);
    skipReasonName(why);
    return 0;
}
