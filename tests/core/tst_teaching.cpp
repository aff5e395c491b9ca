// The teaching text is complete: every state, every arrow of the diagram and every sysctl
// the app explains has an entry in English and in Simplified Chinese, no field is empty, the
// two languages have the same fields and placeholders, and the corrected myths are there.
#include "diagramgraph.h"
#include "kernel/systemsettings.h"
#include "teachingtext.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace tcpscope;

class TestTeaching : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void everyStateInBothLanguages_data();
    void everyStateInBothLanguages();
    void everyArrowExplained();
    void everySysctlExplained();
    void situationsFillEveryPlaceholder();
    void mythsNamedAndCorrected();
    void brokenDataSaysWhy();
    void interfaceFullyTranslated();
};

namespace {

bool hasCjk(const QString &s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x4e00 && c.unicode() <= 0x9fff)
            return true;
    }
    return false;
}

QSet<QString> placeholders(const QString &s)
{
    QSet<QString> out;
    static const QRegularExpression re(QStringLiteral("\\{([a-z_]+)\\}"));
    for (auto it = re.globalMatch(s); it.hasNext();)
        out << it.next().captured(1);
    return out;
}

// Both languages carry exactly `fields` (plus any of `optional`), none empty; English has no
// Chinese characters and Chinese has some in every prose field.
void checkEntry(const TeachingEntry &e, const QStringList &fields, const QStringList &optional)
{
    for (const QString &lang : {QStringLiteral("en"), QStringLiteral("zh")}) {
        const QHash<QString, QString> &h = lang == u"en" ? e.en : e.zh;
        for (const QString &f : fields)
            QVERIFY2(!h.value(f).trimmed().isEmpty(),
                     qPrintable(e.id + u' ' + lang + u'.' + f + QStringLiteral(" is empty")));
        for (auto it = h.begin(); it != h.end(); ++it) {
            QVERIFY2(fields.contains(it.key()) || optional.contains(it.key()),
                     qPrintable(e.id + QStringLiteral(": unknown field ") + it.key()));
            QVERIFY2(!it.value().trimmed().isEmpty(),
                     qPrintable(e.id + u' ' + lang + u'.' + it.key() + QStringLiteral(" empty")));
            if (lang == u"en")
                QVERIFY2(!hasCjk(it.value()), qPrintable(e.id + u'.' + it.key()));
        }
    }
    QCOMPARE(QSet<QString>(e.en.keyBegin(), e.en.keyEnd()),
             QSet<QString>(e.zh.keyBegin(), e.zh.keyEnd()));
    for (auto it = e.zh.begin(); it != e.zh.end(); ++it) {
        // Labels, defaults and commands may be pure notation ("60 s", "`ss -tan ...`");
        // prose is translated.
        static const QStringList notation{u"label"_qs, u"default"_qs, u"confirm"_qs};
        if (!notation.contains(it.key()))
            QVERIFY2(hasCjk(it.value()), qPrintable(e.id + QStringLiteral(".zh.") + it.key()));
    }
}

} // namespace

void TestTeaching::initTestCase()
{
    Q_INIT_RESOURCE(resources);
    QVERIFY(!TeachingText::builtin().states().empty());
}

void TestTeaching::everyStateInBothLanguages_data()
{
    QTest::addColumn<int>("state");
    for (int i = 0; i < kTcpStateCount; ++i)
        QTest::newRow(qPrintable(rfcName(stateAt(i)))) << i;
}

void TestTeaching::everyStateInBothLanguages()
{
    QFETCH(int, state);
    const TeachingEntry *e = TeachingText::builtin().state(stateAt(state));
    QVERIFY(e);
    checkEntry(*e,
               {u"summary"_qs, u"meaning"_qs, u"enters"_qs, u"leaves"_qs, u"duration"_qs,
                u"pileup"_qs, u"confirm"_qs, u"situation"_qs},
               {u"myth"_qs});
    QCOMPARE(int(TeachingText::builtin().states().size()), kTcpStateCount);
}

void TestTeaching::everyArrowExplained()
{
    const TeachingText &t = TeachingText::builtin();
    QSet<QString> used;
    for (const DiagramEdge &edge : diagramEdges()) {
        const TeachingEntry *e = t.transition(edge.teachingId);
        QVERIFY2(e, qPrintable(edge.teachingId));
        used << edge.teachingId;
        checkEntry(*e, {u"label"_qs, u"event"_qs, u"action"_qs, u"why"_qs}, {});
        QCOMPARE(e->kind, edge.kind == EdgeKind::Rfc ? u"rfc"_qs : u"extra"_qs);
    }
    // No entry that no arrow uses: the data and the diagram describe the same figure.
    for (const TeachingEntry &e : t.transitions())
        QVERIFY2(used.contains(e.id), qPrintable(e.id + QStringLiteral(" has no arrow")));
    int rfc = 0;
    for (const TeachingEntry &e : t.transitions())
        rfc += e.kind == u"rfc";
    QCOMPARE(rfc, 20); // RFC 9293 Figure 5 draws twenty transitions
}

