// An IPv4 or IPv6 address as a plain value, printed as inet_ntop prints it.
#pragma once

#include <QString>

#include <string>

#include <array>
#include <cstdint>
#include <cstring>

namespace tcpscope {

struct IpAddress
{
    std::uint8_t family = 0;              // AF_INET or AF_INET6 (0: none)
    std::array<std::uint8_t, 16> bytes{}; // network order; IPv4 uses the first 4

    static IpAddress v4(const void *networkOrder4)
    {
        IpAddress a;
        a.family = 2; // AF_INET
        std::memcpy(a.bytes.data(), networkOrder4, 4);
        return a;
    }
    static IpAddress v6(const void *networkOrder16)
    {
        IpAddress a;
        a.family = 10; // AF_INET6
        std::memcpy(a.bytes.data(), networkOrder16, 16);
        return a;
    }
    static IpAddress parse(const QString &text); // family 0 when it is not an address

    bool isV6() const { return family == 10; }
    // Writes the inet_ntop text and a NUL into out (at least 46 bytes); returns its length.
    int format(char *out) const;
    QString toString() const;

    friend bool operator==(const IpAddress &, const IpAddress &) = default;
};

// "127.0.0.1:8080", "[::1]:8080"; port 0 (a listener's peer) as "*".
std::string endpointChars(const IpAddress &a, std::uint16_t port);
QString endpointText(const IpAddress &a, std::uint16_t port);

} // namespace tcpscope
