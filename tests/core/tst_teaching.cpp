// The teaching text is complete: every state, every arrow of the diagram, every sysctl the
// app explains and every topic has an entry in English and in Simplified Chinese, no field is
// empty, the two languages have the same fields, placeholders, numbers and commands, the
// Chinese uses full-width punctuation, and the corrected myths are there. The behaviours the
// text teaches are shown by the kernel in tst_teachingkernel.
#include "diagramgraph.h"
#include "kernel/systemsettings.h"
#include "packets/ladder.h"
#include "teachingtext.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QVersionNumber>
#include <QXmlStreamReader>

#include <sys/utsname.h>

using namespace tcpscope;

class TestTeaching : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void everySegmentRoleInBothLanguages();
    void everyStateInBothLanguages_data();
    void everyStateInBothLanguages();
    void everyArrowExplained();
    void everySysctlExplained();
    void situationsFillEveryPlaceholder();
    void mythsNamedAndCorrected();
    void brokenDataSaysWhy();
    void interfaceFullyTranslated();

    void chineseUsesFullWidthPunctuation();
    void languagesAgreeOnNumbersAndCommands();
    void topicsExistAndAreLinked();
    void everyFindingExplained();
    void newSysctlsExplained();
    void sysctlsExistHereOrSayWhere();
    void timerInChinese();
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

bool isHan(QChar c) { return c.unicode() >= 0x3400 && c.unicode() <= 0x9fff; }
bool isFullWidthMark(QChar c)
{
    return (c.unicode() >= 0x3000 && c.unicode() <= 0x303f)
           || (c.unicode() >= 0xff00 && c.unicode() <= 0xffef);
}

// Half-width punctuation next to Chinese: `,:;` next to a Han character or a full-width mark,
// `()` next to a Han character ("close()，" is code followed by a full-width comma, fine).
// Qt syntax stays: a menu accelerator "(&F)" keeps the half-width parentheses Qt and Chinese
// menus use, and ";;" separates the filters of a file dialog.
QStringList halfWidthNextToChinese(const QString &s)
{
    QStringList found;
    static const QRegularExpression accelerator(QStringLiteral("\\(&[A-Za-z]\\)"));
    const QString text =
        QString(s).replace(accelerator, QStringLiteral("_&_")).replace(u";;"_qs, u"__"_qs);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        const bool sep = c == u',' || c == u':' || c == u';';
        const bool paren = c == u'(' || c == u')';
        if (!sep && !paren)
            continue;
        const QChar before = i > 0 ? text[i - 1] : QChar(),
                    after = i + 1 < text.size() ? text[i + 1] : QChar();
        const auto chinese = [&](QChar n) {
            return isHan(n) || (sep && isFullWidthMark(n));
        };
        if (chinese(before) || chinese(after))
            found << text.mid(std::max<qsizetype>(0, i - 6), 13);
    }
    return found;
}

// Numbers (not inside names like IPv4 or TCP_LINGER2), `commands` and {placeholders}: what
// must be identical in both languages.
QStringList invariants(const QString &s)
{
    QStringList out;
    static const QRegularExpression number(
        QStringLiteral("(?<![A-Za-z_\\d.])\\d+(?:\\.\\d+)?(?![A-Za-z_\\d-])"));
    static const QRegularExpression command(QStringLiteral("`[^`]+`"));
    static const QRegularExpression placeholder(QStringLiteral("\\{[a-z_]+\\}"));
    QString text = s;
    text.remove(QStringLiteral("4-tuple"));
    for (const QRegularExpression *re : {&command, &placeholder}) {
        for (auto it = re->globalMatch(text); it.hasNext();)
            out << it.next().captured();
    }
    text.remove(command);
    for (auto it = number.globalMatch(text); it.hasNext();)
        out << it.next().captured();
    out.sort();
    return out;
}

} // namespace

