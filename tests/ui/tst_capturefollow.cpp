// A capture tab's followed connection as a student uses it: a moment clicked on the chart
// outlines that moment's states; the client and the server have their own colours and a
// legend; History numbers the same steps as the diagram, says when a change was caused and
// when it was confirmed, and marks inferred rows; step badges never cover an arrow's label;
// pictures draw the diagram at rest; the replay has slow motion and keyboard shortcuts.
#include "diagram/diagramlayout.h"
#include "diagram/statediagramview.h"
#include "export/windowexport.h"
#include "ladder/ladderpane.h"
#include "packets/capturefile.h"
#include "pages/capturepage.h"
#include "pages/sourceviews.h"
#include "statepalette.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QStyleOptionComboBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace tcpscope;

namespace {

QString fixture(const char *name)
{
    return QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + QLatin1String(name);
}

// The diagram drawn at rest at canvas size: canvas coordinates are pixels.
QImage atRest(const StateDiagramView *d)
{
    QImage image(diagram::kCanvas.toSize(), QImage::Format_ARGB32);
    QPainter p(&image);
    d->render(p, QRectF(QPointF(), diagram::kCanvas), printPalette(), d->now(),
              DiagramMotion::AtRest);
    return image;
}

int pixelsOf(const QImage &image, const QColor &colour)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            n += image.pixelColor(x, y).rgb() == colour.rgb();
    }
    return n;
}

struct Page
{
    explicit Page(const QString &path)
        : page(readCapture(path))
    {
        page.resize(1400, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
    }
    StateDiagramView *diagram() { return page.views().diagram; }
    CapturePage page;
};

// The label rectangles of every drawn arrow, in the diagram's language.
std::vector<QRectF> labelRects(const StateDiagramView *d)
{
    std::vector<QRectF> rects;
    for (std::size_t i = 0; i < diagramEdges().size(); ++i) {
        if (diagramEdges()[i].kind != EdgeKind::Reset)
            rects.push_back(diagram::labelRect(int(i), d->labelText(int(i))));
    }
    return rects;
}

} // namespace

class TestCaptureFollow : public QObject
{
    Q_OBJECT
private slots:
    void clickedMomentOutlinesThatMomentsStates();
    void clientAndServerHaveTheirColours();
    void historyNumbersTheDiagramsSteps();
    void historySaysCausedAndConfirmed();
    void stepBadgesLeaveLabelsClear_data();
    void stepBadgesLeaveLabelsClear();
    void picturesDrawTheDiagramAtRest();
    void replayHasSlowMotionAndOnePacketSteps();
    void shortcutsStepAndReplay();
    void animationComboFitsAfterLanguageSwitch();
};

void TestCaptureFollow::clickedMomentOutlinesThatMomentsStates()
{
    Page p(fixture("client_close.lo.pcap"));
    QVERIFY(p.page.views().follow->isChecked());
    p.page.table()->selectRow(0);
    const std::vector<StateChange> history = p.page.model()->history(0);
    const QList<TcpState> final = p.diagram()->followedStates();
    QCOMPARE(final.size(), 2);
    QVERIFY(final != (QList<TcpState>{TcpState::Established, TcpState::Established}));
    // The moment between the server's ESTABLISHED and the client's FIN: both ESTABLISHED.
    std::size_t k = 0;
    while (k + 1 < history.size() && history[k + 1].to != TcpState::FinWait1)
        ++k;
    QVERIFY(k + 1 < history.size());
    const double t = (double(history[k].timeNs) + double(history[k + 1].timeNs)) / 2e9;
    StateCountChart *chart = p.page.chart();
    chart->replot();
    const QPoint at(int(std::lround(chart->xAxis->coordToPixel(t))),
                    chart->axisRect()->rect().center().y());
    QTest::mouseClick(chart, Qt::LeftButton, {}, at);
    QVERIFY(p.page.model()->moment());
    QCOMPARE(p.diagram()->followedStates(),
             (QList<TcpState>{TcpState::Established, TcpState::Established}));
    QCOMPARE(p.diagram()->followedSteps().back().number, int(k + 1)); // the steps so far
    // Back at the end of the capture: the final outline again.
    p.page.showMomentAt(std::nullopt);
    QCOMPARE(p.diagram()->followedStates(), final);
}

