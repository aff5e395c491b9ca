// A live capture as a back end: the capture helper (or an already open pcap stream), the
// reader and the tracker on a thread of their own, publishing what changed as LiveDeltas.
//
// Publishing: at most once per publishIntervalMs (4 times a second), and as soon as the
// interval has passed when traffic stops, so the last packets always show. Changes once
// published are never rewritten (TcpTracker::markPublished): where reading a file records
// one FIN_WAIT_1 → TIME_WAIT for a FIN,ACK whose FIN is known to have arrived only later, a
// live capture that published in between has FIN_WAIT_1 → FIN_WAIT_2, FIN_WAIT_2 → TIME_WAIT. A
// publish costs O(what changed): the connections packets or timers touched since the last one (the
// tracker's lastConnection()), the changes added since (markPublished keeps them from being
// rewritten), the new connections.
//
// Back-pressure: there is never more than one delta waiting for the consumer. deltaReady()
// is emitted once when the slot fills; until the consumer takes it (takeDelta()), later
// publishes are merged into it, so a slow GUI gets one bigger delta, not a queue.
//
// Bounded memory: open connections are all kept; of the finished ones (each endpoint CLOSED or
// in TIME_WAIT, idle for retireAfterNs of capture time) the newest keepFinished are kept with their
// histories, and the older ones are retired — removed from the worker's tracker (ids renumbered,
// the same way a view renumbers, see LiveDelta) and counted in the view's RetiredSummary. Their
// packets stay in the kept pcap file; an endpoint retired in TIME_WAIT is counted there until
// its timer ends (TcpTracker::park, ~90 bytes each). Retirement waits until finished ones exceed
// keepFinished by a quarter (so its O(kept) pass is amortised) and until the consumer has
// taken the previous delta (so numbering never has to be merged).
//
// Segments: each segment read goes into the next delta with its connection's id and the
// engine's notes (a view's ladder of the selected connection grows from them); a view bounds
// what it keeps (SegmentIndex::bound).
//
// Memory (tests/bench/live_publish_bench.sh): a kept connection costs ~1.1 KB of RSS in all
// (the worker's tracker, the view's copy with its histories, the view's change index): 1.16 GB
// at 1M connections all open. The default bound of 50,000 finished connections (plus a
// quarter of slack) holds a churning capture at ~60k rows and ~150 MB at 2M connections; at
// 10M connections, 9.94M are counts in the summary and the kept pcap file holds their packets
// (on disk: ~80 bytes a packet, in the runtime directory — RAM where that is a tmpfs). Open
// connections are not bounded (a SYN flood to nowhere keeps SYN_SENT ones).
#pragma once

#include "packets/finishedconnections.h"
#include "packets/livedelta.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace tcpscope {

class CaptureHelper;
class CaptureReader;

struct LiveCaptureOptions
{
    std::size_t keepFinished = 50'000;
    std::int64_t retireAfterNs = 2'000'000'000; // a finished connection's grace for strays
    int publishIntervalMs = 250;
    // TIME_WAIT ends on the wall clock too (a live interface). False: on packet times only,
    // and what is still pending at the end is delivered, as when reading a file.
    bool wallClock = true;
    std::int64_t twoMslNs = 60'000'000'000LL; // how long TIME_WAIT lasts (Linux: 60 s)
    bool keepPackets = true;
    // Every segment goes into the deltas (32 bytes each) with the engine's notes, for a view's
    // ladder that grows as packets come.
    bool segments = true;
    QString keepPath; // empty: a new private file (packets/keptpackets.h)
};

class LiveCaptureWorker : public QObject
{
    Q_OBJECT
public:
    explicit LiveCaptureWorker(LiveCaptureOptions options = {}, QObject *parent = nullptr);
    ~LiveCaptureWorker() override; // stops and joins the thread
    LiveCaptureWorker(const LiveCaptureWorker &) = delete;
    LiveCaptureWorker &operator=(const LiveCaptureWorker &) = delete;

    // Runs the helper `program` on `interface` with a BPF filter (empty: everything). One
    // start per worker.
    void startHelper(const QString &program, const QString &interface, const QString &filter);
    // Reads a pcap stream already open on fd (a pipe), taking the fd over.
    void startStream(int fd, const QString &name);
    // Reads a pcap file or FIFO by path (opened on the worker's thread).
    void startPath(const QString &path);
    // Ends the capture: the helper is stopped, a stream is no longer read. The final delta
    // follows.
    void stop();
    bool isRunning() const { return m_running; }

    // The delta waiting for the consumer, if any (call it on deltaReady()).
    std::optional<LiveDelta> takeDelta();
    // The kept packets file (empty until the capture has opened it, or when not kept).
    QString keptPath() const;
    const LiveCaptureOptions &options() const { return m_options; }
    // How many deltas the worker has published (merged ones included).
    std::uint64_t publishCount() const { return m_publishCount; }

signals:
    void started();    // the stream's header was read: packets from now on are seen
    void deltaReady(); // emitted from the worker's thread: connect queued (the default)

private:
    struct Source;
    void launch(std::shared_ptr<Source> source);
    void run(const std::shared_ptr<Source> &source);
    bool open(Source &source, CaptureReader &reader, LiveDelta &failure);
    void keep(CaptureReader &reader, LiveDelta &failure);
    bool loop(CaptureReader &reader, Source &source); // true: the stream broke off
    void finish(CaptureReader &reader, Source &source, bool brokeOff, LiveDelta &last);
    void publish(CaptureReader &reader, LiveDelta d);
    void retireFinished(std::vector<std::uint32_t> &touched, std::int64_t nowNs, LiveDelta &d);
    std::int64_t clockNs(const CaptureReader &reader) const;
    void handOver(LiveDelta d);
    bool pendingEmpty() const;

    LiveCaptureOptions m_options;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_publishCount{0};
    mutable std::mutex m_mutex; // guards m_pending, m_keptPath, m_source
    std::optional<LiveDelta> m_pending;
    QString m_keptPath;
    std::shared_ptr<Source> m_source;

    // The worker thread's own (no lock).
    std::unique_ptr<TcpTracker> m_tracker;
    const CaptureHelper *m_helper = nullptr; // for its drop reports
    std::vector<std::uint32_t> m_touched;    // connections packets acted on since the publish
    FinishedConnections m_finished;          // of the published connections
    std::vector<std::pair<std::uint32_t, IndexedSegment>> m_segments; // read since the publish
    std::size_t m_publishedNotes = 0; // of the tracker's annotations
    std::uint32_t m_publishedConnections = 0;
    std::size_t m_publishedChanges = 0;
    bool m_firstPublished = false;
};

} // namespace tcpscope
