// The ladder view on the recorded fixtures: its labels, notes and state names never overlap
// and are never cut short at the sizes it is shown at, in English and in Chinese; it draws only
// the rows in view; selecting or stepping to a segment moves the diagram, the table and the
// explanation to just after it; its picture export holds the labels' text and its data export
// the segments with both ends' states.
#include "diagram/statediagramview.h"
#include "export/windowexport.h"
#include "ladder/ladderpane.h"
#include "ladder/ladderview.h"
#include "models/packetconnectionmodel.h"
#include "packets/capturefile.h"
#include "pages/capturehistory.h"
#include "pages/capturepage.h"
#include "theme.h"
#include "uilanguage.h"
#include "widgets/teachingpanel.h"

#include <QCheckBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace tcpscope;

namespace {

const QString kPackets = QStringLiteral(TCPSCOPE_TEST_DATA "/packets/");

QString fixture(const QString &name) { return kPackets + name + QStringLiteral(".lo.pcap"); }

// Every rectangle of text the layout places, with what it is.
std::vector<std::pair<QString, QRectF>> textBoxes(const LadderLayout &l, int row)
{
    std::vector<std::pair<QString, QRectF>> out;
    out.push_back({QStringLiteral("label %1").arg(row), l.labelRect(row)});
    if (const QRectF n = l.noteRect(row); !n.isEmpty())
        out.push_back({QStringLiteral("note %1").arg(row), n});
    const LadderRow &r = l.ladder()->rows[std::size_t(row)];
    for (std::uint32_t k = 0; k < r.changeCount; ++k) {
        QRectF box = l.changeTextRect(row, int(k));
        if (l.compact())
            box.setHeight(l.lineHeight()); // one line: the new state
        out.push_back({QStringLiteral("change %1.%2").arg(row).arg(k), box});
    }
    return out;
}

} // namespace

class TestLadderView : public QObject
{
    Q_OBJECT
private slots:
    void labelsDoNotOverlap_data();
    void labelsDoNotOverlap();
    void drawsOnlyTheRowsInView();
    void selectingASegmentSeeksEverything();
    void stepWalksSegmentsOrTransitions();
    void exportsPictureAndData();
    void screenshots_data();
    void screenshots();
    void cleanup() { UiLanguage::instance().set(u"en"_qs); }
};

void TestLadderView::labelsDoNotOverlap_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("language");
    QTest::addColumn<int>("width");
    for (const char *f :
         {"client_close", "server_close", "simultaneous_close", "simultaneous_open", "half_close",
          "abortive_close", "refused", "mid_stream", "lost_fin", "stray_rst", "lost_syn_ack"}) {
        for (const char *lang : {"en", "zh"}) {
            // Beside the diagram in a 1440-wide window (compact), and alone (a picture export).
            for (int width : {0, 900})
                QTest::addRow("%s-%s-%s", f, lang, width ? "picture" : "beside-diagram")
                    << fixture(QLatin1String(f)) << QString::fromLatin1(lang) << width;
        }
    }
}

void TestLadderView::labelsDoNotOverlap()
{
    QFETCH(QString, file);
    QFETCH(QString, language);
    QFETCH(int, width);
    QVERIFY(UiLanguage::instance().set(language));
    const CaptureResult r = readCapture(file);
    QVERIFY(r.tracker && r.segments);
    if (width == 0) { // as wide as it is in the window's default size, the Ladder tab in front
        CapturePage page(r);
        page.resize(1440, 900);
        page.show();
        page.views().showLadder();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        width = page.ladderPane()->view()->viewport()->width();
        QVERIFY2(width >= 500 && width < 900, qPrintable(QString::number(width)));
    }
    LadderOptions o;
    o.language = language;
    const QFont font = QApplication::font();
    QFont boldFont = font;
    boldFont.setBold(true);
    const QFontMetricsF fm(font), bold(boldFont);
    for (std::uint32_t c = 0; c < r.tracker->connections().size(); ++c) {
        auto ladder = std::make_shared<const Ladder>(buildLadder(*r.tracker, *r.segments, c));
        const LadderLayout l(ladder, font, width, o);
        QCOMPARE(l.compact(), width < 900);
        std::vector<std::pair<QString, QRectF>> previous;
        for (int row = 0; row < l.rowCount(); ++row) {
            // Whole: not cut short.
            QVERIFY2(fm.horizontalAdvance(l.labelText(row)) <= l.labelRect(row).width(),
                     qPrintable(l.labelText(row)));
            if (!l.noteRect(row).isEmpty())
                QVERIFY2(fm.horizontalAdvance(l.noteText(row)) <= l.noteRect(row).width(),
                         qPrintable(l.noteText(row)));
            const LadderRow &lr = ladder->rows[std::size_t(row)];
            for (std::uint32_t k = 0; k < lr.changeCount; ++k) {
                const StateChange &ch = ladder->changes[lr.firstChange + k].change;
                const QRectF box = l.changeTextRect(row, int(k));
                QVERIFY2(bold.horizontalAdvance(ladderChangeState(ch, l.compact())) <= box.width(),
                         qPrintable(ladderChangeState(ch, l.compact())));
                if (!l.compact())
                    QVERIFY2(fm.horizontalAdvance(ladderChangeReason(ch, language)) <= box.width(),
                             qPrintable(ladderChangeReason(ch, language)));
                QVERIFY(box.left() >= 0 && box.right() <= width);
            }
            // Apart: from each other in the row, and from the row before.
            const auto boxes = textBoxes(l, row);
            for (std::size_t a = 0; a < boxes.size(); ++a) {
                for (std::size_t b = a + 1; b < boxes.size(); ++b)
                    QVERIFY2(
                        !boxes[a].second.intersects(boxes[b].second),
                        qPrintable(boxes[a].first + QStringLiteral(" overlaps ") + boxes[b].first));
                for (const auto &p : previous)
                    QVERIFY2(!boxes[a].second.intersects(p.second),
                             qPrintable(boxes[a].first + QStringLiteral(" overlaps ") + p.first));
            }
            previous = boxes;
        }
    }
}

