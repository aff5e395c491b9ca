// Appends JSON to a byte buffer directly, with no document tree: fast enough to print 100k
// sockets in a fraction of the kernel's own dump time.
#pragma once

#include <QString>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tcpscope {

// Writes JSON text into space the caller reserved (no capacity checks): for the loops that
// print a hundred thousand objects. The caller resizes the string to end() afterwards.
class JsonCursor
{
public:
    explicit JsonCursor(char *p)
        : m_p(p)
    {}
    template<std::size_t N>
    void lit(const char (&s)[N])
    {
        std::memcpy(m_p, s, N - 1);
        m_p += N - 1;
    }
    void text(std::string_view s)
    {
        std::memcpy(m_p, s.data(), s.size());
        m_p += s.size();
    }
    void num(std::uint64_t v) { m_p = std::to_chars(m_p, m_p + 24, v).ptr; }
    template<typename F>
    void with(F &&write) // write(char*) returns the number of bytes it wrote
    {
        m_p += write(m_p);
    }
    char *end() const { return m_p; }

private:
    char *m_p;
};

class JsonWriter
{
public:
    // continuing: the buffer already holds a value or field at this level, so the next one
    // needs a comma.
    explicit JsonWriter(std::string &out, bool continuing = false)
        : m_out(out)
        , m_first(!continuing)
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

    // Keys are the program's own literals: written as they are, without escaping.
    void key(std::string_view k)
    {
        separate();
        m_out += '"';
        m_out.append(k);
        m_out += "\":";
        m_first = true; // the value follows without a comma
    }
    // Text that never needs escaping (addresses, state names): written as it is.
    void plainValue(std::string_view s)
    {
        separate();
        m_out += '"';
        m_out.append(s);
        m_out += '"';
    }
    // A number already formatted (times with their capture's precision).
    void rawValue(std::string_view s)
    {
        separate();
        m_out.append(s);
    }
    void plainField(std::string_view k, std::string_view v)
    {
        key(k);
        plainValue(v);
    }
    void value(std::string_view s)
    {
        separate();
        appendString(s);
    }
    void value(const QString &s)
    {
        const QByteArray utf8 = s.toUtf8();
        value(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    }
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
    bool m_first;
};

} // namespace tcpscope
