// The Lab panel: the scenarios, Start / Next / Run all / Stop, the steps with the current one
// highlighted and each one's outcome, and what the kernel showed. The scenario runs in a
// worker process (`tcpscope-cli lab run NAME --step --format json`), so that a failure never
// takes the window down and its sockets close when it ends or is stopped.
#pragma once

#include "tcpstate.h"

#include <QProcess>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace tcpscope {

class LabPanel : public QWidget
{
    Q_OBJECT
public:
    // Run all waits this long between steps (the class watches; the tests set it to 0).
    static inline int kRunAllPauseMs = 1500;

    explicit LabPanel(QWidget *parent = nullptr);
    ~LabPanel() override;

    void setLanguage(const QString &language);
    // Starts the selected (or named) scenario; stepping: wait for Next before each step.
    bool start(const QString &name, bool runAll);
    void next();
    void stop();
    bool isRunning() const { return m_worker.state() != QProcess::NotRunning; }
    // Why a scenario cannot run here (needs root), or empty.
    static QString unavailableWhy(const QString &name);

    QListWidget *scenarioList() const { return m_scenarios; }
    QListWidget *stepList() const { return m_steps; }
    QString log() const;

signals:
    void stepStarted(tcpscope::TcpState about);
    void scenarioPorts(const QList<quint16> &ports); // the scenario's sockets, to follow
    void runningChanged(bool running);
    void finished(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void fillScenarios();
    void showSelected();
    void readWorker();
    void handle(const QJsonObject &event);
    void updateButtons();
    QString scenarioName() const;

    QListWidget *m_scenarios;
    QLabel *m_summary;
    QListWidget *m_steps;
    QPlainTextEdit *m_log;
    QPushButton *m_start, *m_next, *m_runAllButton, *m_stop;
    QLabel *m_title;
    QProcess m_worker;
    QByteArray m_pending;
    QString m_language = QStringLiteral("en");
    bool m_runAll = false;
    bool m_waiting = false;
    bool m_ok = true;
};

} // namespace tcpscope
