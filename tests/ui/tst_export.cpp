// Exports are well-formed and hold what the views hold: PNG at each scale, SVG that parses and
// names the states, PDF, CSV and JSON with the model's rows; the headless `tcpscope --export`
// and `tcpscope-cli export`, and their errors.
#include "diagram/diagramlayout.h"
#include "export/tablepicture.h"
#include "export/windowexport.h"
#include "formats/dataexport.h"
#include "kernel/kernelpoller.h"
#include "mainwindow.h"
#include "models/kernelsocketmodel.h"
#include "pages/capturepage.h"
#include "pages/kernelpage.h"
#include "support/csvtext.h"
#include "support/loopsockets.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QDateTime>
#include <QFile>
#include <QFontMetricsF>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QXmlStreamReader>

using namespace tcpscope;

namespace {

const QString kCapture = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/many_short.lo.pcap");
const QString kClientClose = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/client_close.lo.pcap");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// An exported time back as ns since the epoch: ISO-8601, UTC ('Z'), up to 9 decimals.
std::optional<std::int64_t> parseIsoUtc(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3,9})Z$)"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    QDateTime t = QDateTime::fromString(m.captured(1), Qt::ISODate);
    t.setTimeZone(QTimeZone::utc());
    return t.toSecsSinceEpoch() * 1'000'000'000LL
           + m.captured(2).leftJustified(9, u'0').toLongLong();
}

// CSV records as objects keyed by the header.
std::vector<QHash<QString, QString>> csvObjects(const QByteArray &bytes)
{
    const std::vector<QStringList> records = parseCsv(bytes);
    std::vector<QHash<QString, QString>> out;
    for (std::size_t r = 1; r < records.size(); ++r) {
        QHash<QString, QString> o;
        for (qsizetype c = 0; c < records[0].size(); ++c)
            o.insert(records[0][c], records[r].value(c));
        out.push_back(o);
    }
    return out;
}

struct Run
{
    int code = -1;
    QString err;
};

// The real `tcpscope` as a user runs it for an export: no display, no platform chosen.
Run runTcpscope(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"QT_QPA_PLATFORM"_qs); // --export chooses offscreen itself
    env.remove(u"DISPLAY"_qs);
    env.remove(u"WAYLAND_DISPLAY"_qs);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TCPSCOPE_BIN_DIR "/tcpscope"), args);
    if (!p.waitForFinished(60000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardError())};
}

// The number of pages of a PDF and each page's size in points (as Qt writes them: one
// MediaBox per page object).
QList<QSizeF> pdfPages(const QByteArray &pdf)
{
    QList<QSizeF> pages;
    static const QRegularExpression box(
        QStringLiteral(R"(/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\])"));
    auto it = box.globalMatch(QString::fromLatin1(pdf));
    while (it.hasNext()) {
        const auto m = it.next();
        pages << QSizeF(m.captured(1).toDouble(), m.captured(2).toDouble());
    }
    return pages;
}