void TestTeaching::everySysctlExplained()
{
    const TeachingText &t = TeachingText::builtin();
    for (const QString &name : explainedSysctls()) {
        const TeachingEntry *e = t.sysctl(name);
        QVERIFY2(e, qPrintable(name));
        checkEntry(*e, {u"meaning"_qs, u"default"_qs, u"effect"_qs, u"not"_qs}, {});
        QVERIFY(!e->states.isEmpty());
        for (const QString &s : e->states)
            QVERIFY2(parseTcpState(s), qPrintable(name + u' ' + s));
    }
    QVERIFY(t.sysctl(u"net.ipv4.tcp_tw_recycle"_qs)); // removed, and still recommended online
}

void TestTeaching::situationsFillEveryPlaceholder()
{
    const QHash<QString, QString> values{{u"duration"_qs, u"12 min"_qs},
                                         {u"process"_qs, u"nginx (pid 412)"_qs},
                                         {u"recvq"_qs, u"1"_qs},
                                         {u"sendq"_qs, u"0"_qs},
                                         {u"timer"_qs, u"timewait 41.0 s"_qs}};
    for (const TeachingEntry &e : TeachingText::builtin().states()) {
        const QString en = e.text(u"en", u"situation"), zh = e.text(u"zh", u"situation");
        QCOMPARE(placeholders(en), placeholders(zh));
        for (const QString &p : placeholders(en))
            QVERIFY2(values.contains(p), qPrintable(e.id + QStringLiteral(": {") + p + u'}'));
        QVERIFY(!fillTemplate(en, values).contains(u'{'));
        QVERIFY(!fillTemplate(zh, values).contains(u'{'));
    }
    const TeachingEntry *cw = TeachingText::builtin().state(TcpState::CloseWait);
    const QString filled = fillTemplate(cw->text(u"en", u"situation"), values);
    QVERIFY2(filled.contains(u"12 min") && filled.contains(u"nginx (pid 412)")
                 && filled.contains(u"close()"),
             qPrintable(filled));
}

void TestTeaching::mythsNamedAndCorrected()
{
    // FACTS.md's corrections, where students meet the myths.
    const TeachingText &t = TeachingText::builtin();
    const QString tw = t.state(TcpState::TimeWait)->text(u"en", u"myth");
    QVERIFY2(tw.contains(u"tcp_tw_recycle") && tw.contains(u"4.12")
                 && tw.contains(u"tcp_fin_timeout"),
             qPrintable(tw));
    QVERIFY(t.state(TcpState::TimeWait)->text(u"en", u"duration").contains(u"60 s"));
    const QString cw = t.state(TcpState::CloseWait)->text(u"en", u"myth");
    QVERIFY2(cw.contains(u"7200") && cw.contains(u"no timer") && cw.contains(u"SO_KEEPALIVE"),
             qPrintable(cw));
    QVERIFY(t.state(TcpState::CloseWait)->text(u"en", u"duration").contains(u"no timer"));
    QVERIFY(t.sysctl(u"net.ipv4.tcp_fin_timeout"_qs)->text(u"en", u"not").contains(u"TIME_WAIT"));
    QVERIFY(t.sysctl(u"net.ipv4.ip_local_port_range"_qs)->text(u"en", u"default")
            == u"32768 60999");
    QVERIFY(t.sysctl(u"net.ipv4.tcp_syncookies"_qs)->text(u"en", u"default") == u"1");
    QVERIFY(t.state(TcpState::LastAck)->text(u"en", u"myth").contains(u"CLOSE_WAIT"));
}

void TestTeaching::brokenDataSaysWhy()
{
    QString error;
    QVERIFY(!TeachingText::load(u"/nonexistent"_qs, &error));
    QVERIFY2(error.contains(u"states.json"), qPrintable(error));
    QTemporaryDir dir;
    for (const char *name : {"states.json", "transitions.json", "sysctls.json"}) {
        QFile f(dir.filePath(QLatin1String(name)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(name == QByteArray("transitions.json") ? "{\"transitions\": [ {\"id\": " : "{}");
    }
    QVERIFY(!TeachingText::load(dir.path(), &error));
    QVERIFY2(error.contains(u"states") && error.contains(u"list"), qPrintable(error));
    QFile states(dir.filePath(u"states.json"_qs));
    QVERIFY(states.open(QIODevice::WriteOnly));
    states.write("{\"states\": []}");
    states.close();
    QVERIFY(!TeachingText::load(dir.path(), &error));
    QVERIFY2(error.contains(u"not valid JSON") && error.contains(u"offset"), qPrintable(error));
}

void TestTeaching::interfaceFullyTranslated()
{
    // Every interface string of the Linguist file has a Chinese translation, finished.
    QFile ts(QStringLiteral(TCPSCOPE_SOURCE_DIR "/resources/translations/tcpscope_zh_CN.ts"));
    QVERIFY(ts.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"source") {
            source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            const QString text = xml.readElementText();
            QVERIFY2(type.isEmpty() && !text.isEmpty(),
                     qPrintable(QStringLiteral("not translated: ") + source));
            ++messages;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 200);
}

QTEST_GUILESS_MAIN(TestTeaching)
#include "tst_teaching.moc"