void TestLadderView::drawsOnlyTheRowsInView()
{
    const CaptureResult r = readCapture(fixture(u"client_close"_qs));
    LadderView view;
    view.resize(600, 220); // a few rows of the 11
    view.setLadder(std::make_shared<const Ladder>(buildLadder(*r.tracker, *r.segments, 0)),
                   {u"client a"_qs, u"server b"_qs});
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.viewport()->repaint();
    const auto [first, last] = view.paintedRows();
    QCOMPARE(first, 0);
    QVERIFY2(last < 10, qPrintable(QString::number(last)));
    view.selectRow(10, false); // scrolled to the end
    view.viewport()->repaint();
    QCOMPARE(view.paintedRows().second, 10);
    QVERIFY(view.paintedRows().first > 0);
    QVERIFY(view.rowToolTip(10).contains(u"since the previous segment"));
}

void TestLadderView::selectingASegmentSeeksEverything()
{
    CapturePage page(readCapture(fixture(u"client_close"_qs)));
    page.resize(1440, 900);
    page.show();
    page.table()->selectRow(0);
    LadderView *view = page.ladderPane()->view();
    QVERIFY(view->ladder());
    const Ladder &l = *view->ladder();
    QCOMPARE(l.rows.size(), std::size_t(11));
    const std::vector<StateChange> history = page.model()->history(0);
    const Connection &c = page.model()->result().tracker->connections()[0];
    for (int row : {0, 2, 7, 8, 10}) {
        view->selectRow(row); // as a click does
        QCOMPARE(page.currentSegment(), row);
        const LadderRow &lr = l.rows[std::size_t(row)];
        const std::size_t count = lr.firstChange + lr.changeCount;
        // The diagram: the connection's steps up to this segment, and its states after it.
        QCOMPARE(page.views().diagram->followedPath().size(),
                 followedStepsOf(history, c, count).size());
        QCOMPARE(statesAfter(history, c, count),
                 (QList<TcpState>{lr.after[std::size_t(clientIndex(c))],
                                  lr.after[std::size_t(1 - clientIndex(c))]}));
        // The table: the states just after it.
        QVERIFY(page.model()->moment());
        QVERIFY(*page.model()->moment() >= lr.seg.timeNs);
        const QString client =
            page.model()->index(0, PacketConnectionModel::ClientState).data().toString();
        QVERIFY2(client.startsWith(rfcName(lr.after[std::size_t(clientIndex(c))])),
                 qPrintable(client));
        // The explanation: this segment's role.
        QCOMPARE(page.views().teaching->topic(),
                 u"segment:"_qs + QLatin1String(segmentRoleId(lr.role)));
    }
    QCOMPARE(page.views().teaching->topic(), u"segment:ack"_qs); // the last ACK of the close
    view->selectRow(0);
    QCOMPARE(page.views().teaching->topic(), u"segment:handshake-1"_qs);
    QVERIFY(page.views().teaching->toPlainText().contains(u"SYN seq=0"));
}

void TestLadderView::stepWalksSegmentsOrTransitions()
{
    CapturePage page(readCapture(fixture(u"client_close"_qs)));
    page.resize(1440, 900);
    page.show();
    page.table()->selectRow(0);
    QVERIFY(page.ladderPane()->stepWalksSegments()); // the default
    page.step(+1);
    QCOMPARE(page.currentSegment(), 0);
    QCOMPARE(page.ladderPane()->view()->selectedRow(), 0);
    for (int i = 0; i < 20; ++i)
        page.step(+1); // clamps at the last segment
    QCOMPARE(page.currentSegment(), 10);
    page.step(-1);
    QCOMPARE(page.currentSegment(), 9);
    QCOMPARE(page.ladderPane()->view()->selectedRow(), 9);
    // Transitions only: the next transition after the segment's.
    page.ladderPane()->stepSegmentsBox()->setChecked(false);
    const int before = page.currentStep();
    page.step(+1);
    QCOMPARE(page.currentStep(), before + 1);
    QCOMPARE(page.currentSegment(), -1);
    QVERIFY(page.views().teaching->topic().startsWith(u"transition:"));
}

