// Appends JSON to a byte buffer directly, with no document tree: fast enough to print 100k
// sockets in a fraction of the kernel's own dump time.
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

namespace tcpscope {

class JsonWriter
{
public:
    explicit JsonWriter(std::string &out)
        : m_out(out)
    {}

    void beginObject()
    {
        separate();
        m_out += '{';
        m_first = true;
    }
    void endObject()
    {
        m_out += '}';
        m_first = false;
    }
    void beginArray()
    {
        separate();
        m_out += '[';
        m_first = true;
    }
    void endArray()
    {
        m_out += ']';
        m_first = false;
    }

    void key(std::string_view k)
    {
        separate();
        appendString(k);
        m_out += ':';
        m_first = true; // the value follows without a comma
    }
    void value(std::string_view s)
    {
        separate();
        appendString(s);
    }
    void value(const QString &s) { value(std::string_view(s.toUtf8().toStdString())); }
    void value(std::uint64_t v);
    void value(std::int64_t v);
    void value(int v) { value(std::int64_t(v)); }
    void value(unsigned v) { value(std::uint64_t(v)); }
    void value(bool b)
    {
        separate();
        m_out += b ? "true" : "false";
    }
    void value(double v, int decimals);
    void null()
    {
        separate();
        m_out += "null";
    }

    template<typename T>
    void field(std::string_view k, const T &v)
    {
        key(k);
        value(v);
    }

private:
    void separate()
    {
        if (!m_first)
            m_out += ',';
        m_first = false;
    }
    void appendString(std::string_view s);

    std::string &m_out;
    bool m_first = true;
};

} // namespace tcpscope
