// The tcpscope main window: menus, the central views and the status bar.
#pragma once

#include <QMainWindow>

namespace tcpscope {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    // The text of Help ▸ About: the versions of tcpscope, Qt, libpcap and QCustomPlot.
    static QString aboutText();

public slots:
    void showAbout();

private:
    void createMenus();
};

} // namespace tcpscope
