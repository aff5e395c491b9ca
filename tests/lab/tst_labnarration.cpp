// The Lab's narration (resources/lab/scenarios.json) is complete and faithful: every scenario
// and step has its words in English and Simplified Chinese, none empty, nothing in the data
// that no scenario plays; both languages carry the same placeholders, numbers, calls, state
// names and sysctls; and the Chinese uses full-width punctuation next to Chinese characters.
#include "lab/labnarration.h"
#include "lab/labscenario.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace tcpscope;

namespace {

bool isHan(QChar c) { return c.unicode() >= 0x3400 && c.unicode() <= 0x9fff; }

bool hasHan(const QString &s) { return std::any_of(s.begin(), s.end(), isHan); }

// ASCII , : ; ( ) right beside a Chinese character: "close():它" or "(FIN_WAIT_1" after
// "发出". Empty when the text is clean; else the offending spot in context.
QString asciiPunctuationBesideHan(const QString &s)
{
    static const QString ascii = QStringLiteral(",:;()");
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (!ascii.contains(s[i]))
            continue;
        const bool before = i > 0 && isHan(s[i - 1]);
        const bool after = i + 1 < s.size() && isHan(s[i + 1]);
        if (before || after)
            return u"“"_qs + s.mid(std::max<qsizetype>(0, i - 6), 13) + u"”"_qs;
    }
    return QString();
}

QSet<QString> matches(const QString &s, const QRegularExpression &re)
{
    QSet<QString> out;
    for (auto it = re.globalMatch(s); it.hasNext();)
        out << it.next().captured(0);
    return out;
}

// What is wrong with a text, or empty. A translation keeps as they are: placeholders,
// numbers, calls ("close()", "shutdown(SHUT_WR)"), upper-case names (states, flags, errors)
// and sysctls.
QString unfaithful(const LabText &t)
{
    if (t.en.trimmed().isEmpty() || t.zh.trimmed().isEmpty())
        return u"a language is empty"_qs;
    if (hasHan(t.en))
        return u"Chinese in the English"_qs;
    if (!hasHan(t.zh))
        return u"the Chinese is not translated"_qs;
    static const QRegularExpression kept[] = {
        QRegularExpression(QStringLiteral("\\{[a-z_]+\\}")),
        QRegularExpression(QStringLiteral("\\d+(\\.\\d+)*")),
        QRegularExpression(QStringLiteral("[a-z_0-9]+\\([A-Z_]*\\)")),
        QRegularExpression(QStringLiteral("[A-Z][A-Z0-9_]+")),
        QRegularExpression(QStringLiteral("[a-z0-9]+(_[a-z0-9]+)+")),
    };
    for (const QRegularExpression &re : kept) {
        const QSet<QString> en = matches(t.en, re), zh = matches(t.zh, re);
        if (en != zh)
            return u"English has "_qs + QStringList(en.begin(), en.end()).join(u' ')
                   + u"; Chinese has "_qs + QStringList(zh.begin(), zh.end()).join(u' ');
    }
    const QString spot = asciiPunctuationBesideHan(t.zh);
    return spot.isEmpty() ? QString() : u"ASCII punctuation beside Chinese characters: "_qs + spot;
}

void checkFaithful(const LabText &t, const QString &where)
{
    const QString problem = unfaithful(t);
    QVERIFY2(problem.isEmpty(), qPrintable(where + u": "_qs + problem));
}

} // namespace

class TestLabNarration : public QObject
{
    Q_OBJECT
private slots:
    void lintFindsHalfWidthPunctuation();
    void everyScenarioNarrated_data();
    void everyScenarioNarrated();
    void nothingNarratedThatIsNotPlayed();
    void everyNoteInBothLanguages();
    void brokenDataSaysWhy();
};

