// Exports are well-formed and hold what the views hold: PNG at each scale, SVG that parses and
// names the states, PDF, CSV and JSON with the model's rows; the headless `tcpscope --export`
// and `tcpscope-cli export`, and their errors.
#include "diagram/diagramlayout.h"
#include "export/windowexport.h"
#include "formats/dataexport.h"
#include "mainwindow.h"
#include "pages/capturepage.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace tcpscope;

namespace {

const QString kCapture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
const QString kClientClose = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

// RFC 4180: fields separated by commas, quoted when they hold a comma, a quote or a newline,
// quotes doubled inside; records end in CRLF.
std::vector<QStringList> parseCsv(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    std::vector<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            record << field;
            field.clear();
        } else if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') {
            record << field;
            field.clear();
            records.push_back(record);
            record.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return records;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pngAtEachScale_data();
    void pngAtEachScale();
    void svgParsesAndNamesTheStates();
    void pdfHasItsHeaderAndPage();
    void csvAndJsonHoldTheModelsRows();
    void csvQuotesWhatNeedsQuoting();
    void countsAndTransitionsMatchTheEngine();
    void headlessExport();
    void headlessErrors();
    void cliExport();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    CapturePage *m_page = nullptr;
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }
};

void TestExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_window = std::make_unique<MainWindow>(false);
    m_window->resize(1280, 820);
    m_window->show();
    QString error;
    m_page = m_window->openCaptureNow(kCapture, &error);
    QVERIFY2(m_page, qPrintable(error));
}

void TestExport::pngAtEachScale_data()
{
    QTest::addColumn<double>("scale");
    QTest::addColumn<bool>("caption");
    QTest::newRow("1x") << 1.0 << true;
    QTest::newRow("2x") << 2.0 << true;
    QTest::newRow("3x no caption") << 3.0 << false;
}

void TestExport::pngAtEachScale()
{
    QFETCH(double, scale);
    QFETCH(bool, caption);
    PictureOptions o;
    o.scale = scale;
    o.caption = caption;
    QString error;
    const QString file = path("diagram.png");
    QVERIFY2(exportPicture(m_window->exportTarget(), u"diagram"_qs, file, o, &error),
             qPrintable(error));
    QImage image(file);
    QVERIFY(!image.isNull());
    const QSizeF logical = diagram::kCanvas + QSizeF(0, caption ? 30 : 0);
    QCOMPARE(image.size(), (logical * scale).toSize());
    // Print-friendly by default: the background is white whatever the window's theme.
    QCOMPARE(image.pixelColor(2, image.height() / 2), QColor(Qt::white));
    // The table too, at 2×: as many pixel rows as its rows need.
    o.scale = 2;
    QVERIFY2(exportPicture(m_window->exportTarget(), u"table"_qs, path("table.png"), o, &error),
             qPrintable(error));
    const QImage table(path("table.png"));
    const int rows = std::min(m_page->table()->model()->rowCount(), 200);
    QVERIFY(table.height() >= (rows + 1) * 20 * 2);
}

void TestExport::svgParsesAndNamesTheStates()
{
    QString error;
    PictureOptions o;
    QVERIFY2(exportPicture(m_window->exportTarget(), u"diagram"_qs, path("d.svg"), o, &error),
             qPrintable(error));
    QXmlStreamReader xml(readAll(path("d.svg")));
    QStringList texts;
    bool inText = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == u"text")
            inText = true;
        else if (xml.isEndElement() && xml.name() == u"text")
            inText = false;
        else if (inText && xml.isCharacters())
            texts << xml.text().toString().trimmed();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    for (int i = 0; i < kTcpStateCount; ++i)
        QVERIFY2(texts.contains(rfcName(stateAt(i))), qPrintable(rfcName(stateAt(i))));
    QVERIFY(texts.contains(u"rcv SYN,ACK / snd ACK"_qs)); // the arrows' labels are text too
    // The chart is vector as well.
    QVERIFY2(exportPicture(m_window->exportTarget(), u"chart"_qs, path("c.svg"), o, &error),
             qPrintable(error));
    QXmlStreamReader chart(readAll(path("c.svg")));
    while (!chart.atEnd())
        chart.readNext();
    QVERIFY(!chart.hasError());
    QVERIFY(readAll(path("c.svg")).contains("TIME_WAIT"));
}

