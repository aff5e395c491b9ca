#include "labpanel.h"

#include "lab/labscenario.h"
#include "uilanguage.h"

#include <QAction>
#include <QCoreApplication>
#include <QDockWidget>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>

namespace tcpscope {

namespace {

QString cliPath()
{
    const QString fromEnv = qEnvironmentVariable("TCPSCOPE_CLI");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QCoreApplication::applicationDirPath() + QStringLiteral("/tcpscope-cli");
}

} // namespace

LabPanel::LabPanel(QWidget *parent)
    : QWidget(parent)
{
    createWidgets();
    createActions();

    connect(m_scenarios, &QListWidget::currentRowChanged, this, &LabPanel::showSelected);
    connect(m_start, &QPushButton::clicked, m_startAction, &QAction::trigger);
    connect(m_runAllButton, &QPushButton::clicked, m_runAllAction, &QAction::trigger);
    connect(m_next, &QPushButton::clicked, m_nextAction, &QAction::trigger);
    connect(m_stop, &QPushButton::clicked, m_stopAction, &QAction::trigger);
    connect(&m_worker, &QProcess::readyReadStandardOutput, this, &LabPanel::readWorker);
    connect(&m_worker, &QProcess::finished, this, [this](int code) {
        readWorker();
        m_waiting = false;
        std::replace(m_marks.begin(), m_marks.end(), StepMark::Current, StepMark::Pending);
        renderSteps();
        updateButtons();
        Q_EMIT runningChanged(false);
        Q_EMIT finished(code == 0 && m_ok);
    });
    connect(&m_worker, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            addToLog(LabLog::StartFailure{cliPath(), m_worker.errorString()});
    });
    m_language = UiLanguage::instance().current();
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, &LabPanel::setLanguage);
    fillScenarios();
    retranslate();
    m_scenarios->setCurrentRow(0);
}

LabPanel::~LabPanel()
{
    // Nothing of a panel being destroyed may hear from the worker any more.
    disconnect(&m_worker, nullptr, this, nullptr);
    if (!isRunning())
        return;
    if (m_waiting)
        m_worker.write(labReplyLine(LabReply::Stop));
    else
        m_worker.terminate(); // the worker closes its sockets on SIGTERM
    if (!m_worker.waitForFinished(3000)) {
        m_worker.kill();
        m_worker.waitForFinished(1000);
    }
}

void LabPanel::createWidgets()
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel;
    m_title->setStyleSheet(QStringLiteral("font-weight: bold"));
    m_title->setWordWrap(true);
    m_scenarios = new QListWidget;
    m_scenarios->setMaximumHeight(230);
    m_scenarios->setWordWrap(true);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_start = new QPushButton;
    m_next = new QPushButton;
    m_runAllButton = new QPushButton;
    m_stop = new QPushButton;
    auto *buttons = new QGridLayout;
    buttons->addWidget(m_start, 0, 0);
    buttons->addWidget(m_next, 0, 1);
    buttons->addWidget(m_runAllButton, 1, 0);
    buttons->addWidget(m_stop, 1, 1);
    m_steps = new QListWidget;
    m_steps->setWordWrap(true);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setMaximumHeight(160);
    layout->addWidget(m_title);
    layout->addWidget(m_scenarios);
    layout->addWidget(m_summary);
    layout->addLayout(buttons);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_log);
}

void LabPanel::createActions()
{
    m_startAction = new QAction(this);
    m_startAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_nextAction = new QAction(this);
    m_nextAction->setShortcut(QKeySequence(Qt::Key_F10));
    m_runAllAction = new QAction(this);
    m_runAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F5));
    m_stopAction = new QAction(this);
    m_stopAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    connect(m_startAction, &QAction::triggered, this, [this] {
        reveal();
        start(scenarioName(), false);
    });
    connect(m_runAllAction, &QAction::triggered, this, [this] {
        reveal();
        runAll();
    });
    connect(m_nextAction, &QAction::triggered, this, &LabPanel::next);
    connect(m_stopAction, &QAction::triggered, this, &LabPanel::stop);
}

QList<QAction *> LabPanel::menuActions() const
{
    return {m_startAction, m_nextAction, m_runAllAction, m_stopAction};
}

void LabPanel::reveal()
{
    for (QWidget *w = parentWidget(); w; w = w->parentWidget()) {
        if (auto *dock = qobject_cast<QDockWidget *>(w)) {
            dock->show();
            dock->raise();
        }
    }
}

QString LabPanel::unavailableWhy(const QString &name)
{
    const LabScenario *s = findLabScenario(name);
    if (s && s->needsRoot && ::geteuid() != 0)
        return LabLog::needsRoot(name);
    return QString();
}

