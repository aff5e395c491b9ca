#include "formats/prometheustext.h"

#include <cmath>
#include <cstdio>

namespace tcpscope {

void PrometheusText::family(std::string_view name, const char *type, std::string_view help)
{
    m_out += "# HELP ";
    m_out += name;
    m_out += ' ';
    m_out += help; // our own text: no backslashes or newlines
    m_out += "\n# TYPE ";
    m_out += name;
    m_out += ' ';
    m_out += type;
    m_out += '\n';
}

void PrometheusText::sample(std::string_view name, Labels labels, double value)
{
    m_out += name;
    if (labels.size() > 0) {
        m_out += '{';
        bool first = true;
        for (const auto &[label, text] : labels) {
            if (!first)
                m_out += ',';
            first = false;
            m_out += label;
            m_out += "=\"";
            appendEscaped(m_out, text);
            m_out += '"';
        }
        m_out += '}';
    }
    m_out += ' ';
    appendNumber(m_out, value);
    m_out += '\n';
}

void PrometheusText::appendEscaped(std::string &out, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

void PrometheusText::appendNumber(std::string &out, double value)
{
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    char buf[32];
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value));
    else
        std::snprintf(buf, sizeof buf, "%.9g", value);
    out += buf;
}

} // namespace tcpscope
