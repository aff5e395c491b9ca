// The Lab panel: the scenarios, Start / Next / Run all / Stop, the steps with the current one
// highlighted and each one's outcome, and what the kernel showed. The scenario runs in a
// worker process (`tcpscope-cli lab run NAME --step --format json`, speaking labprotocol.h),
// so that a failure never takes the window down and its sockets close when it ends or is
// stopped. Everything it shows is kept as data and reads in the interface's language, also
// after the language changed mid-run.
#pragma once

#include "lab/labprotocol.h"
#include "lablog.h"
#include "tcpstate.h"

#include <QProcess>
#include <QWidget>

class QAction;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace tcpscope {

struct LabScenario;

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
    // The scenario running or last run (its id).
    QString runningScenario() const { return m_shown; }
    bool runsInOwnNamespace() const;

    // For the window's Lab menu: start step by step, next step, run all, stop (with
    // shortcuts), enabled as the panel's buttons are; they show the panel when it is hidden.
    QList<QAction *> menuActions() const;

    QListWidget *scenarioList() const { return m_scenarios; }
    QListWidget *stepList() const { return m_steps; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *nextButton() const { return m_next; }
    QPushButton *runAllButton() const { return m_runAllButton; }
    QPushButton *stopButton() const { return m_stop; }
    QString log() const;

signals:
    void stepStarted(tcpscope::TcpState about);
    void scenarioPorts(const QList<quint16> &ports); // the scenario's sockets, to follow
    void runningChanged(bool running);
    void finished(bool ok);
    // A scenario in a network namespace of its own: the worker's packets on that namespace's
    // lo as a pcap stream (the read end of a pipe, for the receiver to take over; the
    // receiver closes it), and that namespace's socket table, poll by poll.
    void namespacePackets(int fd, const QString &scenario);
    void namespaceTable(const tcpscope::LabTableEvent &table);

protected:
    void changeEvent(QEvent *event) override;

private:
    enum class StepMark { Pending, Current, Passed, Failed };

    void createWidgets();
    void createActions();
    void retranslate();
    void fillScenarios();
    void showSelected();
    void renderSteps();
    void readWorker();
    void addToLog(LabLog::Entry entry);
    void handle(const LabEvent &event);
    void on(const LabWaitingEvent &e);
    void on(const LabStepEvent &e);
    void on(const LabResultEvent &e);
    void on(const LabTableEvent &e) { Q_EMIT namespaceTable(e); }
    void startWorker(const QString &name);
    template<typename Event>
    void on(const Event &)
    {} // the rest is for the log only
    void runAll();
    void reveal();
    void updateButtons();
    QString scenarioName() const;
    const LabScenario *shownScenario() const;

    QListWidget *m_scenarios;
    QLabel *m_summary;
    QListWidget *m_steps;
    QPlainTextEdit *m_log;
    QPushButton *m_start, *m_next, *m_runAllButton, *m_stop;
    QAction *m_startAction, *m_nextAction, *m_runAllAction, *m_stopAction;
    QLabel *m_title;
    QProcess m_worker;
    QByteArray m_pending;
    LabLog m_logEntries;
    std::vector<StepMark> m_marks; // of the scenario shown
    QString m_shown;               // its name
    QString m_language = QStringLiteral("en");
    bool m_runAll = false;
    bool m_waiting = false;
    bool m_ok = true;
};

} // namespace tcpscope
