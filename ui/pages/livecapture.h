// A live capture in the window: a thin widget over LiveCaptureWorker (the capture helper on
// one interface, its stream read and tracked on the worker's thread), applying the worker's
// deltas to the capture page as they come. Without the capability, one clear message with the
// command that grants it; a helper that dies, a stream cut off or a full disk are said in the
// banner, and what was read stays.
#pragma once

#include "packets/livecaptureworker.h"
#include "pages/sourcepage.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace tcpscope {

class CapturePage;

class LiveCapturePage : public QWidget, public SourcePage
{
    Q_OBJECT
public:
    explicit LiveCapturePage(QWidget *parent = nullptr);
    ~LiveCapturePage() override;

    void start(const QString &interface, const QString &filter);
    // Reads an already open pcap stream instead of the helper (tests, benchmarks), taking
    // the fd over.
    void startStream(int fd, const QString &name, LiveCaptureOptions options);
    void stop();
    bool isRunning() const { return m_running; }
    // What the Interface and Filter fields say, for a stream captured elsewhere (startStream).
    void showSource(const QString &interface, const QString &filter);
    // The worker of the capture running or last run (null before the first start).
    LiveCaptureWorker *worker() const { return m_worker.get(); }
    // How long applying the last delta to the page took (benchmarks).
    std::int64_t lastApplyNs() const { return m_lastApplyNs; }
    CapturePage *page() const { return m_page; }
    QString message() const;
    // The packets captured so far, kept in a temporary pcap file (empty before the first
    // start); File ▸ Save packets writes them as pcapng.
    QString packetsFile() const override { return m_packetsPath; }
    // Of the packets read so far, how many the kept file holds (fewer after a full disk), and
    // why it stopped keeping them.
    std::uint64_t packetsRead() const { return m_packetsRead; }
    std::uint64_t packetsKept() const { return m_packetsKept; }
    QString keepError() const { return m_keepError; }
    const SourceViews &views() const override;
    ExportTarget exportTarget() const override;
    // "live capture on lo, filter \"tcp port 80\"": for captions.
    QString sourceText() const;

signals:
    void started(); // the helper captures: packets from now on are seen
    void snapshotShown();
    // After a delta was applied to this page (the kernel table's merge applies it too).
    void deltaShown(const tcpscope::LiveDelta &delta);
    void stopped();

protected:
    void changeEvent(QEvent *event) override;

private:
    void begin(std::unique_ptr<LiveCaptureWorker> worker, const QString &where);
    void takeDelta();
    void showProblems(const LiveDelta &d);
    void showStats(const LiveDelta &d);
    void ended(bool failed);
    void removeKept();

    QLabel *m_interfaceLabel = nullptr;
    QLabel *m_filterLabel = nullptr;
    QComboBox *m_interface;
    QLineEdit *m_filter;
    QPushButton *m_startStop;
    QLabel *m_banner;
    QLabel *m_stats;
    QLabel *m_retired;
    CapturePage *m_page = nullptr;
    std::unique_ptr<LiveCaptureWorker> m_worker;
    QString m_where; // "lo"
    QString m_packetsPath;
    QStringList m_problems; // what the banner says
    bool m_running = false;
    std::uint64_t m_packetsRead = 0, m_packetsKept = 0;
    QString m_keepError;
    std::int64_t m_lastApplyNs = 0;
};

} // namespace tcpscope