void TestLabNarration::lintFindsHalfWidthPunctuation()
{
    QVERIFY(!asciiPunctuationBesideHan(u"客户端调用 close():它的 FIN 发出"_qs).isEmpty());
    QVERIFY(!asciiPunctuationBesideHan(u"发出(FIN_WAIT_1)"_qs).isEmpty());
    QVERIFY(!asciiPunctuationBesideHan(u"FIN_WAIT_2,服务器"_qs).isEmpty());
    QVERIFY(!asciiPunctuationBesideHan(u"两端;然后"_qs).isEmpty());
    QVERIFY(asciiPunctuationBesideHan(u"客户端调用 close()：发出 FIN（FIN_WAIT_1）"_qs).isEmpty());
    QVERIFY(asciiPunctuationBesideHan(u"shutdown(SHUT_WR)；Recv-Q 3 = backlog + 1，"_qs).isEmpty());
    // The other checks of a translation fail where they should, too.
    QVERIFY(unfaithful({u"for 60 s"_qs, u"持续六十秒"_qs}).contains(u"60"));
    QVERIFY(unfaithful({u"calls close()"_qs, u"调用关闭"_qs}).contains(u"close()"));
    QVERIFY(unfaithful({u"port {port}"_qs, u"端口 {pid}"_qs}).contains(u"{port}"));
    QVERIFY(unfaithful({u"enters TIME_WAIT"_qs, u"进入 CLOSE_WAIT"_qs}).contains(u"TIME_WAIT"));
    QVERIFY(unfaithful({u"tcp_fin_timeout"_qs, u"超时"_qs}).contains(u"tcp_fin_timeout"));
    QVERIFY(unfaithful({u"closes"_qs, u"closes"_qs}).contains(u"not translated"));
    QVERIFY(unfaithful({u"for 60 s"_qs, u"持续 60 秒"_qs}).isEmpty());
}

void TestLabNarration::everyScenarioNarrated_data()
{
    QTest::addColumn<QString>("name");
    for (const LabScenario &s : labScenarios())
        QTest::newRow(qPrintable(s.name)) << s.name;
}

void TestLabNarration::everyScenarioNarrated()
{
    QFETCH(QString, name);
    const LabScenario *s = findLabScenario(name);
    QVERIFY(s);
    checkFaithful(s->title, name + u" title"_qs);
    checkFaithful(s->summary, name + u" summary"_qs);
    QVERIFY(!s->steps.empty());
    for (const LabStep &step : s->steps)
        checkFaithful(step.text, name + u" step "_qs + step.id);
}

void TestLabNarration::nothingNarratedThatIsNotPlayed()
{
    const LabNarration &words = LabNarration::builtin();
    const std::vector<LabScenario> played = makeLabScenarios();
    QCOMPARE(int(words.scenarios().size()), int(played.size()));
    QSet<QString> commonUsed;
    for (const LabScenario &s : played) {
        const LabScenarioText *t = words.scenario(s.name);
        QVERIFY2(t, qPrintable(s.name + u" has no narration"_qs));
        // The scenario's own steps, in the data in the order they are played.
        QStringList own, common;
        for (const LabStep &step : s.steps) {
            const bool shared = std::any_of(words.commonSteps().begin(), words.commonSteps().end(),
                                            [&](const auto &c) { return c.first == step.id; });
            (shared ? common : own) << step.id;
        }
        QStringList written;
        for (const auto &[id, text] : t->steps)
            written << id;
        QCOMPARE(written, own);
        commonUsed.unite(QSet<QString>(common.begin(), common.end()));
    }
    for (const auto &[id, text] : words.commonSteps()) {
        QVERIFY2(commonUsed.contains(id), qPrintable(id + u" is played by no scenario"_qs));
        checkFaithful(text, u"common step "_qs + id);
    }
}

void TestLabNarration::everyNoteInBothLanguages()
{
    const LabNarration &words = LabNarration::builtin();
    QVERIFY(words.notes().size() >= 5);
    for (const auto &[id, text] : words.notes()) {
        checkFaithful(text, u"note "_qs + id);
        static const QRegularExpression placeholder(QStringLiteral("\\{([a-z_]+)\\}"));
        QHash<QString, QString> args;
        for (auto it = placeholder.globalMatch(text.en); it.hasNext();)
            args.insert(it.next().captured(1), u"42"_qs);
        for (const QString &language : {u"en"_qs, u"zh"_qs}) {
            const QString shown = words.render({id, args}, language);
            QVERIFY2(!shown.contains(u'{') && shown.contains(u"42"), qPrintable(shown));
        }
    }
    // A note the data does not know still says what it is.
    QCOMPARE(words.render({u"no-such"_qs, {{u"pid"_qs, u"7"_qs}}}, u"zh"), u"no-such pid=7"_qs);
}

void TestLabNarration::brokenDataSaysWhy()
{
    QString error;
    QVERIFY(!LabNarration::load(u"/nonexistent/scenarios.json"_qs, &error));
    QVERIFY2(error.contains(u"/nonexistent"), qPrintable(error));
    QTemporaryDir dir;
    QFile f(dir.filePath(u"scenarios.json"_qs));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"common_steps": [], "scenarios": []})");
    f.close();
    QVERIFY(!LabNarration::load(f.fileName(), &error));
    QVERIFY2(error.contains(u"notes"), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestLabNarration)
#include "tst_labnarration.moc"
