// The Prometheus text exposition format (version 0.0.4): metric families with their HELP and
// TYPE lines, label values escaped, numbers as Prometheus reads them. No HTTP: the caller
// sends the text (tcpscope-cli serve) or checks it (tests).
#pragma once

#include <QString>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tcpscope {

class PrometheusText
{
public:
    using Labels = std::initializer_list<std::pair<const char *, QString>>;

    explicit PrometheusText(std::string &out)
        : m_out(out)
    {}

    // "# HELP name help" and "# TYPE name type" (gauge, counter, untyped).
    void family(std::string_view name, const char *type, std::string_view help);
    // name{label="value",...} value
    void sample(std::string_view name, Labels labels, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }

    // Backslash, double quote and newline escaped, as label values need.
    static void appendEscaped(std::string &out, const QString &value);
    static void appendNumber(std::string &out, double value);

private:
    std::string &m_out;
};

// Content-Type of the text format.
inline constexpr const char *kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace tcpscope
