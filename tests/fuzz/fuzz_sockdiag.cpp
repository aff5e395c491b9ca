// Netlink sock_diag replies as the kernel sends them: the input is both one datagram
// (parseSockDiagReply) and a recording of datagrams, each after its little-endian u32 length
// (parseRecordedReplies, what `ss -D`-style recordings and tests/data/kernel replay).
#include "kernel/sockdiag.h"

using namespace tcpscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::vector<SocketRecord> records;
    QString error;
    parseSockDiagReply(data, size, records, &error);
    records.clear();
    parseRecordedReplies(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), records,
                         &error);
    return 0;
}