void TestCaptureFollow::clientAndServerHaveTheirColours()
{
    Page p(fixture("client_close.lo.pcap"));
    p.page.table()->selectRow(0);
    StateDiagramView *d = p.diagram();
    QVERIFY(d->followsSides());
    const QPalette pal = printPalette();
    const QColor client = StateDiagramView::sideColor(FollowedSide::Client, pal);
    const QColor server = StateDiagramView::sideColor(FollowedSide::Server, pal);
    QVERIFY(client.rgb() != server.rgb());
    const QImage image = atRest(d);
    QSet<FollowedSide> sides;
    for (const StateDiagramView::StepBadge &b : d->stepBadges()) {
        const QColor want = b.side == FollowedSide::Server ? server : client;
        const QPoint inside(int(b.rect.left() + 4), int(b.rect.center().y()));
        QCOMPARE(image.pixelColor(inside).rgb(), want.rgb());
        sides << b.side;
    }
    QCOMPARE(sides, (QSet<FollowedSide>{FollowedSide::Client, FollowedSide::Server}));
    // The legend says which is which, clear of the states' boxes.
    const QRectF legend = d->sideLegendRect();
    QVERIFY(!legend.isEmpty());
    for (int node = 0; node < diagram::kNodeCount; ++node)
        QVERIFY(!legend.intersects(diagram::nodeRect(node)));
    int inLegend[2] = {0, 0};
    for (int y = int(legend.top()); y < int(legend.bottom()); ++y) {
        for (int x = int(legend.left()); x < int(legend.left() + 26); ++x) {
            inLegend[0] += image.pixelColor(x, y).rgb() == client.rgb();
            inLegend[1] += image.pixelColor(x, y).rgb() == server.rgb();
        }
    }
    QVERIFY(inLegend[0] > 20 && inLegend[1] > 20);
    // The exported picture has the server's colour; with nothing followed, none of it.
    PictureOptions o;
    o.caption = false;
    QVERIFY(pixelsOf(pictureImage(p.page.exportTarget(), u"diagram"_qs, o), server) > 100);
    p.page.table()->clearSelection();
    QVERIFY(!d->followsSides());
    QCOMPARE(pixelsOf(pictureImage(p.page.exportTarget(), u"diagram"_qs, o), server), 0);
}

void TestCaptureFollow::historyNumbersTheDiagramsSteps()
{
    Page p(fixture("mid_stream.lo.pcap"));
    p.page.table()->selectRow(0);
    QTreeWidget *history = p.page.historyView();
    const int rows = history->topLevelItemCount();
    QVERIFY(rows >= 3);
    QSet<int> numbers;
    for (const StateDiagramView::StepBadge &b : p.diagram()->stepBadges()) {
        for (const QString &n : b.text.split(u','))
            numbers << n.toInt();
    }
    QSet<int> expected;
    for (int r = 0; r < rows; ++r) {
        QTreeWidgetItem *item = history->topLevelItem(r);
        QCOMPARE(item->text(0), QString::number(r + 1));
        expected << r + 1;
    }
    QCOMPARE(numbers, expected); // more arrows than rows, the same numbers
    QVERIFY(p.diagram()->followedSteps().size() > std::size_t(rows));
    // The assumed rows say so; the seen ones do not.
    const std::vector<StateChange> changes = p.page.model()->history(0);
    int inferred = 0;
    for (int r = 0; r < rows; ++r) {
        QTreeWidgetItem *item = history->topLevelItem(r);
        const bool marked = item->text(5).contains(u"(inferred)") && item->font(0).italic();
        QCOMPARE(marked, changes[std::size_t(r)].inferred);
        inferred += marked;
    }
    QVERIFY(inferred > 0 && inferred < rows);
}

void TestCaptureFollow::historySaysCausedAndConfirmed()
{
    // Both FINs cross: the server's FIN_WAIT_1 → CLOSING is caused by the client's FIN (#4),
    // but the server shows it had it only with its own FIN (#5), later.
    Page p(fixture("simultaneous_close.lo.pcap"));
    p.page.table()->selectRow(0);
    QTreeWidget *history = p.page.historyView();
    QTreeWidgetItem *clientFin = nullptr, *serverClosing = nullptr, *serverFin = nullptr;
    for (int r = 0; r < history->topLevelItemCount(); ++r) {
        QTreeWidgetItem *item = history->topLevelItem(r);
        const bool server = item->text(2) == u"server";
        if (!server && item->text(4) == u"FIN_WAIT_1")
            clientFin = item;
        if (server && item->text(4) == u"FIN_WAIT_1")
            serverFin = item;
        if (server && item->text(4) == u"CLOSING")
            serverClosing = item;
    }
    QVERIFY(clientFin && serverClosing && serverFin);
    QVERIFY(clientFin->text(5).startsWith(u"#4 "));
    // Its time is packet #4's, as the packet list shows it; the confirmation's is #5's.
    QCOMPARE(serverClosing->text(1), clientFin->text(1));
    QCOMPARE(serverClosing->text(5), u"caused by #4 FIN,PSH,ACK at %1, confirmed at %2"_qs.arg(
                                         clientFin->text(1), serverFin->text(1)));
    QVERIFY(clientFin->text(1) != serverFin->text(1)); // µs precision: 622328 vs 622352
    QVERIFY(!serverClosing->toolTip(5).isEmpty());
}

