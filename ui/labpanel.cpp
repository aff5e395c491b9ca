#include "labpanel.h"

#include "lab/labscenario.h"
#include "uilanguage.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

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
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel;
    m_title->setStyleSheet(QStringLiteral("font-weight: bold"));
    m_title->setWordWrap(true);
    m_scenarios = new QListWidget;
    m_scenarios->setMaximumHeight(230);
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

    connect(m_scenarios, &QListWidget::currentRowChanged, this, &LabPanel::showSelected);
    connect(m_start, &QPushButton::clicked, this, [this] { start(scenarioName(), false); });
    connect(m_runAllButton, &QPushButton::clicked, this, [this] {
        if (isRunning()) { // running step by step: let it run to the end
            m_runAll = true;
            if (m_waiting)
                next();
        } else {
            start(scenarioName(), true);
        }
    });
    connect(m_next, &QPushButton::clicked, this, &LabPanel::next);
    connect(m_stop, &QPushButton::clicked, this, &LabPanel::stop);
    connect(&m_worker, &QProcess::readyReadStandardOutput, this, &LabPanel::readWorker);
    connect(&m_worker, &QProcess::finished, this, [this](int code) {
        readWorker();
        m_waiting = false;
        updateButtons();
        Q_EMIT runningChanged(false);
        Q_EMIT finished(code == 0 && m_ok);
    });
    connect(&m_worker, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            m_log->appendPlainText(
                tr("cannot start %1: %2").arg(cliPath(), m_worker.errorString()));
    });
    m_language = UiLanguage::instance().current();
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, &LabPanel::setLanguage);
    fillScenarios();
    retranslate();
    m_scenarios->setCurrentRow(0);
}

LabPanel::~LabPanel()
{
    if (isRunning()) {
        m_worker.terminate(); // the worker closes its sockets on SIGTERM
        if (!m_worker.waitForFinished(3000))
            m_worker.kill();
    }
}

QString LabPanel::unavailableWhy(const QString &name)
{
    const LabScenario *s = findLabScenario(name);
    if (s && s->needsRoot && ::geteuid() != 0)
        return tr("Needs root: it makes a network namespace where nftables holds back FINs and "
                  "SYNs. Start tcpscope-cli lab run %1 as root to play it.")
            .arg(name);
    return QString();
}

