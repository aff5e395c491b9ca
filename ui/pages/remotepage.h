// Another host's kernel table, over SSH, as a tab: the same views as the local kernel tab (a
// KernelPage without a poller, fed by the remote's watch stream), a line saying which host and
// how it is reached, and a banner when the connection drops (ssh's reason, the retry) or the
// remote has no tcpscope-cli (how to install it). What was received stays when it drops.
#pragma once

#include "pages/sourcepage.h"
#include "remote/remotesource.h"

#include <QThread>
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
    // The source's state as it last said (it runs on a thread of its own: parsing 100k
    // sockets' snapshot takes a fraction of a second).
    const RemoteState &state() const { return m_state; }
    const RemoteOptions &options() const { return m_options; }
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
    void takeState(const RemoteState &state);
    void retranslate();
    QString installHelp() const;

    RemoteOptions m_options;
    RemoteState m_state;
    QThread m_thread;
    RemoteSource *m_source = nullptr; // lives on m_thread
    KernelPage *m_kernel = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QPushButton *m_retry = nullptr;
    ElidedLabel *m_status = nullptr;
    QString m_pollStatus; // the kernel page's own status line
};

} // namespace tcpscope
