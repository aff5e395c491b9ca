#include "pages/livecapture.h"

#include "packets/interfaces.h"
#include "pages/capturepage.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include <cstring>

namespace tcpscope {

LiveCapturePage::LiveCapturePage(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_interface = new QComboBox;
    m_interface->setEditable(true);
    m_interface->addItems(captureInterfaces());
    m_interface->setCurrentText(QStringLiteral("lo"));
    m_filter = new QLineEdit(QStringLiteral("tcp"));
    m_filter->setPlaceholderText(tr("BPF filter, e.g. tcp port 8080"));
    m_startStop = new QPushButton(tr("Start"));
    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_running)
            stop();
        else
            start(m_interface->currentText(), m_filter->text());
    });
    m_interfaceLabel = new QLabel(tr("Interface"));
    m_filterLabel = new QLabel(tr("Filter"));
    bar->addWidget(m_interfaceLabel);
    bar->addWidget(m_interface);
    bar->addWidget(m_filterLabel);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_startStop);
    layout->addLayout(bar);
    m_banner = new QLabel;
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(
        QStringLiteral("background: #fdecea; color: #611a15; padding: 6px; border-radius: 3px"));
    m_banner->hide();
    layout->addWidget(m_banner);
    m_stats = new QLabel(tr("Not capturing. Live capture runs the tcpscope-capture helper, the "
                            "only part of tcpscope that needs cap_net_raw,cap_net_admin."));
    layout->addWidget(m_stats);
    m_retired = new QLabel;
    m_retired->setWordWrap(true);
    m_retired->hide();
    layout->addWidget(m_retired);
    m_page = new CapturePage(CaptureResult{}, this, true);
    m_page->setKeptPackets([this] { return m_packetsPath; }); // the ladder reads them
    layout->addWidget(m_page, 1);
}

QString LiveCapturePage::sourceText() const
{
    const QString filter = m_filter->text().trimmed();
    return filter.isEmpty()
               ? tr("live capture on %1").arg(m_interface->currentText())
               : tr("live capture on %1, filter \"%2\"").arg(m_interface->currentText(), filter);
}

const SourceViews &LiveCapturePage::views() const { return m_page->views(); }

ExportTarget LiveCapturePage::exportTarget() const
{
    ExportTarget t = m_page->exportTarget();
    t.source = sourceText();
    return t;
}

void LiveCapturePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_interfaceLabel->setText(tr("Interface"));
        m_filterLabel->setText(tr("Filter"));
        m_filter->setPlaceholderText(tr("BPF filter, e.g. tcp port 8080"));
        m_startStop->setText(m_running ? tr("Stop") : tr("Start"));
    }
    QWidget::changeEvent(event);
}

LiveCapturePage::~LiveCapturePage()
{
    m_worker.reset(); // stops and joins
    removeKept();
}

void LiveCapturePage::removeKept()
{
    if (!m_packetsPath.isEmpty())
        QFile::remove(m_packetsPath);
    m_packetsPath.clear();
}

QString LiveCapturePage::message() const
{
    return m_banner->isVisible() ? m_banner->text() : QString();
}

void LiveCapturePage::showSource(const QString &interface, const QString &filter)
{
    m_interface->setCurrentText(interface);
    m_filter->setText(filter);
}

void LiveCapturePage::start(const QString &interface, const QString &filter)
{
    showSource(interface, filter); // the fields say what is captured
    auto worker = std::make_unique<LiveCaptureWorker>();
    begin(std::move(worker), interface);
    m_worker->startHelper(captureHelperPath(), interface, filter);
}

void LiveCapturePage::startStream(int fd, const QString &name, LiveCaptureOptions options)
{
    begin(std::make_unique<LiveCaptureWorker>(std::move(options)), name);
    m_worker->startStream(fd, name);
}

void LiveCapturePage::begin(std::unique_ptr<LiveCaptureWorker> worker, const QString &where)
{
    m_worker = std::move(worker); // the last one has ended: its thread is joined at once
    removeKept();                 // (a new capture keeps its own packets)
    m_where = where;
    m_problems.clear();
    m_packetsRead = m_packetsKept = 0;
    m_keepError.clear();
    m_banner->hide();
    m_retired->hide();
    m_running = true;
    m_startStop->setText(tr("Stop"));
    m_interface->setEnabled(false);
    m_filter->setEnabled(false);
    m_stats->setText(tr("Starting the capture on %1…").arg(where));
    connect(m_worker.get(), &LiveCaptureWorker::started, this, [this] {
        m_packetsPath = m_worker->keptPath();
        m_stats->setText(tr("Capturing on %1: no packet yet").arg(m_where));
        Q_EMIT started();
    });
    connect(m_worker.get(), &LiveCaptureWorker::deltaReady, this, &LiveCapturePage::takeDelta);
}