void LabPanel::fillScenarios()
{
    m_scenarios->clear();
    for (const LabScenario &s : labScenarios()) {
        auto *item = new QListWidgetItem(m_language == u"zh" ? s.titleZh : s.titleEn);
        item->setData(Qt::UserRole, s.name);
        const QString why = unavailableWhy(s.name);
        item->setToolTip(why.isEmpty() ? (m_language == u"zh" ? s.summaryZh : s.summaryEn) : why);
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

void LabPanel::showSelected()
{
    if (isRunning())
        return;
    const LabScenario *s = findLabScenario(scenarioName());
    if (!s)
        return;
    const QString why = unavailableWhy(s->name);
    m_summary->setText((m_language == u"zh" ? s->summaryZh : s->summaryEn)
                       + (why.isEmpty() ? QString() : QStringLiteral("\n\n") + why));
    m_steps->clear();
    for (std::size_t i = 0; i < s->steps.size(); ++i)
        m_steps->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(
            m_language == u"zh" ? s->steps[i].zh : s->steps[i].en));
    updateButtons();
}

bool LabPanel::start(const QString &name, bool runAll)
{
    if (isRunning() || !findLabScenario(name) || !unavailableWhy(name).isEmpty())
        return false;
    for (int i = 0; i < m_scenarios->count(); ++i) {
        if (m_scenarios->item(i)->data(Qt::UserRole).toString() == name)
            m_scenarios->setCurrentRow(i);
    }
    showSelected();
    m_runAll = runAll;
    m_ok = true;
    m_pending.clear();
    m_log->clear();
    m_worker.start(cliPath(),
                   {QStringLiteral("lab"), QStringLiteral("run"), name, QStringLiteral("--step"),
                    QStringLiteral("--format"), QStringLiteral("json")});
    updateButtons();
    Q_EMIT runningChanged(true);
    return true;
}

void LabPanel::next()
{
    if (!isRunning() || !m_waiting)
        return;
    m_waiting = false;
    m_worker.write("\n");
    updateButtons();
}

void LabPanel::stop()
{
    if (!isRunning())
        return;
    if (m_waiting)
        m_worker.write("stop\n");
    else
        m_worker.terminate(); // mid-step: SIGTERM ends the step and cleans up
    m_waiting = false;
}

void LabPanel::readWorker()
{
    m_pending += m_worker.readAllStandardOutput();
    qsizetype nl;
    while ((nl = m_pending.indexOf('\n')) >= 0) {
        const QByteArray line = m_pending.left(nl);
        m_pending.remove(0, nl + 1);
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (!event.isEmpty())
            handle(event);
    }
}

void LabPanel::handle(const QJsonObject &e)
{
    const QString event = e.value(u"event").toString();
    if (event == u"waiting") {
        m_waiting = true;
        // Run all: a pause between steps, long enough to watch the diagram and read the step.
        if (m_runAll)
            QTimer::singleShot(e.value(u"next").toInt() == 1 ? 0 : kRunAllPauseMs, this,
                               &LabPanel::next);
    } else if (event == u"step") {
        const int i = e.value(u"index").toInt() - 1;
        for (int k = 0; k < m_steps->count(); ++k) {
            QFont f = m_steps->item(k)->font();
            f.setBold(k == i);
            m_steps->item(k)->setFont(f);
            m_steps->item(k)->setBackground(
                k == i ? palette().color(QPalette::Highlight).lighter(170) : QBrush());
        }
        if (QListWidgetItem *item = m_steps->item(i))
            m_steps->scrollToItem(item);
        if (const auto s = parseTcpState(e.value(u"about").toString()))
            Q_EMIT stepStarted(*s);
    } else if (event == u"observed") {
        const QString from = e.value(u"from").toString(), to = e.value(u"to").toString();
        const QString change = e.value(u"appeared").toBool() ? tr("appeared in %1").arg(to)
                               : to == u"CLOSED"             ? tr("gone (was %1)").arg(from)
                                                             : from + QStringLiteral(" → ") + to;
        m_log->appendPlainText(change + QStringLiteral(" — ") + e.value(u"socket").toString());
    } else if (event == u"result") {
        const int i = e.value(u"index").toInt() - 1;
        const bool ok = e.value(u"ok").toBool();
        m_ok = m_ok && ok;
        if (QListWidgetItem *item = m_steps->item(i)) {
            item->setText((ok ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + item->text());
            item->setBackground(QBrush());
        }
        if (!e.value(u"note").toString().isEmpty())
            m_log->appendPlainText(QStringLiteral("· ") + e.value(u"note").toString());
        if (!e.value(u"error").toString().isEmpty())
            m_log->appendPlainText(QStringLiteral("✗ ") + e.value(u"error").toString());
        for (const QJsonValue &x : e.value(u"expect").toArray()) {
            if (!x.toObject().value(u"ok").toBool())
                m_log->appendPlainText(
                    tr("✗ not seen: %1").arg(x.toObject().value(u"text").toString()));
        }
        QList<quint16> ports;
        for (const QString &p : e.value(u"ports").toString().split(u',', Qt::SkipEmptyParts))
            ports << quint16(p.toUInt());
        Q_EMIT scenarioPorts(ports);
    } else if (event == u"done") {
        m_log->appendPlainText(
            e.value(u"stopped").toBool() ? tr("Stopped: the scenario's sockets are closed.")
            : e.value(u"ok").toBool()    ? tr("Every step showed what it claims.")
                                         : tr("A step did not show what it claims."));
    } else if (event == u"unavailable") {
        m_log->appendPlainText(e.value(u"why").toString());
    }
}

void LabPanel::updateButtons()
{
    const bool running = isRunning();
    const bool available = unavailableWhy(scenarioName()).isEmpty();
    m_start->setEnabled(!running && available);
    m_runAllButton->setEnabled(available && (!running || !m_runAll));
    m_next->setEnabled(running && m_waiting);
    m_stop->setEnabled(running);
    m_scenarios->setEnabled(!running);
}

QString LabPanel::log() const { return m_log->toPlainText(); }

void LabPanel::setLanguage(const QString &language)
{
    m_language = language;
    const int row = m_scenarios->currentRow();
    fillScenarios();
    m_scenarios->setCurrentRow(row);
    if (!isRunning())
        showSelected();
}

void LabPanel::retranslate()
{
    m_title->setText(tr("Lab: real sockets on this machine, step by step"));
    m_start->setText(tr("Start"));
    m_start->setToolTip(tr("Start the scenario, one step at a time"));
    m_next->setText(tr("Next"));
    m_runAllButton->setText(tr("Run all"));
    m_stop->setText(tr("Stop"));
}

void LabPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
