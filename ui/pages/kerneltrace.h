// The kernel tab's exact mode: the kernel's own transitions (TraceSource, through the
// tcpscope-trace helper) recorded in the tab's store and sent along the diagram's arrows as
// they happen, in the kernel's order; the poller keeps the table, the queues, the owners and
// what the trace cannot see (TraceSource::keepPolled). Without the helper's capability, one
// notice with the setcap command, and polling as before.
#pragma once

#include "kernel/kerneltimeline.h"
#include "kernel/tracesource.h"

#include <QObject>

#include <deque>
#include <functional>
#include <unordered_map>

class QAction;
class QTimer;
class QTreeWidgetItem;

namespace tcpscope {

class SourceViews;

class KernelTraceMode : public QObject
{
    Q_OBJECT
public:
    // changed: called after traced transitions were recorded (the page refreshes the
    // selected socket's history).
    KernelTraceMode(KernelTimelineStore &store, SourceViews *views, std::function<void()> changed,
                    QObject *parent);
    ~KernelTraceMode() override;

    // Starts tracing unless $TCPSCOPE_TRACE is 0 (the toolbar action switches it).
    void startIfWanted();
    bool isExact() const { return m_exact; }
    QAction *action() const { return m_action; }

    // The poller's batch with only the transitions the trace did not report, and a fading
    // row for every socket that was born and died between two polls (the trace saw it, the
    // poller never will).
    KernelPollBatch filter(const KernelPollBatch &batch);
    static constexpr double kShortLivedLinger = 3.0; // seconds, as the table's vanished rows
    // At most this many such rows at once: a storm of short connections would otherwise
    // bury the table (and the GUI thread) under tens of thousands of fading rows.
    static constexpr std::size_t kMaxShortLived = 1000;
    // " · exact (eBPF)" or " · polled every N ms", and the notice while one is due.
    QString modeText(int intervalMs) const;
    QString notice() const { return m_notice; }

    // A history row of a traced transition: the time to the µs, the process that caused it.
    static void fillHistoryItem(QTreeWidgetItem *item, const Transition &t);

    // The chart between polls: the last poll's counts moved by every traced transition after
    // it, given to `sink` at most every kChartStep seconds (and after each batch), so a state
    // held for a few milliseconds shows in the counts, not only what a poll caught.
    using ChartSink = std::function<void(double time, const StateCounts &counts)>;
    void setChartSink(ChartSink sink) { m_chartSink = std::move(sink); }
    // Every traced batch's transitions (for the diagnosis engine).
    using ExactSink = std::function<void(const std::vector<Transition> &)>;
    void setExactSink(ExactSink sink) { m_exactSink = std::move(sink); }
    static constexpr double kChartStep = 0.005;

signals:
    void modeChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override; // the page's LanguageChange

private:
    void onTraced(const TraceBatch &batch);
    void followCounts(const std::vector<Transition> &ts);
    // Tokens in the kernel's order: a socket's next arrow starts when its last one is done.
    void pace(const std::vector<Transition> &ts);
    void sendDueTokens();
    void sendToken(const Transition &t);
    void setWanted(bool on);
    void retranslate();

    KernelTimelineStore &m_store;
    SourceViews *m_views;
    std::function<void()> m_changed;
    TraceSource m_source;
    QAction *m_action = nullptr;
    bool m_exact = false;
    QString m_notice;
    std::uint64_t m_lost = 0;
    // Sockets the trace saw born (from CLOSED or as a listener's child) and closed: shown as
    // vanished rows for kShortLivedLinger unless a poll saw them.
    void noteLifetimes(const std::vector<Transition> &ts);
    void addShortLived(KernelPollBatch &batch);
    std::unordered_map<std::uint64_t, SocketRow> m_born; // by cookie, still alive
    std::unordered_map<std::uint64_t, SocketRow> m_died; // born and closed, not yet shown long
    struct Waiting
    {
        double nextAt = 0; // diagram clock: when its next token may start
        std::deque<Transition> queue;
    };
    std::unordered_map<std::uint64_t, Waiting> m_waiting; // by connection
    std::size_t m_queued = 0;
    QTimer *m_pacer = nullptr;
    ChartSink m_chartSink;
    ExactSink m_exactSink;
    StateCounts m_counts{};  // the last poll's, moved by the traced transitions since
    double m_countsAt = -1;  // that poll's time (-1: none yet)
    double m_sampledAt = -1; // the last sample given to the chart
    static constexpr std::size_t kMaxQueued = 2000; // beyond: tokens start at once (a storm)
};

} // namespace tcpscope