// The explanation panel has an entry for every role the ladder gives a segment.
void TestTeaching::everySegmentRoleInBothLanguages()
{
    const TeachingText &t = TeachingText::builtin();
    QCOMPARE(t.segments().size(), std::size_t(SegmentRole::WindowProbe) + 1);
    for (int r = 0; r <= int(SegmentRole::WindowProbe); ++r) {
        const QString id = QLatin1String(segmentRoleId(SegmentRole(r)));
        const TeachingEntry *e = t.segment(id);
        QVERIFY2(e, qPrintable(id));
        for (const char *lang : {"en", "zh"}) {
            const QString l = QLatin1String(lang);
            QVERIFY2(!e->text(l, u"title").isEmpty() && e->text(l, u"body").size() > 100,
                     qPrintable(id + u' ' + l));
        }
        for (const QString &topic : e->topics)
            QVERIFY2(t.topic(topic), qPrintable(id + u' ' + topic));
    }
}

namespace {

std::vector<const TeachingEntry *> allEntries()
{
    std::vector<const TeachingEntry *> out;
    const TeachingText &t = TeachingText::builtin();
    for (const auto *list :
         {&t.states(), &t.transitions(), &t.sysctls(), &t.topics(), &t.findings(), &t.segments()}) {
        for (const TeachingEntry &e : *list)
            out.push_back(&e);
    }
    return out;
}

// Each (context, source, translation) of the Linguist file.
struct TsMessage
{
    QString context, source, translation, type;
};

std::vector<TsMessage> tsMessages(QString *error)
{
    std::vector<TsMessage> out;
    QFile ts(QStringLiteral(TCPSCOPE_SOURCE_DIR "/resources/translations/tcpscope_zh_CN.ts"));
    if (!ts.open(QIODevice::ReadOnly)) {
        *error = ts.errorString();
        return out;
    }
    QXmlStreamReader xml(&ts);
    QString context;
    TsMessage m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name") {
            context = xml.readElementText();
        } else if (xml.name() == u"source") {
            m = TsMessage{context, xml.readElementText(), QString(), QString()};
        } else if (xml.name() == u"translation") {
            m.type = xml.attributes().value(QLatin1String("type")).toString();
            m.translation = xml.readElementText();
            out.push_back(m);
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return out;
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
               {u"myth"_qs, u"situation_unowned"_qs});
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
        for (const QString &field : {u"situation"_qs, u"situation_unowned"_qs}) {
            const QString en = e.text(u"en", field), zh = e.text(u"zh", field);
            QCOMPARE(placeholders(en), placeholders(zh));
            for (const QString &p : placeholders(en))
                QVERIFY2(values.contains(p), qPrintable(e.id + QStringLiteral(": {") + p + u'}'));
            QVERIFY(!fillTemplate(en, values).contains(u'{'));
            QVERIFY(!fillTemplate(zh, values).contains(u'{'));
        }
    }
    // The variant without an owner exists where ownership changes the story.
    for (const TcpState s : {TcpState::SynReceived, TcpState::FinWait1, TcpState::FinWait2}) {
        const TeachingEntry *e = TeachingText::builtin().state(s);
        QVERIFY2(!e->text(u"en", u"situation_unowned").isEmpty(), qPrintable(e->id));
        QVERIFY(situationText(*e, u"en", values, true) != situationText(*e, u"en", values, false));
    }
    // Where there is no variant, both cases read the same.
    const TeachingEntry *tw = TeachingText::builtin().state(TcpState::TimeWait);
    QCOMPARE(situationText(*tw, u"en", values, false), situationText(*tw, u"en", values, true));
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

    // The corrections of the teaching review (wrong and misleading statements).
    const auto has = [&](TcpState s, const char *field, const char *what) {
        const QString text = t.state(s)->text(u"en", QString::fromLatin1(field));
        if (!text.contains(QLatin1String(what)))
            qWarning("%s.%s: %s", qPrintable(rfcName(s)), field, qPrintable(text));
        return text.contains(QLatin1String(what));
    };
    const auto arrow = [&](const char *id, const char *field) {
        return t.transition(QLatin1String(id))->text(u"en", QString::fromLatin1(field));
    };
    QVERIFY(has(TcpState::SynSent, "duration", "6 + 4 = 10 retransmissions since Linux 6.5"));
    QVERIFY(has(TcpState::SynReceived, "meaning", "simultaneous open"));
    QVERIFY(has(TcpState::SynReceived, "meaning", "no descriptor and no process owns it"));
    QVERIFY(has(TcpState::CloseWait, "meaning", "does not acknowledge the FIN at once"));
    QVERIFY(has(TcpState::CloseWait, "meaning", "three segments"));
    QVERIFY(has(TcpState::CloseWait, "myth", "the descriptor leaks"));
    QVERIFY(arrow("ESTABLISHED>CLOSE_WAIT", "action").contains(u"not at once"));
    QVERIFY(has(TcpState::Established, "situation", "whether already sent or still waiting"));
    QVERIFY(has(TcpState::FinWait1, "meaning", "after close() Linux closes both directions"));
    QVERIFY(has(TcpState::SynSent, "pileup", "silently"));
    QVERIFY(has(TcpState::TimeWait, "duration", "restarts the 60 s"));
    QVERIFY(has(TcpState::TimeWait, "duration", "MSL of 2 min"));
    QVERIFY(has(TcpState::TimeWait, "duration", "PAWS"));
    QVERIFY(has(TcpState::TimeWait, "pileup", "EADDRINUSE"));
    QVERIFY(arrow("SYN_RECEIVED>FIN_WAIT_1", "event").contains(u"Only a socket with a descriptor"));
    QVERIFY(
        arrow("LISTEN>SYN_RECEIVED", "action").contains(u"the listener itself stays in LISTEN"));
    QVERIFY(arrow("SYN_RECEIVED>LISTEN", "event")
                .contains(u"only when SYN_RECEIVED was reached from LISTEN"));
    QVERIFY(t.sysctl(u"net.ipv4.tcp_syncookies"_qs)
                ->text(u"en", u"meaning")
                .contains(u"listen() backlog"));
    QVERIFY(t.sysctl(u"net.core.somaxconn"_qs)->text(u"en", u"meaning").contains(u"SYN queue"));
    QVERIFY(t.sysctl(u"net.ipv4.tcp_syn_retries"_qs)
                ->text(u"en", u"not")
                .contains(u"tcp_syn_linear_timeouts"));
    // Chinese names the close the way students learn it.
    QVERIFY(t.topic(u"four-way-close"_qs)->text(u"zh", u"title").contains(u"四次挥手"));
    // No calques left.
    for (const TeachingEntry *e : allEntries()) {
        for (const QString &s : e->zh) {
            for (const char *calque :
                 {"忘记连接", "线路上没有动作", "对方死掉", "同生共死", "本方", "对方"})
                QVERIFY2(!s.contains(QString::fromUtf8(calque)),
                         qPrintable(e->id + QStringLiteral(": ") + QString::fromUtf8(calque)));
        }
    }
}

