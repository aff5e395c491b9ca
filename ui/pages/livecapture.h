// A live capture in the window: the capture helper on one interface, its pcap stream read on
// a worker thread by the same reader as files, and a fresh picture handed to the GUI four
// times a second. Without the capability, one clear message with the command that grants it.
#pragma once

#include "models/packetconnectionmodel.h"
#include "pages/sourcepage.h"

#include <QWidget>

#include <atomic>
#include <memory>
#include <thread>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace tcpscope {

class CapturePage;
class CaptureHelper;

class LiveCapturePage : public QWidget, public SourcePage
{
    Q_OBJECT
public:
    explicit LiveCapturePage(QWidget *parent = nullptr);
    ~LiveCapturePage() override;

    void start(const QString &interface, const QString &filter);
    void stop();
    bool isRunning() const { return m_running; }
    CapturePage *page() const { return m_page; }
    QString message() const;
    // The packets captured so far, kept in a temporary pcap file (empty before the first
    // start); File ▸ Save packets writes them as pcapng.
    QString packetsFile() const override { return m_packetsPath; }
    const SourceViews &views() const override;
    ExportTarget exportTarget() const override;
    // "live capture on lo, filter \"tcp port 80\"": for captions.
    QString sourceText() const;

signals:
    void started(); // the helper captures: packets from now on are seen
    void snapshotShown();
    void stopped();

protected:
    void changeEvent(QEvent *event) override;

private:
    void show(CaptureResult result, const QString &stats, bool final);
    void fail(const QString &message);

    QLabel *m_interfaceLabel = nullptr;
    QLabel *m_filterLabel = nullptr;
    QComboBox *m_interface;
    QLineEdit *m_filter;
    QPushButton *m_startStop;
    QLabel *m_banner;
    QLabel *m_stats;
    CapturePage *m_page = nullptr;
    std::thread m_worker;
    QString m_packetsPath;
    std::shared_ptr<CaptureHelper> m_helper;
    std::atomic<bool> m_running{false};
};

} // namespace tcpscope
