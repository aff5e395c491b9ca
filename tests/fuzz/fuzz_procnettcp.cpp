// The text of /proc/net/tcp and /proc/net/tcp6 (the fallback when sock_diag is refused), read
// as either family; the first byte is part of the text.
#include "kernel/procnettcp.h"

#include <cstdlib>

#include <sys/socket.h>

using namespace tcpscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const int family : {AF_INET, AF_INET6}) {
        std::vector<SocketRecord> records;
        const ProcParseResult r = parseProcNetTcp(text, family, records);
        if (r.parsed < 0 || r.malformed < 0 || std::size_t(r.parsed) != records.size())
            std::abort(); // the counts must say what was appended
    }
    return 0;
}