bool isPaper(QSizeF pt, QSizeF paper)
{
    const auto near = [](QSizeF a, QSizeF b) {
        return std::abs(a.width() - b.width()) < 2 && std::abs(a.height() - b.height()) < 2;
    };
    return near(pt, paper) || near(pt, paper.transposed());
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
    void kernelConnectionsAreTheSocketsRecords();
    void captureConnectionsAreTheTrackers();
    void csvQuotesWhatNeedsQuoting();
    void countsAndTransitionsMatchTheEngine();
    void tablePictureCutsNoCell();
    void tablePdfHasPagesOfPaper();
    void windowPdfHasNoBlankBoxes();
    void captionsNameTheFileAndTheConnection();
    void headlessExport();
    void headlessConnectionAndSelectedTransitions();
    void headlessAtShowsThatMoment();
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
    m_dir.setAutoRemove(qEnvironmentVariableIsEmpty("TCPSCOPE_KEEP_TEST_FILES")); // to look at them
    if (!m_dir.autoRemove())
        qInfo("exports are kept in %s", qPrintable(m_dir.path()));
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

void TestExport::kernelConnectionsAreTheSocketsRecords()
{
    // Real sockets: a listener, a connection, and 5 bytes the accepting side has not read.
    LoopSockets sockets;
    const int listener = sockets.listen("127.0.0.1");
    QVERIFY(listener >= 0);
    const int port = LoopSockets::port(listener);
    const int client = sockets.connect("127.0.0.1", port);
    QVERIFY(client >= 0);
    const int server = sockets.accept(listener);
    QVERIFY(server >= 0);
    QCOMPARE(::write(client, "hello", 5), ssize_t(5));
    KernelPage *kernel = m_window->kernelPage();
    KernelTable table;
    KernelPollBatch batch;
    const auto ours = [&](const SocketRecord &r) {
        return r.localPort == port || r.remotePort == port;
    };
    for (int i = 0; i < 50; ++i) { // until the kernel shows the unread bytes
        batch = pollBatch(table);
        kernel->applyBatch(batch);
        const bool queued = std::any_of(batch.rows->begin(), batch.rows->end(), [&](auto &r) {
            return r.row.record.localPort == port && r.row.record.recvQ == 5;
        });
        if (queued)
            break;
        QTest::qWait(20);
    }
    QApplication::processEvents();                          // the model's chunked inserts
    kernel->setFilterText(QStringLiteral(":%1").arg(port)); // as filtered
    kernel->table()->sortByColumn(KernelSocketModel::Local, Qt::DescendingOrder); // as sorted
    const QAbstractItemModel *shown = kernel->table()->model();
    // the listener, and both ends of the connection (rows arrive a chunk per event-loop turn)
    QTRY_COMPARE(shown->rowCount(), 3);
    QHash<quint64, const KernelPollBatch::Row *> records;
    for (const KernelPollBatch::Row &r : *batch.rows) {
        if (ours(r.row.record))
            records.insert(r.row.key, &r);
    }
    QCOMPARE(records.size(), 3);
    const double now = kernel->model()->now();
    QCOMPARE(now, batch.stats.time);

    ExportTarget target = kernel->exportTarget();
    QString error;
    QVERIFY2(exportData(target, u"connections"_qs, path("k.csv"), &error), qPrintable(error));
    QVERIFY2(exportData(target, u"connections"_qs, path("k.json"), &error), qPrintable(error));
    const auto csv = csvObjects(readAll(path("k.csv")));
    const QJsonArray json = QJsonDocument::fromJson(readAll(path("k.json"))).array();
    QCOMPARE(int(csv.size()), 3);
    QCOMPARE(json.size(), 3);
    bool sawQueue = false, sawListener = false;
    for (int i = 0; i < 3; ++i) {
        const QJsonObject o = json[i].toObject();
        const auto &c = csv[std::size_t(i)];
        // In the table's order.
        const quint64 key = shown->index(i, 0).data(KernelSocketModel::KeyRole).toULongLong();
        QCOMPARE(o.value(u"socket").toString(), QString::number(key));
        QCOMPARE(c.value(u"socket"_qs), QString::number(key));
        const KernelPollBatch::Row *row = records.value(key);
        QVERIFY(row);
        const SocketRecord &rec = row->row.record;
        // Typed in JSON; the same values as text in CSV.
        QVERIFY(o.value(u"local_port").isDouble());
        QCOMPARE(o.value(u"local_port").toInt(), int(rec.localPort));
        QCOMPARE(c.value(u"local_port"_qs), QString::number(rec.localPort));
        QCOMPARE(o.value(u"remote_port").toInt(), int(rec.remotePort));
        QCOMPARE(c.value(u"remote_port"_qs), QString::number(rec.remotePort));
        QCOMPARE(o.value(u"local_address").toString(), u"127.0.0.1"_qs);
        QVERIFY(o.value(u"recv_q").isDouble());
        QCOMPARE(o.value(u"recv_q").toInt(), int(rec.recvQ));
        QCOMPARE(c.value(u"recv_q"_qs), QString::number(rec.recvQ));
        QCOMPARE(o.value(u"send_q").toInt(), int(rec.sendQ));
        QCOMPARE(o.value(u"state").toString(), rfcName(rec.state));
        QCOMPARE(c.value(u"state"_qs), rfcName(rec.state));
        QCOMPARE(o.value(u"gone").toBool(true), false);
        QVERIFY(o.value(u"gone").isBool());
        for (const auto &[key2, recorded] : {std::pair{u"state_since"_qs, row->row.stateSince},
                                             {u"first_seen"_qs, row->row.firstSeen}}) {
            const auto fromJson = parseIsoUtc(o.value(key2).toString());
            const auto fromCsv = parseIsoUtc(c.value(key2));
            QVERIFY2(fromJson && fromCsv, qPrintable(o.value(key2).toString()));
            QVERIFY(std::abs(double(*fromJson) / 1e9 - recorded) < 0.001);
            QCOMPARE(*fromCsv, *fromJson);
        }
        QVERIFY(o.value(u"in_state_s").isDouble());
        QVERIFY(std::abs(o.value(u"in_state_s").toDouble() - (now - row->row.stateSince)) < 0.001);
        QVERIFY(std::abs(c.value(u"in_state_s"_qs).toDouble() - (now - row->row.stateSince))
                < 0.001);
        QVERIFY(std::abs(o.value(u"age_s").toDouble() - (now - row->row.firstSeen)) < 0.001);
        QCOMPARE(o.value(u"inode").toDouble(), double(rec.inode));
        sawQueue = sawQueue
                   || (rec.localPort == port && rec.state == TcpState::Established
                       && o.value(u"recv_q").toInt() == 5);
        sawListener = sawListener || o.value(u"state").toString() == u"LISTEN";
        // This test's own process holds them all.
        QVERIFY2(o.value(u"processes").toString().contains(QString::number(getpid())),
                 qPrintable(o.value(u"processes").toString()));
        QVERIFY(o.value(u"process_note").isNull());
        QVERIFY(o.value(u"timer_expires_ms").isNull() || o.value(u"timer_expires_ms").isDouble());
    }
    QVERIFY(sawQueue);
    QVERIFY(sawListener);
    kernel->setFilterText(QString());
}

void TestExport::captureConnectionsAreTheTrackers()
{
    const TcpTracker &tracker = *m_page->model()->result().tracker;
    const int digits = m_page->model()->result().digits;
    QTableView *view = m_page->table();
    view->sortByColumn(PacketConnectionModel::Client, Qt::DescendingOrder); // as sorted
    const QAbstractItemModel *shown = view->model();
    QVERIFY(shown->rowCount() > 10);
    // At the end of the capture, then at a moment in its middle (the states then).
    const std::int64_t middle = tracker.connections()[20].firstSeenNs;
    for (const std::optional<std::int64_t> moment :
         {std::optional<std::int64_t>(), std::optional(middle)}) {
        m_page->showMomentAt(moment);
        QString error;
        QVERIFY2(exportData(m_window->exportTarget(), u"connections"_qs, path("c.csv"), &error),
                 qPrintable(error));
        QVERIFY2(exportData(m_window->exportTarget(), u"connections"_qs, path("c.json"), &error),
                 qPrintable(error));
        const auto csv = csvObjects(readAll(path("c.csv")));
        const QJsonArray json = QJsonDocument::fromJson(readAll(path("c.json"))).array();
        QCOMPARE(int(csv.size()), shown->rowCount());
        QCOMPARE(json.size(), shown->rowCount());
        int notYet = 0;
        for (int r = 0; r < shown->rowCount(); ++r) {
            const QJsonObject o = json[r].toObject();
            const auto &c = csv[std::size_t(r)];
            const int n = shown->index(r, 0).data(PacketConnectionModel::ConnectionRole).toInt();
            QCOMPARE(o.value(u"connection").toInt(-1), n);
            const Connection &conn = tracker.connections()[std::size_t(n)];
            const int ci = conn.ep[0].role == Role::Server ? 1 : 0, si = 1 - ci;
            QCOMPARE(o.value(u"client_port").toInt(), int(conn.port[ci]));
            QCOMPARE(c.value(u"client_port"_qs), QString::number(conn.port[ci]));
            QCOMPARE(o.value(u"server_port").toInt(), int(conn.port[si]));
            QCOMPARE(o.value(u"client_address").toString(), conn.address[ci].toString());
            QCOMPARE(parseIsoUtc(o.value(u"first_seen").toString()),
                     std::optional(conn.firstSeenNs));
            QCOMPARE(parseIsoUtc(c.value(u"last_seen"_qs)), std::optional(conn.lastSeenNs));
            QCOMPARE(o.value(u"duration_s").toDouble(),
                     QString::number(double(conn.lastSeenNs - conn.firstSeenNs) / 1e9, 'f', digits)
                         .toDouble());
            QCOMPARE(o.value(u"mid_stream").toBool(true), conn.midStream);
            QVERIFY(o.value(u"refused").isBool());
            // The endpoints' states at the moment, from the engine's own changes.
            for (const auto &[key, e] :
                 {std::pair{u"client_state"_qs, ci}, {u"server_state"_qs, si}}) {
                std::optional<TcpState> expected = conn.ep[std::size_t(e)].state;
                if (moment) {
                    expected.reset();
                    if (conn.firstSeenNs <= *moment) {
                        for (const StateChange &ch : m_page->model()->history(std::uint32_t(n))) {
                            if (ch.endpoint != e)
                                continue;
                            if (ch.timeNs > *moment) {
                                if (!expected)
                                    expected = ch.from;
                                break;
                            }
                            expected = ch.to;
                        }
                        if (!expected)
                            expected = conn.ep[std::size_t(e)].state;
                    }
                }
                if (expected) {
                    QCOMPARE(o.value(key).toString(), rfcName(*expected));
                    QCOMPARE(c.value(key), rfcName(*expected));
                } else {
                    QVERIFY(o.value(key).isNull()); // not yet seen then
                    QCOMPARE(c.value(key), QString());
                    ++notYet;
                }
            }
        }
        // The middle of the capture: later connections had not started yet.
        QCOMPARE(notYet > 0, bool(moment));
    }
    m_page->showMomentAt(std::nullopt);
    view->sortByColumn(PacketConnectionModel::FirstSeen, Qt::AscendingOrder);
    QString error;
    QVERIFY(!exportData(m_window->exportTarget(), u"connections"_qs, path("c.txt"), &error));
    QVERIFY2(error.contains(u".csv or .json"), qPrintable(error));
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

void TestExport::tablePictureCutsNoCell()
{
    // Narrow on screen: the picture sizes its columns to their text all the same.
    QTableView *view = m_page->table();
    for (int c = 0; c < view->model()->columnCount(); ++c)
        view->setColumnWidth(c, 30);
    QTreeWidget *history = m_page->historyView();
    view->selectRow(3);
    QVERIFY(history->topLevelItemCount() > 0);
    for (const auto &[model, header] :
         {std::pair{view->model(), static_cast<QHeaderView *>(view->horizontalHeader())},
          {history->model(), history->header()}}) {
        const TablePicture t = tablePicture(model, header, kMaxPictureRows);
        QCOMPARE(int(t.cells.size()), std::min(model->rowCount(), kMaxPictureRows));
        QCOMPARE(t.titles.size(), t.widths.size());
        const QFontMetricsF body(TablePicture::bodyFont()), bold(TablePicture::headerFont());
        for (qsizetype c = 0; c < t.widths.size(); ++c) {
            const double room = t.widths[c] - 2 * TablePicture::kPadding;
            QVERIFY2(bold.horizontalAdvance(t.titles[c]) <= room, qPrintable(t.titles[c]));
            for (std::size_t r = 0; r < t.cells.size(); ++r) {
                const double indent = t.swatches[r][c].isValid() ? TablePicture::kSwatch : 0;
                const QString &text = t.cells[r][c];
                QVERIFY2(body.horizontalAdvance(text) + indent <= room,
                         qPrintable(QStringLiteral("%1 in %2 px").arg(text).arg(room)));
                // And the picture draws the text itself, not an elided copy.
                QCOMPARE(body.elidedText(text, Qt::ElideRight, room - indent), text);
            }
        }
        // The cells are the view's text (the kernel rows and the capture's alike).
        QCOMPARE(t.cells[0][0], model->index(0, header->logicalIndex(0)).data().toString());
    }
    // The state's colour square sits before a state's name.
    const TablePicture t = tablePicture(view->model(), view->horizontalHeader(), 5);
    QVERIFY(t.swatches[0][PacketConnectionModel::ClientState].isValid());
    for (int c = 0; c < view->model()->columnCount(); ++c)
        view->setColumnWidth(c, 120);
}

void TestExport::tablePdfHasPagesOfPaper()
{
    // 360 rows of real transitions (the many_short capture's) in a table view.
    const DataTable rows = transitionsTable(*m_page->model()->result().tracker, std::nullopt);
    QStandardItemModel model(int(rows.rows.size()), int(rows.keys.size()));
    model.setHorizontalHeaderLabels(rows.keys);
    for (std::size_t r = 0; r < rows.rows.size(); ++r) {
        for (qsizetype c = 0; c < rows.keys.size(); ++c)
            model.setItem(int(r), int(c), new QStandardItem(rows.rows[r][c]));
    }
    QVERIFY(model.rowCount() >= 300);
    QTableView view;
    view.setModel(&model);
    ExportTarget t;
    t.table = &view;
    t.source = u"many_short.lo.pcap"_qs;
    for (const auto &[paper, size] :
         {std::pair{PaperSize::A4, QSizeF(595.3, 841.9)}, {PaperSize::Letter, QSizeF(612, 792)}}) {
        PictureOptions o;
        o.paper = paper;
        QString error;
        const QString file = path(paper == PaperSize::A4 ? "rows-a4.pdf" : "rows-letter.pdf");
        QVERIFY2(exportPicture(t, u"table"_qs, file, o, &error), qPrintable(error));
        const QList<QSizeF> pages = pdfPages(readAll(file));
        // 360 rows of 20 px on pages about 1000 px high: several pages, every one of paper.
        QVERIFY2(pages.size() >= 5, qPrintable(QString::number(pages.size())));
        for (const QSizeF &page : pages)
            QVERIFY2(isPaper(page, size),
                     qPrintable(QStringLiteral("%1 × %2").arg(page.width()).arg(page.height())));
        // The header on each page, every row on one of them (poppler's pdftotext, if here).
        const QString pdftotext = QStandardPaths::findExecutable(u"pdftotext"_qs);
        if (pdftotext.isEmpty())
            continue;
        QStringList seen;
        for (int i = 1; i <= pages.size(); ++i) {
            QProcess p;
            p.start(pdftotext, {u"-f"_qs, QString::number(i), u"-l"_qs, QString::number(i),
                                u"-layout"_qs, file, u"-"_qs});
            QVERIFY(p.waitForFinished(30000));
            const QString text = QString::fromUtf8(p.readAllStandardOutput());
            QVERIFY2(text.contains(u"from") && text.contains(u"inferred"),
                     qPrintable(QStringLiteral("page %1 without its header").arg(i)));
            QVERIFY(text.contains(QStringLiteral("page %1 of %2").arg(i).arg(pages.size())));
            seen << text;
        }
        const QString all = seen.join(u'\n');
        QCOMPARE(int(all.count(u"2026-11-24T")), model.rowCount());
    }
}

void TestExport::windowPdfHasNoBlankBoxes()
{
    const QString pdftoppm = QStandardPaths::findExecutable(u"pdftoppm"_qs);
    if (pdftoppm.isEmpty())
        QSKIP("pdftoppm (poppler-utils) is not installed: installers/install-deps.sh installs it");
    m_page->table()->selectRow(2); // the explanation panel and the history have their text
    QApplication::processEvents();
    PictureOptions o;
    o.caption = false;
    QString error;
    QVERIFY2(exportPicture(m_window->exportTarget(), u"window"_qs, path("w.png"), o, &error),
             qPrintable(error));
    QVERIFY2(exportPicture(m_window->exportTarget(), u"window"_qs, path("w.pdf"), o, &error),
             qPrintable(error));
    QProcess p;
    p.start(pdftoppm,
            {u"-png"_qs, u"-r"_qs, u"96"_qs, u"-singlefile"_qs, path("w.pdf"), path("w-pdf")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QImage png = QImage(path("w.png")).convertToFormat(QImage::Format_RGB32);
    const QImage pdf = QImage(path("w-pdf.png")).convertToFormat(QImage::Format_RGB32);
    QVERIFY(!png.isNull() && !pdf.isNull());
    QVERIFY2(std::abs(pdf.width() - png.width()) <= 2 && std::abs(pdf.height() - png.height()) <= 2,
             qPrintable(QStringLiteral("%1×%2 vs %3×%4")
                            .arg(pdf.width())
                            .arg(pdf.height())
                            .arg(png.width())
                            .arg(png.height())));
    // Tile by tile: where the PNG has something drawn (text, borders, fills), the PDF's page
    // is not blank white there (a pixel or two of slack for the PDF's own rounding).
    const auto inked = [](const QImage &image, QRect tile, int darkerThan) {
        tile = tile.intersected(image.rect());
        int n = 0;
        for (int y = tile.top(); y <= tile.bottom(); ++y) {
            for (int x = tile.left(); x <= tile.right(); ++x)
                n += QColor(image.pixel(x, y)).lightness() < darkerThan;
        }
        return n;
    };
    const int size = 24;
    int drawn = 0;
    QStringList blankTiles;
    for (int y = 0; y + size <= png.height(); y += size) {
        for (int x = 0; x + size <= png.width(); x += size) {
            const QRect tile(x, y, size, size);
            if (inked(png, tile, 200) < 8)
                continue;
            ++drawn;
            if (inked(pdf, tile.adjusted(-2, -2, 2, 2), 230) == 0)
                blankTiles << QStringLiteral("(%1,%2)").arg(x).arg(y);
        }
    }
    QVERIFY(drawn > 200);
    QVERIFY2(blankTiles.isEmpty(), qPrintable(u"blank in the PDF: "_qs + blankTiles.join(u' ')));
    m_page->table()->clearSelection();
}

void TestExport::captionsNameTheFileAndTheConnection()
{
    m_page->table()->clearSelection();
    ExportTarget t = m_window->exportTarget();
    const QString diagram = captionFor(t, u"diagram"_qs);
    QVERIFY2(diagram.contains(u"many_short.lo.pcap"), qPrintable(diagram));
    QVERIFY2(!diagram.contains(QStringLiteral(TCPSCOPE_TEST_DATA)), qPrintable(diagram));
    m_page->table()->selectRow(0);
    t = m_window->exportTarget();
    const int n =
        m_page->table()->model()->index(0, 0).data(PacketConnectionModel::ConnectionRole).toInt();
    const Connection &c = m_page->model()->result().tracker->connections()[std::size_t(n)];
    const int ci = c.ep[0].role == Role::Server ? 1 : 0;
    const QString history = captionFor(t, u"history"_qs);
    QVERIFY2(history.contains(endpointText(c.address[ci], c.port[ci]) + u" → "_qs
                              + endpointText(c.address[1 - ci], c.port[1 - ci])),
             qPrintable(history));
    QVERIFY2(history.contains(u"many_short.lo.pcap"), qPrintable(history));
    // A caption longer than the picture is wide wraps: the picture grows, nothing is cut.
    PictureOptions o;
    o.captionText = QString(u"a long caption "_qs).repeated(40);
    const QImage one = pictureImage(t, u"history"_qs, PictureOptions{});
    const QImage wrapped = pictureImage(t, u"history"_qs, o);
    QCOMPARE(wrapped.width(), one.width());
    QVERIFY(wrapped.height() > one.height() + 20);
    m_page->table()->clearSelection();
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
    QCOMPARE(conns[0].toObject().value(u"client_state").toString(), u"TIME_WAIT"_qs);
    // --size: the diagram and the window drawn at the size asked for (before --scale).
    const Run sized = runTcpscope({u"--size"_qs, u"1100x760"_qs, u"--export"_qs,
                                   u"diagram=%1"_qs.arg(path("s-diagram.png")), u"--export"_qs,
                                   u"window=%1"_qs.arg(path("s-window.png")), u"--no-caption"_qs,
                                   u"--from"_qs, kClientClose});
    QCOMPARE(sized.code, 0);
    QCOMPARE(QImage(path("s-diagram.png")).size(), QSize(1100, 760));
    QCOMPARE(QImage(path("s-window.png")).size(), QSize(1100, 760));
    const Run wide = runTcpscope({u"--width"_qs, u"1500"_qs, u"--export"_qs,
                                  u"diagram=%1"_qs.arg(path("w-diagram.png")), u"--no-caption"_qs,
                                  u"--from"_qs, kClientClose});
    QCOMPARE(wide.code, 0);
    QCOMPARE(QImage(path("w-diagram.png")).width(), 1500); // the height in proportion
    QCOMPARE(QImage(path("w-diagram.png")).height(),
             qRound(diagram::kCanvas.height() * 1500 / diagram::kCanvas.width()));
}

void TestExport::headlessConnectionAndSelectedTransitions()
{
    const Run run =
        runTcpscope({u"--connection"_qs, u"3"_qs, u"--export"_qs,
                     u"history=%1"_qs.arg(path("hh.png")), u"--export"_qs,
                     u"selected-transitions=%1"_qs.arg(path("ht.csv")), u"--from"_qs, kCapture});
    QCOMPARE(run.code, 0);
    QVERIFY2(!run.err.contains(u"propagateSizeHints"), qPrintable(run.err));
    // The engine's transitions of connection 3, exactly.
    const CaptureResult capture = readCapture(kCapture);
    QVERIFY(capture.tracker);
    const DataTable expected = transitionsTable(*capture.tracker, 3u, capture.digits);
    QVERIFY(expected.rows.size() >= 8);
    const std::vector<QStringList> csv = parseCsv(readAll(path("ht.csv")));
    QCOMPARE(int(csv.size()), int(expected.rows.size()) + 1);
    QCOMPARE(csv[0], expected.keys);
    for (std::size_t r = 0; r < expected.rows.size(); ++r)
        QCOMPARE(csv[r + 1], expected.rows[r]);
    // The history picture has its rows: one per transition, under the header.
    const QImage history(path("hh.png"));
    QVERIFY(!history.isNull());
    QVERIFY(history.height() >= int(expected.rows.size() + 1) * 20);
    int inked = 0;
    for (int y = 0; y < int(expected.rows.size() + 1) * 20; ++y) {
        for (int x = 0; x < history.width(); ++x)
            inked += QColor(history.pixel(x, y)).lightness() < 128;
    }
    QVERIFY2(inked > 2000, qPrintable(QString::number(inked)));

    // No connection 99; a kernel socket that is not there; a connection that is no number.
    QCOMPARE(runTcpscope({u"--connection"_qs, u"99"_qs, u"--export"_qs,
                          u"history=%1"_qs.arg(path("h99.png")), u"--from"_qs, kCapture})
                 .code,
             1);
    QVERIFY(!QFile::exists(path("h99.png")));
    const Run noSocket = runTcpscope({u"--connection"_qs, u"127.0.0.1:1-127.0.0.1:2"_qs,
                                      u"--export"_qs, u"history=%1"_qs.arg(path("hk.png"))});
    QCOMPARE(noSocket.code, 1);
    QVERIFY2(noSocket.err.contains(u"no socket"), qPrintable(noSocket.err));
    QCOMPARE(runTcpscope({u"--connection"_qs, u"first"_qs, u"--export"_qs,
                          u"history=%1"_qs.arg(path("hf.png")), u"--from"_qs, kCapture})
                 .code,
             2);
}

void TestExport::headlessAtShowsThatMoment()
{
    const CaptureResult capture = readCapture(kCapture);
    const TcpTracker &tracker = *capture.tracker;
    const std::int64_t first = tracker.connections().front().firstSeenNs;
    // Just after connection 10's handshake: 0 to 9 closed, 10 established, the rest unseen.
    std::int64_t at = 0;
    for (const StateChange &c : tracker.changes()) {
        if (c.connection == 10 && c.to == TcpState::Established)
            at = std::max(at, c.timeNs);
    }
    QVERIFY(at > first);
    const QString iso = isoTime(at, 6);
    const QString seconds = QString::number(double(at - first) / 1e9, 'f', 6);
    for (const QString &when : {iso, seconds}) {
        const Run run =
            runTcpscope({u"--at"_qs, when, u"--export"_qs,
                         u"connections=%1"_qs.arg(path("at.json")), u"--from"_qs, kCapture});
        QCOMPARE(run.code, 0);
        QVERIFY2(!run.err.contains(u"propagateSizeHints"), qPrintable(run.err));
        const QJsonArray rows = QJsonDocument::fromJson(readAll(path("at.json"))).array();
        QCOMPARE(rows.size(), int(tracker.connections().size()));
        for (const QJsonValue &v : rows) {
            const QJsonObject o = v.toObject();
            const int n = o.value(u"connection").toInt();
            const QJsonValue client = o.value(u"client_state");
            if (n < 10)
                QCOMPARE(client.toString(), u"TIME_WAIT"_qs);
            else if (n == 10)
                QCOMPARE(client.toString(), u"ESTABLISHED"_qs);
            else
                QVERIFY2(client.isNull(), qPrintable(QString::number(n)));
        }
    }
    // Without --at: the end of the capture, every client in TIME_WAIT.
    QCOMPARE(runTcpscope({u"--export"_qs, u"connections=%1"_qs.arg(path("end.json")), u"--from"_qs,
                          kCapture})
                 .code,
             0);
    for (const QJsonValue &v : QJsonDocument::fromJson(readAll(path("end.json"))).array())
        QCOMPARE(v.toObject().value(u"client_state").toString(), u"TIME_WAIT"_qs);
    // --at needs a capture; and a time.
    QCOMPARE(
        runTcpscope({u"--at"_qs, u"1"_qs, u"--export"_qs, u"table=%1"_qs.arg(path("k.png"))}).code,
        2);
    QCOMPARE(runTcpscope({u"--at"_qs, u"noon"_qs, u"--export"_qs, u"table=%1"_qs.arg(path("k.png")),
                          u"--from"_qs, kCapture})
                 .code,
             2);
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
    // An extension that is not written: a bad argument, with the list; nothing written.
    QCOMPARE(run({u"--export"_qs, u"diagram=%1"_qs.arg(path("x.jpg")), u"--from"_qs, kClientClose},
                 &err),
             2);
    QVERIFY2(err.contains(u".png, .svg, .pdf"), qPrintable(err));
    QVERIFY(!QFile::exists(path("x.jpg")));
    QCOMPARE(run({u"--export"_qs, u"connections=%1"_qs.arg(path("x.xlsx"))}, &err), 2);
    QVERIFY2(err.contains(u".csv, .json"), qPrintable(err));
    QCOMPARE(
        run({u"--size"_qs, u"wide"_qs, u"--export"_qs, u"diagram=%1"_qs.arg(path("x.png"))}, &err),
        2);
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