void LiveCapturePage::stop()
{
    if (m_worker)
        m_worker->stop();
}

// The one queued notification per delta: whatever the worker merged meanwhile comes as one.
void LiveCapturePage::takeDelta()
{
    std::optional<LiveDelta> d = m_worker ? m_worker->takeDelta() : std::nullopt;
    if (!d)
        return;
    if (m_packetsPath.isEmpty())
        m_packetsPath = m_worker->keptPath();
    QElapsedTimer timer;
    timer.start();
    m_page->updateLive(*d);
    m_lastApplyNs = timer.nsecsElapsed();
    m_packetsRead = d->packets;
    m_packetsKept = d->keptPackets;
    if (!d->keepError.isEmpty())
        m_keepError = d->keepError;
    showProblems(*d);
    showStats(*d);
    Q_EMIT deltaShown(*d);
    Q_EMIT snapshotShown();
    if (d->final)
        ended(d->packets == 0 && !m_problems.isEmpty());
}

void LiveCapturePage::showProblems(const LiveDelta &d)
{
    QStringList said;
    if (!d.helperSays.isEmpty())
        said << d.helperSays;
    if (d.helperSignal) {
        const char *name = sigabbrev_np(*d.helperSignal);
        said << tr("The capture helper was killed (signal %1, SIG%2): the capture has stopped. "
                   "Everything read until then is still shown and kept.")
                    .arg(*d.helperSignal)
                    .arg(QLatin1String(name ? name : "?"));
    }
    if (d.helperExitCode)
        said << tr("The capture helper exited with code %1: the capture has stopped. "
                   "Everything read until then is still shown and kept.")
                    .arg(*d.helperExitCode);
    if (!d.readError.isEmpty())
        said << tr("The capture stream was cut off: %1").arg(d.readError);
    if (!d.keepError.isEmpty())
        said << tr("The packets can no longer be kept for saving (%1). The live view goes on; "
                   "File ▸ Save packets saves the %2 packets kept.")
                    .arg(d.keepError)
                    .arg(d.keptPackets);
    for (const QString &s : said) {
        if (!m_problems.contains(s))
            m_problems << s;
    }
    if (!m_problems.isEmpty()) {
        m_banner->setText(m_problems.join(u'\n'));
        m_banner->show();
    }
}

void LiveCapturePage::showStats(const LiveDelta &d)
{
    m_stats->setText(tr("%1 on %2: %3 packets, %4 connections · %5")
                         .arg(d.final ? tr("Stopped") : tr("Capturing"), m_where)
                         .arg(d.packets)
                         .arg(d.connections)
                         .arg(d.dropReport.isEmpty() ? tr("no drop report yet") : d.dropReport));
    const RetiredSummary &r = m_page->model()->retired();
    if (r.connections == 0)
        return;
    QStringList from;
    for (int i = 0; i < kTcpStateCount; ++i) {
        const std::uint64_t n = r.closedFrom[std::size_t(i)];
        if (n > 0 && TcpState(i) == TcpState::Closed)
            from << tr("%1 never left CLOSED").arg(n);
        else if (n > 0)
            from << tr("%1 from %2").arg(n).arg(rfcName(TcpState(i)));
    }
    QString text =
        tr("%1 earlier connections finished and are no longer listed (%2 refused); their "
           "endpoints closed: %3. Their packets are kept: File ▸ Save packets saves them all.")
            .arg(r.connections)
            .arg(r.refused)
            .arg(from.join(QStringLiteral(", ")));
    if (r.timeWait > 0)
        text += QLatin1Char(' ')
                + tr("%1 of their endpoints were still in TIME_WAIT: the counts and the chart "
                     "keep them there until their 2·MSL timer ends.")
                      .arg(r.timeWait);
    m_retired->setText(text);
    m_retired->show();
}

void LiveCapturePage::ended(bool failed)
{
    m_running = false;
    m_startStop->setText(tr("Start"));
    m_interface->setEnabled(true);
    m_filter->setEnabled(true);
    if (failed)
        m_stats->setText(tr("Not capturing. The kernel table and open files keep working."));
    Q_EMIT stopped();
}

} // namespace tcpscope