void TestExport::pdfHasItsHeaderAndPage()
{
    QString error;
    QVERIFY2(exportPicture(m_window->exportTarget(), u"diagram"_qs, path("d.pdf"), {}, &error),
             qPrintable(error));
    const QByteArray pdf = readAll(path("d.pdf"));
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.contains("/MediaBox"));
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));
    QVERIFY(!exportPicture(m_window->exportTarget(), u"diagram"_qs, path("d.bmpx"), {}, &error));
    QVERIFY2(error.contains(u".png, .svg or .pdf"), qPrintable(error));
}

void TestExport::csvAndJsonHoldTheModelsRows()
{
    const QAbstractItemModel *model = m_page->table()->model();
    QVERIFY(model->rowCount() > 10);
    QString error;
    QVERIFY2(exportData(m_window->exportTarget(), u"connections"_qs, path("c.csv"), &error),
             qPrintable(error));
    QVERIFY2(exportData(m_window->exportTarget(), u"connections"_qs, path("c.json"), &error),
             qPrintable(error));
    const std::vector<QStringList> csv = parseCsv(readAll(path("c.csv")));
    QCOMPARE(int(csv.size()), model->rowCount() + 1);
    const QJsonArray json = QJsonDocument::fromJson(readAll(path("c.json"))).array();
    QCOMPARE(json.size(), model->rowCount());
    for (int c = 0; c < model->columnCount(); ++c)
        QCOMPARE(csv[0][c], model->headerData(c, Qt::Horizontal).toString());
    for (int r = 0; r < model->rowCount(); ++r) {
        for (int c = 0; c < model->columnCount(); ++c) {
            const QString shown = model->index(r, c).data().toString();
            QCOMPARE(csv[std::size_t(r + 1)][c], shown);
            QCOMPARE(json[r].toObject().value(csv[0][c]).toString(), shown);
        }
    }
    QVERIFY(!exportData(m_window->exportTarget(), u"connections"_qs, path("c.txt"), &error));
}

void TestExport::csvQuotesWhatNeedsQuoting()
{
    DataTable t;
    t.addColumn(u"text"_qs);
    t.addColumn(u"n"_qs, DataTable::Number);
    t.rows = {{u"plain"_qs, u"1"_qs},
              {u"a, comma"_qs, u"2"_qs},
              {u"a \"quote\""_qs, u"3"_qs},
              {u"two\nlines"_qs, u"4"_qs}};
    const QByteArray csv = toCsv(t);
    QVERIFY(csv.contains("\"a, comma\""));
    QVERIFY(csv.contains("\"a \"\"quote\"\"\""));
    const std::vector<QStringList> back = parseCsv(csv);
    QCOMPARE(int(back.size()), 5);
    for (std::size_t i = 0; i < t.rows.size(); ++i)
        QCOMPARE(back[i + 1], t.rows[i]);
    const QJsonArray json = QJsonDocument::fromJson(toJson(t)).array();
    QCOMPARE(json[3].toObject().value(u"n").toDouble(), 4.0); // numbers stay numbers
    QCOMPARE(isoTime(1'732'440'000'123'456'789LL, 9), u"2024-11-24T09:20:00.123456789Z"_qs);
    QCOMPARE(isoTime(1'732'440'000'123'456'789LL, 6), u"2024-11-24T09:20:00.123456Z"_qs);
}

