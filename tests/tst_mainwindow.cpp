// The main window opens, is titled, and its About box names the library versions in use.
#include "mainwindow.h"
#include "versions.h"

#include <QApplication>
#include <QMenuBar>
#include <QTest>

#include <pcap/pcap.h>
#include <qcustomplot.h>

using namespace tcpscope;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void opensTitled();
    void aboutNamesVersions();
    void versionTextMatchesLibraries();
};

void TestMainWindow::opensTitled()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(w.windowTitle().startsWith(u"tcpscope"));
    QStringList menus;
    for (QAction *a : w.menuBar()->actions())
        menus << a->text().remove(u'&');
    QVERIFY2(menus.contains(u"Help"), qPrintable(menus.join(u',')));
}

void TestMainWindow::aboutNamesVersions()
{
    const QString text = MainWindow::aboutText();
    QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(QCUSTOMPLOT_VERSION_STR)), qPrintable(text));
    // pcap_lib_version() says "libpcap version 1.10.3 (...)"; the About box gives the number.
    const QString pcap = QString::fromLatin1(pcap_lib_version()).section(u' ', 2, 2);
    QVERIFY(!pcap.isEmpty());
    QVERIFY2(text.contains(pcap), qPrintable(text));
}

void TestMainWindow::versionTextMatchesLibraries()
{
    const QString v = versionText(QStringLiteral("tcpscope"));
    QCOMPARE(v.split(u'\n', Qt::SkipEmptyParts).size(), 4);
    QVERIFY(v.contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())));
    // The CLI reads the QCustomPlot version from the header at configure time; it must be the
    // header the GUI was compiled against.
    QVERIFY(v.contains(QStringLiteral("QCustomPlot " QCUSTOMPLOT_VERSION_STR)));
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    Q_INIT_RESOURCE(resources);
    TestMainWindow t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_mainwindow.moc"
