#include "pages/remotepage.h"

#include "diagnose/diagnosisengine.h"
#include "pages/kernelpage.h"
#include "pages/sourceviews.h"
#include "widgets/elidedlabel.h"
#include "widgets/findingspanel.h"
#include "widgets/teachingpanel.h"

#include <QEvent>

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

namespace tcpscope {

RemotePage::RemotePage(RemoteOptions options, QWidget *parent)
    : QWidget(parent)
    , m_options(std::move(options))
{
    m_source = new RemoteSource(m_options);
    m_source->setThresholds(thresholdsFromSettings());
    m_kernel = new KernelPage(false);
    m_kernel->setInterval(m_options.intervalMs);

    m_banner = new QFrame;
    m_banner->setObjectName(QStringLiteral("remoteBanner"));
    m_banner->setStyleSheet(QStringLiteral("#remoteBanner { background: #fff3cd; border: 1px solid "
                                           "#d4a72c; } #remoteBanner QLabel { color: #3d2e00; }"));
    m_bannerText = new QLabel;
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextFormat(Qt::RichText);
    m_bannerText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton;
    connect(m_retry, &QPushButton::clicked, m_source, &RemoteSource::reconnectNow);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(m_retry, 0, Qt::AlignTop);
    m_banner->hide();

    m_status = new ElidedLabel;
    m_status->setContentsMargins(6, 3, 6, 3);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_status);
    layout->addWidget(m_kernel->toolBar());
    layout->addWidget(m_kernel, 1);

    connect(m_source, &RemoteSource::polled, m_kernel, &KernelPage::applyBatch);
    connect(m_source, &RemoteSource::stateChanged, this, &RemotePage::takeState);
    connect(m_kernel, &KernelPage::statusChanged, this, [this](const QString &text) {
        m_pollStatus = text;
        showStatus();
    });
    connect(m_kernel, &KernelPage::intervalChanged, m_source, &RemoteSource::setInterval);
    connect(m_kernel->findingsPanel(), &FindingsPanel::thresholdsChanged, m_source,
            &RemoteSource::setThresholds);
    retranslate();
    m_thread.setObjectName(QStringLiteral("remote stream"));
    m_source->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_source, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_source, &RemoteSource::start);
}

RemotePage::~RemotePage()
{
    QMetaObject::invokeMethod(m_source, &RemoteSource::stop, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

const SourceViews &RemotePage::views() const { return m_kernel->views(); }

ExportTarget RemotePage::exportTarget() const
{
    ExportTarget t = m_kernel->exportTarget();
    t.source = tr("kernel table of %1, over SSH").arg(title());
    return t;
}

QString RemotePage::title() const
{
    const QString host = m_state.header.host;
    return host.isEmpty() ? m_options.target.host : host;
}

QString RemotePage::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

QString RemotePage::statusText() const { return m_status->fullText(); }

void RemotePage::takeState(const RemoteState &state)
{
    const bool newHost = state.header.host != m_state.header.host;
    const bool newSettings =
        !std::equal(state.settings.begin(), state.settings.end(), m_state.settings.begin(),
                    m_state.settings.end(), [](const SettingValue &a, const SettingValue &b) {
                        return a.name == b.name && a.value == b.value;
                    });
    m_state = state;
    if (newHost)
        Q_EMIT titleChanged();
    if (!m_state.settings.empty() && (newSettings || newHost))
        m_kernel->sourceViews()->teaching->setSettings(m_state.settings, title());
    showStatus();
}

QString RemotePage::installHelp() const
{
    return tr("<b>%1 has no tcpscope-cli</b> (its shell says: <i>%2</i>).<br>Install it there "
              "from the Debian package: build it with <code>installers/build-deb.sh</code>, copy "
              "<code>build-deb/tcpscope-cli_*.deb</code> to the host and run <code>sudo apt-get "
              "install ./tcpscope-cli_*.deb</code> (see the README, \"Install for users\"). If it "
              "is installed outside the PATH, give its path in File ▸ Connect to host…, then "
              "press Retry now.")
        .arg(m_options.target.text().toHtmlEscaped(), m_state.reason.toHtmlEscaped());
}

void RemotePage::showStatus()
{
    const RemoteStatus s = m_state.status;
    const QString target = m_options.target.text().toHtmlEscaped();
    QString banner;
    if (s == RemoteStatus::Dropped)
        banner = tr("<b>The connection to %1 dropped</b>: %2<br>What was received is kept. "
                    "Retrying in %3 s; the table is reconciled with a fresh snapshot then.")
                     .arg(target, m_state.reason.toHtmlEscaped())
                     .arg(m_state.retryMs / 1000.0, 0, 'f', 1);
    else if (s == RemoteStatus::NotInstalled)
        banner = installHelp();
    else if (s == RemoteStatus::Connecting && !m_state.lastDrop.isEmpty())
        banner = tr("<b>The connection to %1 dropped</b>: %2<br>What was received is kept. "
                    "Reconnecting now…")
                     .arg(target, m_state.lastDrop.toHtmlEscaped());
    m_bannerText->setText(banner);
    m_banner->setVisible(!banner.isEmpty());

    const WatchStreamHeader &h = m_state.header;
    QString line;
    if (s == RemoteStatus::Connecting && h.host.isEmpty())
        line = tr("Connecting to %1 over SSH…").arg(m_options.target.text());
    else if (!h.host.isEmpty())
        line = tr("%1 over SSH (%2) · Linux %3 · tcpscope %4")
                   .arg(h.host, m_options.target.text(), h.kernel, h.tcpscope);
    else
        line = tr("%1 over SSH").arg(m_options.target.text());
    if (s == RemoteStatus::Streaming && !m_pollStatus.isEmpty())
        line += QStringLiteral(" · ") + m_pollStatus;
    else if (s != RemoteStatus::Streaming && !m_state.lastDrop.isEmpty())
        line += QStringLiteral(" · ") + tr("disconnected");
    m_status->setFullText(line);
}

void RemotePage::retranslate()
{
    m_retry->setText(tr("Retry now"));
    showStatus();
    Q_EMIT titleChanged(); // the window's tab text is translated too
}

void RemotePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && m_retry)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
