#include "mainwindow.h"

#include "versions.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include <qcustomplot.h>

namespace tcpscope {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("tcpscope — TCP connections through the state diagram"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/tcpscope.svg")));
    createMenus();
    auto *placeholder = new QLabel(this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    statusBar()->showMessage(tr("Ready"));
    resize(1200, 800);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About tcpscope"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

QString MainWindow::aboutText()
{
    return tr("<h3>tcpscope %1</h3>"
              "<p>Every TCP connection on this machine, moving through the RFC 9293 state "
              "diagram.</p>"
              "<p>Qt %2 (built with %3)<br>libpcap %4<br>QCustomPlot %5</p>")
        .arg(tcpscopeVersion(), qtVersion(), QStringLiteral(QT_VERSION_STR), libpcapVersion(),
             QStringLiteral(QCUSTOMPLOT_VERSION_STR));
}

void MainWindow::showAbout() { QMessageBox::about(this, tr("About tcpscope"), aboutText()); }

} // namespace tcpscope