void TestCaptureFollow::stepBadgesLeaveLabelsClear_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("language");
    const QStringList files =
        QDir(QStringLiteral(TCPSCOPE_TEST_DATA "/packets")).entryList({u"*.lo.pcap"_qs});
    QVERIFY(files.size() >= 10);
    for (const QString &f : files) {
        for (const char *lang : {"en", "zh"})
            QTest::addRow("%s %s", qPrintable(f), lang)
                << QStringLiteral(TCPSCOPE_TEST_DATA "/packets/") + f << QString::fromLatin1(lang);
    }
}

void TestCaptureFollow::stepBadgesLeaveLabelsClear()
{
    QFETCH(QString, path);
    QFETCH(QString, language);
    Page p(path);
    p.diagram()->setLanguage(language);
    const std::vector<QRectF> labels = labelRects(p.diagram());
    for (int row = 0; row < std::min(6, p.page.model()->rowCount()); ++row) {
        p.page.table()->selectRow(row);
        const auto badges = p.diagram()->stepBadges();
        if (const QByteArray dump = qgetenv("TCPSCOPE_TEST_DUMP"); !dump.isEmpty())
            atRest(p.diagram())
                .save(QString::fromLocal8Bit(dump) + u'/' + QFileInfo(path).baseName() + u'-'
                      + language + u'-' + QString::number(row) + u".png"_qs);
        QVERIFY(!badges.empty());
        for (std::size_t i = 0; i < badges.size(); ++i) {
            for (const QRectF &l : labels)
                QVERIFY2(!badges[i].rect.intersects(l),
                         qPrintable(u"badge "_qs + badges[i].text + u" over a label"_qs));
            for (std::size_t j = 0; j < i; ++j)
                QVERIFY(!badges[i].rect.intersects(badges[j].rect));
        }
    }
}

void TestCaptureFollow::picturesDrawTheDiagramAtRest()
{
    Page p(fixture("client_close.lo.pcap"));
    p.page.table()->selectRow(0);
    StateDiagramView *d = p.diagram();
    PictureOptions o;
    o.caption = false;
    const QImage rest = pictureImage(p.page.exportTarget(), u"diagram"_qs, o);
    // A token mid-flight on an arrow (and its flash), the pointer resting on a label.
    d->setSecondsPerArrow(30);
    d->addTransition(TcpState::Established, TcpState::CloseWait, false, false, 0,
                     FollowedSide::Server);
    d->addTransition(TcpState::Listen, TcpState::SynReceived, false, false, 99);
    QVERIFY(!d->animator().tokens().empty());
    const int edge = diagramPath(TcpState::Established, TcpState::FinWait1, false).front();
    QTest::mouseMove(d, d->widgetPosOfLabel(edge).toPoint());
    QTest::qWait(50);
    const QImage moving = [&] {
        PictureOptions m = o;
        m.motion = true;
        return pictureImage(p.page.exportTarget(), u"diagram"_qs, m);
    }();
    QVERIFY(moving != rest); // the test can see motion
    QCOMPARE(pictureImage(p.page.exportTarget(), u"diagram"_qs, o), rest);
    // The headless path (a file) too.
    QTemporaryDir dir;
    QString error;
    const QString file = dir.filePath(u"d.png"_qs);
    QVERIFY2(exportPicture(p.page.exportTarget(), u"diagram"_qs, file, o, &error),
             qPrintable(error));
    QCOMPARE(QImage(file).convertToFormat(rest.format()), rest);
}