void TestTeaching::brokenDataSaysWhy()
{
    QString error;
    QVERIFY(!TeachingText::load(u"/nonexistent"_qs, &error));
    QVERIFY2(error.contains(u"states.json"), qPrintable(error));
    QTemporaryDir dir;
    for (const char *name : {"states.json", "transitions.json", "sysctls.json", "topics.json"}) {
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
    // Every interface string of the Linguist file, in every context, has a finished Chinese
    // translation; the export's own context (captions, errors) is among them.
    QString error;
    const std::vector<TsMessage> messages = tsMessages(&error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QSet<QString> contexts;
    for (const TsMessage &m : messages) {
        QVERIFY2(m.type.isEmpty() && !m.translation.isEmpty(),
                 qPrintable(QStringLiteral("not translated in ") + m.context + QStringLiteral(": ")
                            + m.source));
        contexts << m.context;
    }
    QVERIFY(messages.size() > 200);
    QVERIFY2(contexts.contains(u"tcpscope::WindowExport"_qs),
             "the export's captions and errors are not in the .ts");
    QVERIFY2(!contexts.contains(u"tcpscope"_qs), "strings in a context no code asks for");
}

void TestTeaching::chineseUsesFullWidthPunctuation()
{
    QStringList bad;
    for (const TeachingEntry *e : allEntries()) {
        for (auto it = e->zh.begin(); it != e->zh.end(); ++it) {
            for (const QString &s : halfWidthNextToChinese(it.value()))
                bad << e->id + u'.' + it.key() + QStringLiteral(": «") + s + QStringLiteral("»");
        }
    }
    QString error;
    for (const TsMessage &m : tsMessages(&error)) {
        for (const QString &s : halfWidthNextToChinese(m.translation))
            bad << m.context + QStringLiteral(" \"") + m.source.left(30) + QStringLiteral("\": «")
                       + s + QStringLiteral("»");
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join(u'\n')));
    // The lint itself finds what it is for.
    QCOMPARE(halfWidthNextToChinese(u"没有连接:起点"_qs).size(), 1);
    QCOMPARE(halfWidthNextToChinese(u"调用 listen()(→ LISTEN)"_qs).size(), 0);
    QCOMPARE(halfWidthNextToChinese(u"关闭(SHUT_WR)"_qs).size(), 1);
    QVERIFY(halfWidthNextToChinese(u"调用 close()，然后"_qs).isEmpty());
    QVERIFY(halfWidthNextToChinese(u"文件(&F)"_qs).isEmpty());
    QVERIFY(halfWidthNextToChinese(u"PNG 图片 (*.png);;所有文件 (*)"_qs).isEmpty());
}

void TestTeaching::languagesAgreeOnNumbersAndCommands()
{
    QStringList bad;
    for (const TeachingEntry *e : allEntries()) {
        for (auto it = e->en.begin(); it != e->en.end(); ++it) {
            const QStringList en = invariants(it.value()), zh = invariants(e->zh.value(it.key()));
            if (en != zh)
                bad << e->id + u'.' + it.key() + QStringLiteral(": en ") + en.join(u' ')
                           + QStringLiteral(" / zh ") + zh.join(u' ');
        }
    }
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join(u'\n')));
    QCOMPARE(invariants(u"`ss -s` after 60 s on IPv4, {timer}"_qs),
             (QStringList{u"60"_qs, u"`ss -s`"_qs, u"{timer}"_qs}));
}

