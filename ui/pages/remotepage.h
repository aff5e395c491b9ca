// Another host's kernel table, over SSH, as a tab: the same views as the local kernel tab (a
// KernelPage without a poller, fed by the remote's watch stream), a line saying which host and
// how it is reached, and a banner when the connection drops (ssh's reason, the retry) or the
// remote has no tcpscope-cli (how to install it). What was received stays when it drops.
#pragma once

#include "pages/sourcepage.h"
#include "remote/remotesource.h"

#include <QWidget>

class QFrame;
class QLabel;
class QPushButton;

namespace tcpscope {

class ElidedLabel;
class KernelPage;

class RemotePage : public QWidget, public SourcePage
{
    Q_OBJECT
public:
    explicit RemotePage(RemoteOptions options, QWidget *parent = nullptr);
    ~RemotePage() override;

    const SourceViews &views() const override;
    ExportTarget exportTarget() const override;

    KernelPage *kernelPage() const { return m_kernel; }
    RemoteSource *source() const { return m_source; }
    QFrame *banner() const { return m_banner; }
    QString bannerText() const;
    QString statusText() const;
    // The tab's title: the host, as the stream names it once known.
    QString title() const;

signals:
    void titleChanged();

protected:
    void changeEvent(QEvent *event) override;

private:
    void showStatus();
    void showHeader();
    void retranslate();
    QString installHelp() const;

    RemoteSource *m_source = nullptr;
    KernelPage *m_kernel = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QPushButton *m_retry = nullptr;
    ElidedLabel *m_status = nullptr;
    QString m_pollStatus; // the kernel page's own status line
};

} // namespace tcpscope
