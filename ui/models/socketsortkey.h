// What the kernel table sorts a row by: a few numbers compared in order, then a text (for the
// text columns), then the socket's key, so that rows of equal value keep one fixed order. Made
// once when a row changes (or the sort column does), compared a couple of million times per
// sort of 100k rows: no QVariant, no formatting, no pointer into the rows.
#pragma once

#include "ipaddress.h"

#include <QString>

#include <array>
#include <cstdint>
#include <cstring>

namespace tcpscope {

struct SocketSortKey
{
    std::array<std::uint64_t, 4> value{}; // compared first, in order
    QString text;                         // then this (Process)
    quint64 socket = 0;                   // then the socket's key, ascending in either order
    int slot = -1;                        // the row's place in the model's storage
};

// Whether `a` sorts before `b`; descending reverses the value and the text, not the tie.
inline bool sortsBefore(const SocketSortKey &a, const SocketSortKey &b, bool descending)
{
    if (a.value != b.value)
        return descending ? b.value < a.value : a.value < b.value;
    if (const int c = a.text.compare(b.text); c != 0)
        return descending ? c > 0 : c < 0;
    return a.socket < b.socket;
}

// A double as an unsigned number in the same order (IEEE 754: flip the sign bit of
// positives, every bit of negatives).
inline std::uint64_t orderedBits(double d)
{
    std::uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return (u & (1ULL << 63)) ? ~u : u | (1ULL << 63);
}

// An endpoint's order: the family, the address bytes, the port.
inline void setEndpointKey(SocketSortKey *k, const IpAddress &a, std::uint16_t port)
{
    std::uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; ++i) {
        hi = hi << 8 | a.bytes[std::size_t(i)];
        lo = lo << 8 | a.bytes[std::size_t(i + 8)];
    }
    k->value = {a.family, hi, lo, port};
}

} // namespace tcpscope