void TestTeaching::everyFindingExplained()
{
    // Each diagnosis of capture/diagnose has its teaching entry, every field in both languages,
    // states that exist and topics that exist; its line names only numbers the engine gives.
    const TeachingText &t = TeachingText::builtin();
    const QStringList ids{
        u"close-wait-leak"_qs,   u"close-wait-burst"_qs,   u"port-exhaustion"_qs,
        u"accept-queue-full"_qs, u"syn-flood"_qs,          u"fin-wait-2-pileup"_qs,
        u"close-retransmits"_qs, u"orphans-near-limit"_qs, u"syn-sent-pileup"_qs,
        u"dead-peer"_qs,         u"connects-refused"_qs};
    QCOMPARE(qsizetype(t.findings().size()), ids.size());
    for (const QString &id : ids) {
        const TeachingEntry *e = t.finding(id);
        QVERIFY2(e, qPrintable(id));
        checkEntry(*e,
                   {u"title"_qs, u"line"_qs, u"meaning"_qs, u"causes"_qs, u"todo"_qs, u"avoid"_qs,
                    u"confirm"_qs},
                   {});
        for (const QString &s : e->states)
            QVERIFY2(parseTcpState(s), qPrintable(id + u' ' + s));
        for (const QString &topic : e->topics)
            QVERIFY2(t.topic(topic), qPrintable(id + u' ' + topic));
        for (const QString &c : e->text(u"en", u"confirm").split(u'\n'))
            QVERIFY2(c.startsWith(u'`') && c.endsWith(u'`'), qPrintable(id + u' ' + c));
    }
    // The myths the findings correct.
    QVERIFY(t.finding(u"port-exhaustion"_qs)->text(u"en", u"avoid").contains(u"tcp_tw_recycle"));
    QVERIFY(
        t.finding(u"close-wait-leak"_qs)->text(u"en", u"avoid").contains(u"tcp_keepalive_time"));
    QVERIFY(t.finding(u"close-wait-leak"_qs)->text(u"zh", u"avoid").contains(u"7200 s"));
}

