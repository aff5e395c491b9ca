#include "lab/labnarration.h"

#include "teachingtext.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

// The narration is compiled into tcpscope_resources; whoever reads it first registers it.
static void registerLabResources() { Q_INIT_RESOURCE(resources); }

namespace tcpscope {

namespace {

LabText textOf(const QJsonObject &o)
{
    return {o.value(u"en").toString(), o.value(u"zh").toString()};
}

// [{"id": ..., "en": ..., "zh": ...}, ...] in the order written.
std::vector<std::pair<QString, LabText>> textList(const QJsonValue &list)
{
    std::vector<std::pair<QString, LabText>> out;
    for (const QJsonValue &v : list.toArray())
        out.emplace_back(v.toObject().value(u"id").toString(), textOf(v.toObject()));
    return out;
}

const LabText *findText(const std::vector<std::pair<QString, LabText>> &list, QStringView id)
{
    for (const auto &[key, text] : list) {
        if (key == id)
            return &text;
    }
    return nullptr;
}

std::optional<QJsonObject> readObject(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("%1 is not a JSON object: %2 at offset %3")
                     .arg(path, parseError.errorString())
                     .arg(parseError.offset);
        return std::nullopt;
    }
    return doc.object();
}

} // namespace

std::optional<LabNarration> LabNarration::load(const QString &path, QString *error)
{
    QString ignored;
    QString &why = error ? *error : ignored;
    const std::optional<QJsonObject> root = readObject(path, &why);
    if (!root)
        return std::nullopt;
    for (const char *list : {"common_steps", "scenarios", "notes"}) {
        if (!root->value(QLatin1String(list)).isArray()) {
            why = QStringLiteral("%1 has no \"%2\" list").arg(path, QLatin1String(list));
            return std::nullopt;
        }
    }
    LabNarration n;
    n.m_common = textList(root->value(u"common_steps"));
    n.m_notes = textList(root->value(u"notes"));
    for (const QJsonValue &v : root->value(u"scenarios").toArray()) {
        const QJsonObject o = v.toObject();
        n.m_scenarios.push_back({o.value(u"id").toString(), textOf(o.value(u"title").toObject()),
                                 textOf(o.value(u"summary").toObject()),
                                 textList(o.value(u"steps"))});
    }
    return n;
}

const LabNarration &LabNarration::builtin()
{
    static const LabNarration narration = [] {
        registerLabResources();
        QString error;
        if (auto n = load(QStringLiteral(":/lab/scenarios.json"), &error))
            return std::move(*n);
        qWarning("tcpscope: the Lab's narration is unavailable: %s", qPrintable(error));
        return LabNarration();
    }();
    return narration;
}

const LabScenarioText *LabNarration::scenario(const QString &id) const
{
    for (const LabScenarioText &s : m_scenarios) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

const LabText *LabNarration::step(const QString &scenarioId, const QString &stepId) const
{
    if (const LabScenarioText *s = scenario(scenarioId)) {
        if (const LabText *t = findText(s->steps, stepId))
            return t;
    }
    return findText(m_common, stepId);
}

const LabText *LabNarration::note(const QString &id) const { return findText(m_notes, id); }

QString LabNarration::render(const LabNote &n, QStringView language) const
{
    if (const LabText *t = note(n.id))
        return fillTemplate(t->in(language), n.args);
    QStringList args;
    for (auto it = n.args.begin(); it != n.args.end(); ++it)
        args << it.key() + u'=' + it.value();
    return n.id + u' ' + args.join(u' ');
}

} // namespace tcpscope
