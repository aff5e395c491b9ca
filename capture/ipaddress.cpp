#include "ipaddress.h"

#include <arpa/inet.h>

namespace tcpscope {

int IpAddress::format(char *out) const
{
    if (family == AF_INET) { // as inet_ntop prints it, without its sprintf
        char *p = out;
        for (int i = 0; i < 4; ++i) {
            unsigned v = bytes[std::size_t(i)];
            if (v >= 100) {
                *p++ = char('0' + v / 100);
                v %= 100;
                *p++ = char('0' + v / 10);
            } else if (v >= 10) {
                *p++ = char('0' + v / 10);
            }
            *p++ = char('0' + v % 10);
            if (i < 3)
                *p++ = '.';
        }
        *p = '\0';
        return int(p - out);
    }
    if (family != AF_INET6) {
        out[0] = '\0';
        return 0;
    }
    if (!inet_ntop(family, bytes.data(), out, INET6_ADDRSTRLEN)) {
        out[0] = '\0';
        return 0;
    }
    return static_cast<int>(std::strlen(out));
}

std::string endpointChars(const IpAddress &a, std::uint16_t port)
{
    char buf[64];
    const int n = a.format(buf);
    std::string s;
    if (a.isV6())
        s = "[" + std::string(buf, std::size_t(n)) + "]";
    else
        s.assign(buf, std::size_t(n));
    return s + ":" + (port ? std::to_string(port) : std::string("*"));
}

QString endpointText(const IpAddress &a, std::uint16_t port)
{
    return QString::fromStdString(endpointChars(a, port));
}

QString IpAddress::toString() const
{
    char buf[INET6_ADDRSTRLEN];
    const int n = format(buf);
    return QString::fromLatin1(buf, n);
}

IpAddress IpAddress::parse(const QString &text)
{
    const QByteArray latin = text.trimmed().toLatin1();
    IpAddress a;
    if (inet_pton(AF_INET, latin.constData(), a.bytes.data()) == 1) {
        a.family = AF_INET;
    } else if (inet_pton(AF_INET6, latin.constData(), a.bytes.data()) == 1) {
        a.family = AF_INET6;
    } else {
        a = IpAddress{};
    }
    return a;
}

} // namespace tcpscope