void TestTeaching::topicsExistAndAreLinked()
{
    const TeachingText &t = TeachingText::builtin();
    const QStringList wanted{u"close-shutdown"_qs, u"so-linger"_qs,      u"so-reuseaddr"_qs,
                             u"four-way-close"_qs, u"three-way-open"_qs, u"rst"_qs,
                             u"keepalive"_qs,      u"sysctl-howto"_qs};
    for (const QString &id : wanted)
        QVERIFY2(t.topic(id), qPrintable(id));
    QSet<QString> linked;
    for (const TeachingEntry *e : allEntries()) {
        for (const QString &id : e->topics) {
            QVERIFY2(t.topic(id), qPrintable(e->id + QStringLiteral(" links to ") + id));
            if (!t.topic(e->id))
                linked << id; // linked from a state, an arrow or a sysctl
        }
    }
    for (const TeachingEntry &e : t.topics()) {
        checkEntry(e, {u"title"_qs, u"summary"_qs, u"body"_qs}, {u"myth"_qs});
        QVERIFY2(linked.contains(e.id),
                 qPrintable(e.id + QStringLiteral(" is linked from nowhere")));
        QVERIFY(!e.states.isEmpty());
        for (const QString &s : e.states)
            QVERIFY2(parseTcpState(s), qPrintable(e.id + u' ' + s));
    }
    // What the topics must teach.
    const TeachingEntry *close = t.topic(u"four-way-close"_qs);
    QVERIFY(close->text(u"zh", u"body").contains(u"四次挥手"));
    QVERIFY(close->text(u"en", u"body").contains(u"ack = x + 1"));
    QVERIFY(close->text(u"en", u"body").contains(u"consumes one sequence number"));
    QVERIFY(close->text(u"en", u"myth").contains(u"TIME_CLOSE"));
    const QString shut = t.topic(u"close-shutdown"_qs)->text(u"en", u"body");
    for (const char *w : {"fork()", "SHUT_RD", "SHUT_WR", "EPIPE", "SIGPIPE", "ECONNRESET"})
        QVERIFY2(shut.contains(QLatin1String(w)), w);
    const QString linger = t.topic(u"so-linger"_qs)->text(u"en", u"body");
    QVERIFY(linger.contains(u"{1, 0}") && linger.contains(u"{1, N}")
            && linger.contains(u"TCP_LINGER2") && linger.contains(u"no TIME_WAIT"));
    const QString rst = t.topic(u"rst"_qs)->text(u"en", u"body");
    QVERIFY(rst.contains(u"tcp_abort_on_overflow") && rst.contains(u"challenge ACK")
            && rst.contains(u"keepalive"));
    const QString ka = t.topic(u"keepalive"_qs)->text(u"en", u"body");
    QVERIFY(ka.contains(u"last segment received") && ka.contains(u"ETIMEDOUT")
            && ka.contains(u"TCP_USER_TIMEOUT") && ka.contains(u"TCP_KEEPIDLE"));
    const QString how = t.topic(u"sysctl-howto"_qs)->text(u"en", u"body");
    QVERIFY(how.contains(u"/etc/sysctl.d/") && how.contains(u"network namespace"));
    QVERIFY(t.topic(u"so-reuseaddr"_qs)->text(u"en", u"body").contains(u"EADDRINUSE"));
    QVERIFY(t.topic(u"three-way-open"_qs)->text(u"en", u"body").contains(u"old duplicate"));
}

