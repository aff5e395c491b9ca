#include "formats/jsonwriter.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tcpscope {

void JsonWriter::value(std::uint64_t v)
{
    separate();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    m_out.append(buf, r.ptr);
}

void JsonWriter::value(std::int64_t v)
{
    separate();
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    m_out.append(buf, r.ptr);
}

void JsonWriter::value(double v, int decimals)
{
    separate();
    if (!std::isfinite(v)) {
        m_out += "null";
        return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    m_out.append(buf, r.ptr);
}

void JsonWriter::appendString(std::string_view s)
{
    m_out += '"';
    bool plain = true; // the common case: nothing to escape, append in one go
    for (char c : s)
        plain &= static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
    if (plain) {
        m_out.append(s);
        m_out += '"';
        return;
    }
    for (char c : s) {
        switch (c) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out += "\\\\";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\t':
            m_out += "\\t";
            break;
        case '\r':
            m_out += "\\r";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                m_out += esc;
            } else {
                m_out += c;
            }
        }
    }
    m_out += '"';
}

} // namespace tcpscope