void LabPanel::fillScenarios()
{
    m_scenarios->clear();
    for (const LabScenario &s : labScenarios()) {
        // The id beside the title: it is what `tcpscope-cli lab run` and the README name.
        auto *item = new QListWidgetItem(tr("%1 (%2)").arg(s.title.in(m_language), s.name));
        item->setData(Qt::UserRole, s.name);
        const QString why = unavailableWhy(s.name);
        item->setToolTip((why.isEmpty() ? s.summary.in(m_language) : why) + u'\n'
                         + tr("Without the window: tcpscope-cli lab run %1").arg(s.name));
        if (!why.isEmpty())
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
        m_scenarios->addItem(item);
    }
}

QString LabPanel::scenarioName() const
{
    const QListWidgetItem *item = m_scenarios->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

const LabScenario *LabPanel::shownScenario() const { return findLabScenario(m_shown); }

void LabPanel::showSelected()
{
    if (isRunning())
        return;
    const LabScenario *s = findLabScenario(scenarioName());
    if (!s)
        return;
    const QString why = unavailableWhy(s->name);
    m_summary->setText(s->summary.in(m_language)
                       + (why.isEmpty() ? QString() : QStringLiteral("\n\n") + why));
    if (m_shown != s->name || m_marks.size() != s->steps.size()) {
        m_shown = s->name;
        m_marks.assign(s->steps.size(), StepMark::Pending);
        m_steps->clear();
    }
    renderSteps();
    updateButtons();
}

void LabPanel::renderSteps()
{
    const LabScenario *s = shownScenario();
    if (!s)
        return;
    while (m_steps->count() < int(s->steps.size()))
        m_steps->addItem(QString());
    for (std::size_t i = 0; i < s->steps.size(); ++i) {
        QListWidgetItem *item = m_steps->item(int(i));
        const StepMark mark = m_marks[i];
        const QString prefix = mark == StepMark::Passed   ? QStringLiteral("✓ ")
                               : mark == StepMark::Failed ? QStringLiteral("✗ ")
                                                          : QString();
        item->setText(prefix
                      + QStringLiteral("%1. %2").arg(i + 1).arg(s->steps[i].text.in(m_language)));
        QFont f = item->font();
        f.setBold(mark == StepMark::Current);
        item->setFont(f);
        item->setBackground(mark == StepMark::Current
                                ? palette().color(QPalette::Highlight).lighter(170)
                                : QBrush());
    }
}

bool LabPanel::start(const QString &name, bool runAll)
{
    if (isRunning() || !findLabScenario(name) || !unavailableWhy(name).isEmpty())
        return false;
    for (int i = 0; i < m_scenarios->count(); ++i) {
        if (m_scenarios->item(i)->data(Qt::UserRole).toString() == name)
            m_scenarios->setCurrentRow(i);
    }
    m_shown.clear(); // a fresh list of steps
    showSelected();
    m_runAll = runAll;
    m_ok = true;
    m_pending.clear();
    m_log->clear();
    m_logEntries.clear();
    startWorker(name);
    updateButtons();
    Q_EMIT runningChanged(true);
    return true;
}

bool LabPanel::runsInOwnNamespace() const
{
    const LabScenario *s = shownScenario();
    return s && s->ownNamespace;
}

// The worker; for a scenario in a namespace of its own, with a pipe for its packets as its
// descriptor 3 (the only one it inherits besides the standard three).
void LabPanel::startWorker(const QString &name)
{
    QStringList args{QStringLiteral("lab"),    QStringLiteral("run"),      name,
                     QStringLiteral("--step"), QStringLiteral("--format"), QStringLiteral("json")};
    int pipefd[2] = {-1, -1};
    const bool packets = runsInOwnNamespace() && ::pipe2(pipefd, O_CLOEXEC) == 0;
    if (packets) {
        const int writeEnd = pipefd[1];
        args << QStringLiteral("--pcap-fd") << QStringLiteral("3");
        m_worker.setChildProcessModifier([writeEnd] {
            if (writeEnd == 3)
                ::fcntl(3, F_SETFD, 0); // kept across exec
            else
                ::dup2(writeEnd, 3); // a copy without FD_CLOEXEC
        });
    } else {
        m_worker.setChildProcessModifier({});
    }
    m_worker.start(cliPath(), args);
    if (!packets)
        return;
    ::close(pipefd[1]); // the worker's copy is the only writer: its end is the stream's end
    if (m_worker.state() == QProcess::NotRunning)
        ::close(pipefd[0]);
    else
        Q_EMIT namespacePackets(pipefd[0], name);
}

void LabPanel::runAll()
{
    if (!isRunning()) {
        start(scenarioName(), true);
        return;
    }
    m_runAll = true; // running step by step: let it run to the end
    updateButtons();
    if (m_waiting)
        next();
}

void LabPanel::next()
{
    if (!isRunning() || !m_waiting)
        return;
    m_waiting = false;
    m_worker.write(labReplyLine(LabReply::Next));
    updateButtons();
}

void LabPanel::stop()
{
    if (!isRunning())
        return;
    if (m_waiting)
        m_worker.write(labReplyLine(LabReply::Stop));
    else
        m_worker.terminate(); // mid-step: SIGTERM ends the step and cleans up
    m_waiting = false;
    updateButtons();
}

void LabPanel::readWorker()
{
    m_pending += m_worker.readAllStandardOutput();
    qsizetype nl;
    while ((nl = m_pending.indexOf('\n')) >= 0) {
        const QByteArray line = m_pending.left(nl);
        m_pending.remove(0, nl + 1);
        if (const std::optional<LabEvent> event = parseLabEvent(line))
            handle(*event);
    }
}

void LabPanel::addToLog(LabLog::Entry entry)
{
    for (const QString &line : m_logEntries.add(std::move(entry), m_language))
        m_log->appendPlainText(line);
}

void LabPanel::handle(const LabEvent &event)
{
    std::visit([this](const auto &e) { on(e); }, event);
    if (!std::holds_alternative<LabTableEvent>(event)) // the table is shown, not logged
        addToLog(event);
}

void LabPanel::on(const LabWaitingEvent &e)
{
    m_waiting = true;
    updateButtons();
    // Run all: a pause between steps, long enough to watch the diagram and read the step.
    if (m_runAll)
        QTimer::singleShot(e.next == 1 ? 0 : kRunAllPauseMs, this, &LabPanel::next);
}

void LabPanel::on(const LabStepEvent &e)
{
    const std::size_t i = std::size_t(e.index - 1);
    if (i < m_marks.size())
        m_marks[i] = StepMark::Current;
    renderSteps();
    if (QListWidgetItem *item = m_steps->item(int(i)))
        m_steps->scrollToItem(item);
    Q_EMIT stepStarted(e.about);
}

void LabPanel::on(const LabResultEvent &e)
{
    const std::size_t i = std::size_t(e.index - 1);
    m_ok = m_ok && e.ok;
    if (i < m_marks.size())
        m_marks[i] = e.ok ? StepMark::Passed : StepMark::Failed;
    renderSteps();
    Q_EMIT scenarioPorts(e.ports);
}

void LabPanel::updateButtons()
{
    const bool running = isRunning();
    const bool available = unavailableWhy(scenarioName()).isEmpty();
    const std::pair<QPushButton *, QAction *> controls[] = {{m_start, m_startAction},
                                                            {m_next, m_nextAction},
                                                            {m_runAllButton, m_runAllAction},
                                                            {m_stop, m_stopAction}};
    const bool enabled[] = {!running && available, running && m_waiting,
                            available && (!running || !m_runAll), running};
    for (std::size_t i = 0; i < std::size(controls); ++i) {
        controls[i].first->setEnabled(enabled[i]);
        controls[i].second->setEnabled(enabled[i]);
    }
    m_scenarios->setEnabled(!running);
}

QString LabPanel::log() const { return m_log->toPlainText(); }

void LabPanel::setLanguage(const QString &language)
{
    m_language = language;
    const int row = m_scenarios->currentRow();
    {
        const QSignalBlocker quiet(m_scenarios); // the same row, in other words
        fillScenarios();
        m_scenarios->setCurrentRow(row);
    }
    if (const LabScenario *s = shownScenario(); s && isRunning())
        m_summary->setText(s->summary.in(m_language));
    else
        showSelected();
    renderSteps();
    m_log->setPlainText(m_logEntries.lines(m_language).join(u'\n'));
    m_log->moveCursor(QTextCursor::End); // the latest lines in view, as before
}

void LabPanel::retranslate()
{
    m_title->setText(tr("Lab: real sockets on this machine, step by step"));
    m_start->setText(tr("Start"));
    m_start->setToolTip(tr("Start the scenario, one step at a time"));
    m_next->setText(tr("Next"));
    m_runAllButton->setText(tr("Run all"));
    m_stop->setText(tr("Stop"));
    m_startAction->setText(tr("&Start the selected scenario step by step"));
    m_nextAction->setText(tr("&Next step"));
    m_runAllAction->setText(tr("&Run the selected scenario to the end"));
    m_stopAction->setText(tr("S&top the scenario"));
}

void LabPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