void TestTeaching::newSysctlsExplained()
{
    const TeachingText &t = TeachingText::builtin();
    for (const char *name : {"tcp_syn_linear_timeouts", "tcp_tw_reuse_delay", "tcp_retries1",
                             "tcp_retries2", "tcp_rfc1337", "tcp_abort_on_overflow",
                             "tcp_max_orphans", "tcp_timestamps", "ip_local_reserved_ports"}) {
        const QString id = QStringLiteral("net.ipv4.") + QLatin1String(name);
        QVERIFY2(explainedSysctls().contains(id), name);
        const TeachingEntry *e = t.sysctl(id);
        QVERIFY2(e, name);
        checkEntry(*e, {u"meaning"_qs, u"default"_qs, u"effect"_qs, u"not"_qs}, {});
    }
}

void TestTeaching::sysctlsExistHereOrSayWhere()
{
    // Every sysctl entry names one that exists on this kernel, or says on which kernels it
    // does; a "since" that the running kernel contradicts is wrong too.
    utsname u{};
    uname(&u);
    const QVersionNumber running = QVersionNumber::fromString(QLatin1String(u.release));
    static const QRegularExpression since(QStringLiteral("^(\\d+\\.\\d+)\\+$"));
    static const QRegularExpression removed(QStringLiteral("^removed in (\\d+\\.\\d+)$"));
    for (const TeachingEntry &e : TeachingText::builtin().sysctls()) {
        const bool here =
            QFile::exists(QStringLiteral("/proc/sys/") + QString(e.id).replace(u'.', u'/'));
        if (!here)
            QVERIFY2(
                !e.kernels.isEmpty(),
                qPrintable(e.id + QStringLiteral(" is not on this kernel and does not say where")));
        if (e.kernels.isEmpty())
            continue;
        const auto s = since.match(e.kernels), r = removed.match(e.kernels);
        QVERIFY2(s.hasMatch() || r.hasMatch(), qPrintable(e.id + u' ' + e.kernels));
        const QString version = s.hasMatch() ? s.captured(1) : r.captured(1);
        QVERIFY2(e.text(u"en", u"meaning").contains(version)
                     && e.text(u"zh", u"meaning").contains(version),
                 qPrintable(e.id + QStringLiteral(": the text does not say ") + version));
        const bool shouldExist = s.hasMatch() ? running >= QVersionNumber::fromString(version)
                                              : running < QVersionNumber::fromString(version);
        QVERIFY2(shouldExist == here,
                 qPrintable(e.id + u' ' + e.kernels + QStringLiteral(" vs ") + running.toString()));
    }
}

void TestTeaching::timerInChinese()
{
    QCOMPARE(timerText(u"timewait 35.0 s"_qs, u"en"), u"timewait 35.0 s"_qs);
    const QString tw = timerText(u"timewait 35.0 s"_qs, u"zh");
    QVERIFY2(tw.contains(u"TIME_WAIT 计时器") && tw.contains(u"35.0 s")
                 && !tw.contains(u"timewait"),
             qPrintable(tw));
    QVERIFY(timerText(u"keepalive 12.5 s"_qs, u"zh").contains(u"保活计时器"));
    QVERIFY(timerText(u"on 0.2 s"_qs, u"zh").startsWith(u"重传计时器"));
    QVERIFY(timerText(u"persist 1.0 s"_qs, u"zh").startsWith(u"持续计时器"));
    QCOMPARE(timerText(u"on"_qs, u"zh"), u"重传计时器"_qs);
    // Filled into a Chinese situation, the sentence stays Chinese and well punctuated.
    const TeachingEntry *e = TeachingText::builtin().state(TcpState::TimeWait);
    const QString zh =
        situationText(*e, u"zh", {{u"duration"_qs, u"25 秒"_qs}, {u"timer"_qs, tw}}, false);
    QVERIFY2(!zh.contains(u"timewait") && halfWidthNextToChinese(zh).isEmpty(), qPrintable(zh));
}

QTEST_GUILESS_MAIN(TestTeaching)
#include "tst_teaching.moc"
