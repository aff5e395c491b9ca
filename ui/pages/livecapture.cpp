#include "pages/livecapture.h"

#include "packets/capturehelper.h"
#include "packets/capturereader.h"
#include "packets/interfaces.h"
#include "pages/capturepage.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScopeGuard>
#include <QVBoxLayout>

#include <chrono>

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
    m_page = new CapturePage(CaptureResult{}, this, true);
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
    const QString packets = m_packetsPath;
    const auto removeKept = qScopeGuard([packets] {
        if (!packets.isEmpty())
            QFile::remove(packets);
    });
    stop();
    if (m_worker.joinable())
        m_worker.join();
}

QString LiveCapturePage::message() const
{
    return m_banner->isVisible() ? m_banner->text() : QString();
}

void LiveCapturePage::start(const QString &interface, const QString &filter)
{
    if (m_worker.joinable())
        m_worker.join();
    m_banner->hide();
    m_running = true;
    m_startStop->setText(tr("Stop"));
    m_interface->setEnabled(false);
    m_filter->setEnabled(false);
    m_stats->setText(tr("Starting the capture on %1…").arg(interface));
    auto helper = std::make_shared<CaptureHelper>();
    m_helper = helper;
    QPointer<LiveCapturePage> self(this);
    // Every packet is also kept, so that the capture can be saved (File ▸ Save packets).
    if (m_packetsPath.isEmpty())
        m_packetsPath = QDir::temp().filePath(QStringLiteral("tcpscope-live-%1-%2.pcap")
                                                  .arg(QCoreApplication::applicationPid())
                                                  .arg(quintptr(this), 0, 16));
    m_worker = std::thread([self, helper, interface, filter, keep = m_packetsPath] {
        QString error;
        QStringList args{QStringLiteral("-i"), interface};
        if (!filter.trimmed().isEmpty())
            args << QStringLiteral("-f") << filter;
        auto post = [self](auto &&f) {
            QMetaObject::invokeMethod(qApp, [self, f = std::forward<decltype(f)>(f)]() mutable {
                if (self)
                    f(self.data());
            });
        };
        if (!helper->start(captureHelperPath(), args, &error)) {
            post([error](LiveCapturePage *p) { p->fail(error); });
            return;
        }
        CaptureReader reader;
        if (!reader.open(helper->takeOutput(), QStringLiteral("the capture on ") + interface,
                         &error)) {
            helper->wait();
            const QString why = helper->errorText().trimmed();
            post([why, error](LiveCapturePage *p) { p->fail(why.isEmpty() ? error : why); });
            return;
        }
        QString keepError;
        if (!reader.saveTo(keep, &keepError))
            qWarning("tcpscope: the live packets will not be kept: %s", qPrintable(keepError));
        // The helper has written its file header: the interface is open and filtering.
        post([interface](LiveCapturePage *p) {
            p->m_stats->setText(tr("Capturing on %1: no packet yet").arg(interface));
            Q_EMIT p->started();
        });
        TcpTracker tracker;
        auto lastPublish = std::chrono::steady_clock::now();
        auto publish = [&](bool final) {
            // TIME_WAITs end on the clock, packets or not.
            tracker.expire(std::max<std::int64_t>(reader.stats().lastTimeNs,
                                                  QDateTime::currentMSecsSinceEpoch() * 1'000'000));
            CaptureResult r;
            r.path = interface;
            r.tracker = std::make_shared<TcpTracker>(tracker); // a copy the GUI can keep
            r.packets = reader.stats().packets;
            r.tcpPackets = reader.stats().tcpPackets;
            r.lastTimeNs = reader.stats().lastTimeNs;
            const QString stats = helper->lastStats();
            post([r = std::move(r), stats, final](LiveCapturePage *p) mutable {
                p->show(std::move(r), stats, final);
            });
        };
        // Read as packets come; four times a second, hand over a fresh picture if anything
        // changed (also when the traffic stops: the last packets must show).
        std::uint64_t shown = 0;
        bool more = true;
        while (more) {
            const bool ready = reader.waitForData(250);
            if (ready)
                more = reader.read(tracker, &error, 1) && !reader.atEnd();
            const auto now = std::chrono::steady_clock::now();
            if (reader.stats().packets != shown
                && (!ready || now - lastPublish >= std::chrono::milliseconds(250))) {
                shown = reader.stats().packets;
                lastPublish = now;
                publish(false);
            }
        }
        helper->wait();
        publish(true);
        const QString why = helper->errorText().trimmed();
        if (!why.isEmpty() && !helper->stoppedByUs())
            post([why](LiveCapturePage *p) { p->fail(why); });
    });
}

void LiveCapturePage::stop()
{
    if (m_helper)
        m_helper->stop();
}

void LiveCapturePage::show(CaptureResult result, const QString &stats, bool final)
{
    const QString text = tr("%1 on %2: %3 packets, %4 connections · %5")
                             .arg(final ? tr("Stopped") : tr("Capturing"), result.path)
                             .arg(result.packets)
                             .arg(result.tracker ? result.tracker->connections().size() : 0)
                             .arg(stats.isEmpty() ? tr("no drop report yet") : stats);
    m_page->updateLive(std::move(result));
    m_stats->setText(text);
    if (final) {
        m_running = false;
        m_startStop->setText(tr("Start"));
        m_interface->setEnabled(true);
        m_filter->setEnabled(true);
        Q_EMIT stopped();
    }
    Q_EMIT snapshotShown();
}

void LiveCapturePage::fail(const QString &message)
{
    m_running = false;
    m_startStop->setText(tr("Start"));
    m_interface->setEnabled(true);
    m_filter->setEnabled(true);
    m_banner->setText(message);
    m_banner->show();
    m_stats->setText(tr("Not capturing. The kernel table and open files keep working."));
    Q_EMIT stopped();
}

} // namespace tcpscope