void TestExport::countsAndTransitionsMatchTheEngine()
{
    const TcpTracker &tracker = *m_page->model()->result().tracker;
    QString error;
    QVERIFY(exportData(m_window->exportTarget(), u"transitions"_qs, path("t.csv"), &error));
    QCOMPARE(int(parseCsv(readAll(path("t.csv"))).size()), int(tracker.changes().size()) + 1);
    QVERIFY(exportData(m_window->exportTarget(), u"counts"_qs, path("n.json"), &error));
    const QJsonArray counts = QJsonDocument::fromJson(readAll(path("n.json"))).array();
    QCOMPARE(counts.size(), m_page->chart()->sampleCount());
    // The last sample holds the endpoints' final states (CLOSED and LISTEN not counted).
    const QJsonObject last = counts.last().toObject();
    QCOMPARE(last.value(u"TIME_WAIT").toInt(),
             tracker.counts()[std::size_t(index(TcpState::TimeWait))]);
    // Nothing selected: no selected connection's transitions, and it says so.
    QVERIFY(
        !exportData(m_window->exportTarget(), u"selected-transitions"_qs, path("s.csv"), &error));
    QVERIFY2(error.contains(u"selected"), qPrintable(error));
    m_page->table()->selectRow(0);
    QVERIFY2(
        exportData(m_window->exportTarget(), u"selected-transitions"_qs, path("s.csv"), &error),
        qPrintable(error));
    const int conn =
        m_page->table()->model()->index(0, 0).data(PacketConnectionModel::ConnectionRole).toInt();
    QCOMPARE(int(parseCsv(readAll(path("s.csv"))).size()),
             int(m_page->model()->history(std::uint32_t(conn)).size()) + 1);
}

void TestExport::headlessExport()
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"QT_QPA_PLATFORM"_qs); // --export chooses offscreen itself
    env.remove(u"DISPLAY"_qs);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope"),
            {u"--export"_qs, u"chart=%1"_qs.arg(path("h-chart.svg")), u"--export"_qs,
             u"diagram=%1"_qs.arg(path("h-diagram.png")), u"--export"_qs,
             u"connections=%1"_qs.arg(path("h-conn.json")), u"--from"_qs, kClientClose,
             u"--scale"_qs, u"2"_qs});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(QImage(path("h-diagram.png")).size(),
             ((diagram::kCanvas + QSizeF(0, 30)) * 2).toSize());
    QVERIFY(readAll(path("h-chart.svg")).startsWith("<?xml"));
    const QJsonArray conns = QJsonDocument::fromJson(readAll(path("h-conn.json"))).array();
    QCOMPARE(conns.size(), 1);
    QCOMPARE(conns[0].toObject().value(u"Client state").toString(), u"TIME_WAIT"_qs);
}

void TestExport::headlessErrors()
{
    const auto run = [](const QStringList &args, QString *err) {
        QProcess p;
        p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope"), args);
        p.waitForFinished(30000);
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitCode();
    };
    QString err;
    QCOMPARE(run({u"--export"_qs, u"pie=x.png"_qs}, &err), 2);
    QVERIFY2(err.contains(u"cannot export \"pie\""), qPrintable(err));
    QCOMPARE(run({u"--export"_qs, u"diagram"_qs}, &err), 2);
    QVERIFY2(err.contains(u"KIND=PATH"), qPrintable(err));
    QCOMPARE(run({u"--export"_qs, u"diagram=%1"_qs.arg(path("x.png")), u"--from"_qs,
                  u"/nonexistent.pcap"_qs},
                 &err),
             1);
    QVERIFY2(err.contains(u"/nonexistent.pcap"), qPrintable(err));
    QVERIFY(!QFile::exists(path("x.png")));
    QCOMPARE(run({u"--export"_qs, u"diagram=/nonexistent-dir/x.png"_qs, u"--from"_qs, kClientClose},
                 &err),
             1);
    QVERIFY2(err.contains(u"cannot write"), qPrintable(err));
}

void TestExport::cliExport()
{
    QProcess p;
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {u"export"_qs, u"transitions"_qs, kClientClose, u"-o"_qs, path("cli.json")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const QJsonArray rows = QJsonDocument::fromJson(readAll(path("cli.json"))).array();
    QCOMPARE(rows.size(), 10); // five transitions for each endpoint of an open and close
    QCOMPARE(rows[0].toObject().value(u"from").toString(), u"CLOSED"_qs);
    QCOMPARE(rows[0].toObject().value(u"to").toString(), u"SYN_SENT"_qs);
    QVERIFY(rows[0].toObject().value(u"time").toString().endsWith(u'Z'));
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {u"export"_qs, u"connections"_qs, kClientClose, u"--connection"_qs, u"0"_qs});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("--connection goes with transitions"));
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope-cli"),
            {u"export"_qs, u"counts"_qs, QStringLiteral(TCPSCOPE_SOURCE_DIR "/README.md")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(!p.readAllStandardError().isEmpty());
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("tcpscope-tests"));
    QApplication::setApplicationName(QStringLiteral("tst_export"));
    TestExport t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_export.moc"
