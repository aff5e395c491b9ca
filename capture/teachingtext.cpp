#include "teachingtext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tcpscope {

QString TeachingEntry::text(QStringView language, QStringView field) const
{
    const QHash<QString, QString> &fields = language == u"zh" ? zh : en;
    return fields.value(field.toString());
}

namespace {

bool readEntries(const QString &path, const QString &listName, std::vector<TeachingEntry> *out,
                 QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (doc.isNull()) {
        *error = QStringLiteral("%1 is not valid JSON: %2 at offset %3")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    const QJsonValue list = doc.object().value(listName);
    if (!list.isArray()) {
        *error = QStringLiteral("%1 has no \"%2\" list").arg(path, listName);
        return false;
    }
    for (const QJsonValue &v : list.toArray()) {
        const QJsonObject o = v.toObject();
        TeachingEntry e;
        e.id = o.value(u"id").toString();
        e.kind = o.value(u"kind").toString();
        for (const QJsonValue &s : o.value(u"states").toArray())
            e.states << s.toString();
        for (const QJsonValue &s : o.value(u"topics").toArray())
            e.topics << s.toString();
        e.kernels = o.value(u"kernels").toString();
        const auto fields = [](const QJsonObject &lang) {
            QHash<QString, QString> h;
            for (auto it = lang.begin(); it != lang.end(); ++it)
                h.insert(it.key(), it.value().toString());
            return h;
        };
        e.en = fields(o.value(u"en").toObject());
        e.zh = fields(o.value(u"zh").toObject());
        out->push_back(std::move(e));
    }
    return true;
}

const TeachingEntry *findEntry(const std::vector<TeachingEntry> &list, QStringView id)
{
    for (const TeachingEntry &e : list) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

} // namespace

std::optional<TeachingText> TeachingText::load(const QString &directory, QString *error)
{
    QString ignored;
    QString &why = error ? *error : ignored;
    TeachingText t;
    if (!readEntries(directory + QStringLiteral("/states.json"), QStringLiteral("states"),
                     &t.m_states, &why)
        || !readEntries(directory + QStringLiteral("/transitions.json"),
                        QStringLiteral("transitions"), &t.m_transitions, &why)
        || !readEntries(directory + QStringLiteral("/sysctls.json"), QStringLiteral("sysctls"),
                        &t.m_sysctls, &why)
        || !readEntries(directory + QStringLiteral("/topics.json"), QStringLiteral("topics"),
                        &t.m_topics, &why)
        || !readEntries(directory + QStringLiteral("/findings.json"), QStringLiteral("findings"),
                        &t.m_findings, &why)
        || !readEntries(directory + QStringLiteral("/segments.json"), QStringLiteral("segments"),
                        &t.m_segments, &why))
        return std::nullopt;
    return t;
}

const TeachingText &TeachingText::builtin()
{
    static const TeachingText text = [] {
        QString error;
        if (auto t = load(QStringLiteral(":/teaching"), &error))
            return std::move(*t);
        qWarning("tcpscope: teaching text unavailable: %s", qPrintable(error));
        return TeachingText();
    }();
    return text;
}

const TeachingEntry *TeachingText::state(TcpState s) const
{
    return findEntry(m_states, rfcName(s));
}

const TeachingEntry *TeachingText::transition(const QString &id) const
{
    return findEntry(m_transitions, id);
}

const TeachingEntry *TeachingText::sysctl(const QString &name) const
{
    return findEntry(m_sysctls, name);
}

const TeachingEntry *TeachingText::topic(const QString &id) const
{
    return findEntry(m_topics, id);
}

const TeachingEntry *TeachingText::finding(const QString &id) const
{
    return findEntry(m_findings, id);
}

const TeachingEntry *TeachingText::segment(const QString &id) const
{
    return findEntry(m_segments, id);
}

QString transitionId(TcpState from, TcpState to) { return rfcName(from) + u'>' + rfcName(to); }

QString fillTemplate(QString text, const QHash<QString, QString> &values)
{
    for (auto it = values.begin(); it != values.end(); ++it)
        text.replace(u'{' + it.key() + u'}', it.value());
    return text;
}

bool socketHasOwner(const QString &process)
{
    const QString p = process.trimmed();
    return !p.isEmpty() && !p.startsWith(u'\u2014');
}

QString situationText(const TeachingEntry &state, QStringView language,
                      const QHash<QString, QString> &values, bool hasOwner)
{
    QString text;
    if (!hasOwner)
        text = state.text(language, u"situation_unowned");
    if (text.isEmpty())
        text = state.text(language, u"situation");
    return fillTemplate(text, values);
}

QString timerText(const QString &timer, QStringView language)
{
    if (language != u"zh" || timer.isEmpty())
        return timer;
    // "<kind> <seconds> s", or a bare kind.
    const qsizetype space = timer.indexOf(u' ');
    const QString kind = space < 0 ? timer : timer.left(space);
    const QString left = space < 0 ? QString() : timer.mid(space + 1);
    static const QHash<QString, QString> names{
        {QStringLiteral("on"), QStringLiteral("重传计时器")},
        {QStringLiteral("keepalive"), QStringLiteral("保活计时器")},
        {QStringLiteral("timewait"), QStringLiteral("TIME_WAIT 计时器")},
        {QStringLiteral("persist"), QStringLiteral("持续计时器")},
        {QStringLiteral("off"), QStringLiteral("无计时器")},
    };
    const auto it = names.constFind(kind);
    const QString name = it == names.cend() ? kind : *it;
    return left.isEmpty() ? name : name + QStringLiteral("，剩余 ") + left;
}

} // namespace tcpscope