void TestLadderView::exportsPictureAndData()
{
    CapturePage page(readCapture(fixture(u"simultaneous_close"_qs)));
    page.resize(1440, 900);
    page.show();
    page.table()->selectRow(0);
    const ExportTarget t = page.exportTarget();
    QVERIFY(t.ladder);
    QTemporaryDir dir;
    QString error;
    for (const char *ext : {"svg", "png", "pdf"}) {
        const QString path = dir.filePath(QStringLiteral("ladder.") + QLatin1String(ext));
        QVERIFY2(exportPicture(t, u"ladder"_qs, path, PictureOptions{}, &error), qPrintable(error));
        QVERIFY(QFileInfo(path).size() > 1000);
    }
    QFile svg(dir.filePath(u"ladder.svg"_qs));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(svg.readAll());
    for (const LadderRow &row : t.ladder->rows)
        QVERIFY2(text.contains(ladderLabel(row, true)), qPrintable(ladderLabel(row, true)));
    QVERIFY(text.contains(u"CLOSING"));
    QVERIFY(text.contains(u"TIME_WAIT"));
    const QImage png(dir.filePath(u"ladder.png"_qs));
    QCOMPARE(png.width(), 900);

    const QString json = dir.filePath(u"segments.json"_qs);
    QVERIFY2(exportData(t, u"segments"_qs, json, &error), qPrintable(error));
    QFile f(json);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray rows = QJsonDocument::fromJson(f.readAll()).array();
    QCOMPARE(rows.size(), qsizetype(t.ladder->rows.size()));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const QJsonObject o = rows[i].toObject();
        const LadderRow &lr = t.ladder->rows[std::size_t(i)];
        QCOMPARE(o.value(u"packet").toInt(), int(lr.seg.packet));
        QVERIFY(o.value(u"seq").isDouble());
        QCOMPARE(o.value(u"seq").toInteger(), qint64(lr.relSeq));
        QVERIFY(o.value(u"window_scaled").isBool());
        QVERIFY(o.value(u"client_state").isString());
        QCOMPARE(o.value(u"flags").toString().contains(u"SYN"), bool(lr.seg.flags & tcpflag::Syn));
    }
    QCOMPARE(rows.last().toObject().value(u"client_state").toString(), u"TIME_WAIT"_qs);
    QCOMPARE(rows.last().toObject().value(u"server_state").toString(), u"TIME_WAIT"_qs);
}

// With TCPSCOPE_SCREENSHOTS=DIR (under xvfb-run): the README's pictures of the ladder.
void TestLadderView::screenshots_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("segment");
    QTest::addColumn<QString>("style");
    QTest::addColumn<QString>("name");
    QTest::newRow("four-way close")
        << u"client_close"_qs << 8 << u"en-light"_qs << u"screenshot-ladder-en-light.png"_qs;
    QTest::newRow("simultaneous close")
        << u"simultaneous_close"_qs << 4 << u"zh-dark"_qs << u"screenshot-ladder-zh-dark.png"_qs;
    QTest::newRow("handshake zh") << u"client_close"_qs << 2 << u"zh-light"_qs
                                  << u"screenshot-ladder-zh-light.png"_qs;
    QTest::newRow("retransmission")
        << u"lost_fin"_qs << 7 << u"en-dark"_qs << u"screenshot-ladder-en-dark.png"_qs;
}

void TestLadderView::screenshots()
{
    const QByteArray dir = qgetenv("TCPSCOPE_SCREENSHOTS");
    if (dir.isEmpty())
        QSKIP("TCPSCOPE_SCREENSHOTS=DIR not set: no pictures asked for");
    QFETCH(QString, file);
    QFETCH(int, segment);
    QFETCH(QString, style);
    QFETCH(QString, name);
    applyTheme(style.section(u'-', 1));
    QVERIFY(UiLanguage::instance().set(style.section(u'-', 0, 0)));
    CapturePage page(readCapture(fixture(file)));
    page.resize(1440, 900);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.table()->selectRow(0);
    page.views().showLadder();
    QTest::qWait(100);
    page.ladderPane()->view()->selectRow(segment);
    QTest::qWait(1500); // the diagram's animation settles
    QVERIFY(page.grab().save(QString::fromLocal8Bit(dir) + u'/' + name));
    applyTheme(u"light"_qs);
}

QTEST_MAIN(TestLadderView)
#include "tst_ladderview.moc"
