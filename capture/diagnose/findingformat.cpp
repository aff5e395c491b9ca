#include "diagnose/findingformat.h"

#include "formats/jsonwriter.h"
#include "teachingtext.h"

#include <cmath>

namespace tcpscope {

namespace {

QHash<QString, QString> values(const Finding &f)
{
    QHash<QString, QString> v;
    for (const auto &[name, n] : f.numbers)
        v.insert(name, findingNumberText(n));
    for (const auto &[name, text] : f.facts)
        v.insert(name, text.isEmpty() ? QStringLiteral("\u2014") : text);
    v.insert(QStringLiteral("subject"), f.subject);
    v.insert(QStringLiteral("pid"), QString::number(f.pid));
    return v;
}

const TeachingEntry *entry(const Finding &f)
{
    return TeachingText::builtin().finding(QString::fromLatin1(findingKindId(f.kind)));
}

} // namespace

QString findingNumberText(double v)
{
    if (v == -1)
        return QStringLiteral("?");
    if (std::abs(v - std::round(v)) < 1e-9)
        return QString::number(qint64(std::llround(v)));
    return QString::number(v, 'f', 1);
}

QString findingTitle(const Finding &f, QStringView language)
{
    const TeachingEntry *e = entry(f);
    return e ? e->text(language, u"title") : QString::fromLatin1(findingKindId(f.kind));
}

QString findingField(const Finding &f, QStringView language, QStringView field)
{
    const TeachingEntry *e = entry(f);
    return e ? fillTemplate(e->text(language, field), values(f)) : QString();
}

QString findingLine(const Finding &f, QStringView language)
{
    return findingField(f, language, u"line");
}

QStringList findingCommands(const Finding &f, QStringView language)
{
    const TeachingEntry *e = entry(f);
    if (!e)
        return {};
    QStringList out;
    for (QString c : fillTemplate(e->text(language, u"confirm"), values(f)).split(u'\n')) {
        c = c.trimmed();
        if (c.startsWith(u'`') && c.endsWith(u'`'))
            c = c.mid(1, c.size() - 2);
        if (!c.isEmpty())
            out << c;
    }
    return out;
}

void writeFindingsJson(JsonWriter &w, const std::vector<Finding> &findings)
{
    w.beginArray();
    for (const Finding &f : findings) {
        w.beginObject();
        w.plainField("kind", findingKindId(f.kind));
        w.plainField("level", findingLevelName(f.level));
        w.field("subject", f.subject);
        w.field("pid", f.pid);
        w.plainField("state", rfcName(f.state).toLatin1().constData());
        w.key("since");
        w.value(f.since, 3);
        w.key("numbers");
        w.beginObject();
        for (const auto &[name, v] : f.numbers) {
            w.key(name.toStdString());
            if (v == -1)
                w.null(); // unknown
            else
                w.value(v, std::abs(v - std::round(v)) < 1e-9 ? 0 : 1);
        }
        w.endObject();
        w.key("facts");
        w.beginObject();
        for (const auto &[name, v] : f.facts)
            w.field(name.toStdString(), v);
        w.endObject();
        w.key("sockets");
        w.beginArray();
        for (std::uint64_t k : f.sockets)
            w.value(k);
        w.endArray();
        w.field("line", findingLine(f, u"en"));
        w.endObject();
    }
    w.endArray();
}

std::string findingsText(const std::vector<Finding> &findings, QStringView language)
{
    QString out;
    for (const Finding &f : findings) {
        out += QStringLiteral("%1  %2  %3\n")
                   .arg(QString::fromLatin1(findingLevelName(f.level)).toUpper(), -8)
                   .arg(findingTitle(f, language), f.subject);
        out += QStringLiteral("    ") + findingLine(f, language) + u'\n';
        for (const QString &c : findingCommands(f, language))
            out += QStringLiteral("    $ ") + c + u'\n';
    }
    return out.toStdString();
}

} // namespace tcpscope
