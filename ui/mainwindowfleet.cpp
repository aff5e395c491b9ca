// The window's Fleet tab: File ▸ Fleet (Prometheus)… and `tcpscope --prometheus URL`.
#include "mainwindow.h"

#include "pages/fleetpage.h"
#include "pages/remotepage.h"
#include "remote/remotesource.h"

#include <QInputDialog>
#include <QSettings>
#include <QTabWidget>

namespace tcpscope {

FleetPage *MainWindow::showFleet(const QString &url)
{
    if (!m_fleet) {
        m_fleet = new FleetPage;
        m_tabs->addTab(m_fleet, tr("Fleet"));
        // An instance's live tab: its host over SSH (ssh's own user and port, ~/.ssh/config).
        connect(m_fleet, &FleetPage::openRemoteRequested, this, [this](const QString &host) {
            if (const auto target = RemoteTarget::parse(host))
                openRemote(remoteOptionsFor(*target));
        });
    }
    m_tabs->setCurrentWidget(m_fleet);
    if (!url.isEmpty()) {
        QSettings().setValue(QStringLiteral("fleet/url"), url);
        m_fleet->setServer(url);
    }
    return m_fleet;
}

void MainWindow::retranslateFleet()
{
    if (m_fleet)
        m_tabs->setTabText(m_tabs->indexOf(m_fleet), tr("Fleet"));
}

void MainWindow::askPrometheusServer()
{
    bool ok = false;
    const QString last = QSettings().value(QStringLiteral("fleet/url")).toString();
    const QString url = QInputDialog::getText(
        this, tr("Fleet through Prometheus"),
        tr("The URL of a Prometheus server that scrapes `tcpscope-cli serve`:"), QLineEdit::Normal,
        last.isEmpty() ? QStringLiteral("http://localhost:9090") : last, &ok);
    if (ok && !url.trimmed().isEmpty())
        showFleet(url.trimmed());
}

} // namespace tcpscope