void TestCaptureFollow::replayHasSlowMotionAndOnePacketSteps()
{
    Page p(fixture("client_close.lo.pcap"));
    QComboBox *speed = p.page.speedBox();
    QVERIFY(speed);
    QVERIFY(speed->findData(0.1) >= 0 && speed->findData(0.01) >= 0);
    const int perPacket = speed->findData(CapturePage::kOnePacketPerStep);
    QVERIFY(perPacket >= 0);
    // Slow motion: 0.01× moves a hundredth of the clock.
    speed->setCurrentIndex(speed->findData(0.01));
    QPushButton *play = nullptr;
    for (QPushButton *b : p.page.findChildren<QPushButton *>())
        play = b->text() == u"Replay" ? b : play;
    QVERIFY(play);
    QTest::mouseClick(play, Qt::LeftButton);
    QVERIFY(p.page.isReplaying());
    const double start = p.page.replayPosition();
    QTest::qWait(500);
    const double moved = p.page.replayPosition() - start;
    QVERIFY2(moved > 0 && moved < 0.02, qPrintable(QString::number(moved)));
    QTest::mouseClick(play, Qt::LeftButton);
    QVERIFY(!p.page.isReplaying());
    // One packet per step: each tick is the next change's packet, exactly.
    p.page.showMomentAt(std::nullopt);
    speed->setCurrentIndex(perPacket);
    QTest::mouseClick(play, Qt::LeftButton);
    std::vector<std::int64_t> times;
    for (const StateChange &c : p.page.model()->result().tracker->changes())
        times.push_back(c.timeNs);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    const std::int64_t first = *p.page.model()->moment();
    const auto next = std::upper_bound(times.begin(), times.end(), first);
    QVERIFY(next != times.end());
    QTRY_VERIFY_WITH_TIMEOUT(*p.page.model()->moment() != first, 3000);
    QCOMPARE(*p.page.model()->moment(), *next);
    p.page.pauseReplay();
}

void TestCaptureFollow::shortcutsStepAndReplay()
{
    Page p(fixture("client_close.lo.pcap"));
    p.page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&p.page));
    p.page.table()->setFocus();
    p.page.table()->selectRow(0);
    // Steps walk segments by default (the ladder's; tst_ladderview), else transitions.
    QTest::keyClick(p.page.table(), Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(p.page.currentSegment(), 0);
    QTest::keyClick(p.page.table(), Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(p.page.currentSegment(), 1);
    QTest::keyClick(p.page.table(), Qt::Key_Left, Qt::ControlModifier);
    QCOMPARE(p.page.currentSegment(), 0);
    p.page.ladderPane()->stepSegmentsBox()->setChecked(false);
    p.page.showMomentAt(std::nullopt);
    QTest::keyClick(p.page.table(), Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(p.page.currentStep(), 0);
    QTest::keyClick(p.page.table(), Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(p.page.currentStep(), 1);
    QTest::keyClick(p.page.table(), Qt::Key_Left, Qt::ControlModifier);
    QCOMPARE(p.page.currentStep(), 0);
    QTest::keyClick(p.page.table(), Qt::Key_R, Qt::ControlModifier);
    QVERIFY(p.page.isReplaying());
    QTest::keyClick(p.page.table(), Qt::Key_R, Qt::ControlModifier);
    QVERIFY(!p.page.isReplaying());
    // The buttons' tooltips name their shortcuts.
    for (QAction *a : {p.page.stepBackAction(), p.page.stepForwardAction(), p.page.replayAction()})
        QVERIFY(!a->shortcut().isEmpty());
    int named = 0;
    for (QPushButton *b : p.page.findChildren<QPushButton *>()) {
        for (QAction *a :
             {p.page.stepBackAction(), p.page.stepForwardAction(), p.page.replayAction()})
            named += b->toolTip().endsWith(
                u" ("_qs + a->shortcut().toString(QKeySequence::NativeText) + u')');
    }
    QCOMPARE(named, 3);
}

void TestCaptureFollow::animationComboFitsAfterLanguageSwitch()
{
    QVERIFY(UiLanguage::instance().set(u"zh"_qs));
    Page p(fixture("client_close.lo.pcap"));
    QComboBox *speed = p.page.views().speed;
    QVERIFY(UiLanguage::instance().set(u"en"_qs));
    QTRY_COMPARE(speed->currentText(), u"normal"_qs);
    QApplication::processEvents();
    // The text and the arrow fit: the combo is at least its text plus its frame and button.
    QStyleOptionComboBox opt;
    opt.initFrom(speed);
    const QRect text = speed->style()->subControlRect(QStyle::CC_ComboBox, &opt,
                                                      QStyle::SC_ComboBoxEditField, speed);
    QTRY_VERIFY2(text.width() >= speed->fontMetrics().horizontalAdvance(u"normal"_qs),
                 qPrintable(QString::number(text.width())));
}

QTEST_MAIN(TestCaptureFollow)
#include "tst_capturefollow.moc"
