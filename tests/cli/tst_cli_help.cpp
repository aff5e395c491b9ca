// `tcpscope-cli COMMAND --help` as a user types it: that command's usage on standard output,
// exit 0, for every command the overview lists; bad commands still exit 2.
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

namespace {
const QString kCli = QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli");

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run cli(const QStringList &args)
{
    QProcess p;
    p.start(kCli, args);
    p.closeWriteChannel(); // lab run --step would wait for Enter
    if (!p.waitForFinished(20000))
        p.kill();
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The commands the overview (tcpscope-cli --help) describes: "  NAME ..." lines.
QStringList overviewCommands()
{
    const Run r = cli({u"--help"_qs});
    QStringList names;
    static const QRegularExpression line(u"^  ([a-z]+) "_qs, QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(r.out); it.hasNext();) {
        const QString name = it.next().captured(1);
        if (!names.contains(name))
            names.append(name);
    }
    return names;
}
} // namespace

class TestCliHelp : public QObject
{
    Q_OBJECT
private slots:
    void overviewListsEveryCommand();
    void commandHelp_data();
    void commandHelp();
    void helpCommandForm();
    void unknownCommandStillFails();
};

void TestCliHelp::overviewListsEveryCommand()
{
    const QStringList names = overviewCommands();
    const QStringList expected{u"snapshot"_qs, u"watch"_qs,     u"settings"_qs, u"diagnose"_qs,
                               u"kill"_qs,     u"summarize"_qs, u"capture"_qs,  u"export"_qs,
                               u"lab"_qs,      u"serve"_qs,     u"netns"_qs};
    QCOMPARE(QSet<QString>(names.begin(), names.end()),
             QSet<QString>(expected.begin(), expected.end()));
}

void TestCliHelp::commandHelp_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("mentions"); // an option only that command has
    // Every command the overview lists, with --help and -h.
    const QStringList names = overviewCommands();
    QVERIFY(!names.isEmpty());
    const QHash<QString, QString> option{{u"snapshot"_qs, u"--tcp-info"_qs},
                                         {u"watch"_qs, u"--interval"_qs},
                                         {u"settings"_qs, u"sysctls"_qs},
                                         {u"summarize"_qs, u"--time-wait"_qs},
                                         {u"capture"_qs, u"--duration"_qs},
                                         {u"export"_qs, u"--connection"_qs},
                                         {u"lab"_qs, u"--step"_qs},
                                         {u"diagnose"_qs, u"--threshold"_qs},
                                         {u"kill"_qs, u"ECONNABORTED"_qs},
                                         {u"serve"_qs, u"--listen"_qs},
                                         {u"netns"_qs, u"/proc/PID/ns/net"_qs}};
    for (const QString &name : names) {
        QTest::addRow("%s --help", qPrintable(name))
            << QStringList{name, u"--help"_qs} << name << option.value(name);
        QTest::addRow("%s -h", qPrintable(name))
            << QStringList{name, u"-h"_qs} << name << option.value(name);
    }
    // --help after other arguments, even ones that would be a usage error or start work.
    QTest::newRow("snapshot --state bogus --help")
        << QStringList{u"snapshot"_qs, u"--state"_qs, u"bogus"_qs, u"--help"_qs} << u"snapshot"_qs
        << u"--tcp-info"_qs;
    QTest::newRow("lab run --help")
        << QStringList{u"lab"_qs, u"run"_qs, u"--help"_qs} << u"lab"_qs << u"--step"_qs;
    QTest::newRow("export transitions --help")
        << QStringList{u"export"_qs, u"transitions"_qs, u"--help"_qs} << u"export"_qs
        << u"--connection"_qs;
}

void TestCliHelp::commandHelp()
{
    QFETCH(QStringList, args);
    QFETCH(QString, command);
    QFETCH(QString, mentions);
    const Run r = cli(args);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.err, QString());
    QVERIFY2(r.out.startsWith(u"usage: tcpscope-cli "_qs + command + u' '), qPrintable(r.out));
    QVERIFY2(r.out.contains(mentions), qPrintable(r.out));
    // Only that command's part: no other command's synopsis.
    for (const QString &other : overviewCommands()) {
        if (other != command)
            QVERIFY2(!r.out.contains(u"\n  "_qs + other + u' '), qPrintable(other));
    }
}

void TestCliHelp::helpCommandForm()
{
    const Run r = cli({u"help"_qs, u"summarize"_qs});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(u"usage: tcpscope-cli summarize FILE"_qs));
    QCOMPARE(cli({u"help"_qs, u"nonsense"_qs}).code, 2);
}

void TestCliHelp::unknownCommandStillFails()
{
    const Run r = cli({u"nonsense"_qs, u"--help"_qs});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"unknown command"_qs));
    QCOMPARE(cli({u"snapshot"_qs, u"--bogus"_qs}).code, 2); // a real usage error still is one
}

QTEST_GUILESS_MAIN(TestCliHelp)
#include "tst_cli_help.moc"
