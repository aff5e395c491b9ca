#include "pages/kerneltrace.h"

#include "diagram/statediagramview.h"
#include "diagramgraph.h"
#include "pages/sourceviews.h"

#include <QAction>
#include <QDateTime>
#include <QEvent>
#include <QTimer>
#include <QTreeWidgetItem>

#include <unordered_set>

namespace tcpscope {

KernelTraceMode::KernelTraceMode(KernelTimelineStore &store, SourceViews *views,
                                 std::function<void()> changed, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_views(views)
    , m_changed(std::move(changed))
{
    m_action = new QAction(this);
    m_action->setCheckable(true);
    retranslate();
    connect(m_action, &QAction::toggled, this, &KernelTraceMode::setWanted);
    connect(&m_source, &TraceSource::traced, this, &KernelTraceMode::onTraced);
    connect(&m_source, &TraceSource::started, this, [this] {
        m_exact = true;
        m_notice.clear();
        Q_EMIT modeChanged();
    });
    auto fail = [this](const QString &why) {
        m_exact = false;
        m_notice = tr("Exact transitions unavailable: %1").arg(why.simplified());
        const QSignalBlocker block(m_action);
        m_action->setChecked(false);
        Q_EMIT modeChanged();
    };
    connect(&m_source, &TraceSource::failed, this, fail);
    connect(&m_source, &TraceSource::ended, this, fail);
    m_pacer = new QTimer(this);
    m_pacer->setInterval(15);
    connect(m_pacer, &QTimer::timeout, this, &KernelTraceMode::sendDueTokens);
    if (parent)
        parent->installEventFilter(this);
}

bool KernelTraceMode::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    return QObject::eventFilter(watched, event);
}

KernelTraceMode::~KernelTraceMode() { m_source.stop(); }

void KernelTraceMode::retranslate()
{
    m_action->setText(tr("Exact (eBPF)"));
    m_action->setToolTip(tr("Every state change as the kernel makes it, traced with eBPF by "
                            "the tcpscope-trace helper (needs cap_bpf,cap_perfmon,cap_syslog)"));
}

void KernelTraceMode::startIfWanted()
{
    if (qEnvironmentVariable("TCPSCOPE_TRACE") == u"0")
        return;
    m_action->setChecked(true); // starts it
}

void KernelTraceMode::setWanted(bool on)
{
    if (on) {
        m_source.start();
    } else {
        m_source.stop();
        m_exact = false;
        m_notice.clear();
        Q_EMIT modeChanged();
    }
}

void KernelTraceMode::onTraced(const TraceBatch &batch)
{
    const std::vector<Transition> ts = m_source.take(batch);
    m_lost = batch.lost;
    m_store.recordTransitions(ts);
    if (m_exactSink && !ts.empty())
        m_exactSink(ts);
    followCounts(ts);
    noteLifetimes(ts);
    pace(ts);
    if (!ts.empty() && m_changed)
        m_changed();
}

void KernelTraceMode::sendToken(const Transition &t)
{
    // A close without the textbook's way there (ESTABLISHED -> CLOSED) is an abort.
    const bool reset =
        t.to == TcpState::Closed && cachedDiagramPath(t.from, t.to, false).size() != 1;
    m_views->diagram->addTransition(t.from, t.to, reset, false, t.connection);
}

void KernelTraceMode::pace(const std::vector<Transition> &ts)
{
    const double perArrow = m_views->diagram->animator().secondsPerArrow();
    for (const Transition &t : ts) {
        if (perArrow <= 0 || m_queued >= kMaxQueued) {
            sendToken(t);
            continue;
        }
        m_waiting[t.connection].queue.push_back(t);
        ++m_queued;
    }
    sendDueTokens();
    if (m_queued && !m_pacer->isActive())
        m_pacer->start();
}

void KernelTraceMode::sendDueTokens()
{
    const double now = m_views->diagram->now();
    const double perArrow = m_views->diagram->animator().secondsPerArrow();
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        Waiting &w = it->second;
        if (!w.queue.empty() && now >= w.nextAt) {
            sendToken(w.queue.front());
            w.queue.pop_front();
            --m_queued;
            w.nextAt = now + perArrow;
        }
        // Forgotten once its last token is done.
        if (w.queue.empty() && now >= w.nextAt)
            it = m_waiting.erase(it);
        else
            ++it;
    }
    if (m_waiting.empty())
        m_pacer->stop();
}

void KernelTraceMode::followCounts(const std::vector<Transition> &ts)
{
    if (!m_chartSink || m_countsAt < 0)
        return;
    const auto move = [this](TcpState s, int by) {
        if (s == TcpState::Closed)
            return; // not counted
        int &n = m_counts[std::size_t(index(s))];
        n = std::max(0, n + by);
    };
    double last = -1;
    for (const Transition &t : ts) {
        if (t.time <= m_countsAt)
            continue; // that poll counted it already
        // A listener's child is born in SYN_RECEIVED: the listener stays LISTEN.
        if (!(t.from == TcpState::Listen && t.to == TcpState::SynReceived))
            move(t.from, -1);
        move(t.to, +1);
        last = t.time;
        if (last - m_sampledAt >= kChartStep) {
            m_chartSink(last, m_counts);
            m_sampledAt = last;
        }
    }
    if (last > m_sampledAt) {
        m_chartSink(last, m_counts);
        m_sampledAt = last;
    }
}

KernelPollBatch KernelTraceMode::filter(const KernelPollBatch &batch)
{
    // Every poll sets the counts the traced transitions move from.
    m_counts = batch.counts;
    m_countsAt = m_sampledAt = batch.stats.time;
    m_source.setNamespace(batch.netns); // the trace's events of the namespace shown (0: all)
    if (!m_exact)
        return batch;
    KernelPollBatch out = batch;
    out.transitions = m_source.keepPolled(batch.transitions);
    addShortLived(out);
    return out;
}

void KernelTraceMode::noteLifetimes(const std::vector<Transition> &ts)
{
    for (const Transition &t : ts) {
        const bool born = t.from == TcpState::Closed
                          || (t.from == TcpState::Listen && t.to == TcpState::SynReceived);
        if (born) {
            SocketRow r;
            r.key = t.connection;
            r.firstSeen = r.stateSince = t.time;
            r.record.cookie = t.connection;
            m_born[t.connection] = r;
        }
        const auto it = m_born.find(t.connection);
        if (it == m_born.end())
            continue;
        SocketRow &r = it->second;
        r.record.localAddress = t.localAddress;
        r.record.remoteAddress = t.remoteAddress;
        if (t.localPort)
            r.record.localPort = t.localPort;
        r.record.remotePort = t.remotePort;
        if (t.to == TcpState::Closed) {
            r.goneAt = t.time;                  // its last state stays: "closed (was LAST_ACK)"
            if (m_died.size() < kMaxShortLived) // a storm: its history has them all, rows not
                m_died[t.connection] = r;
            m_born.erase(it);
        } else if (t.to == TcpState::TimeWait) {
            m_born.erase(it); // a minisocket now: the poller sees it
        } else {
            r.record.state = t.to;
            r.stateSince = t.time;
        }
    }
}

void KernelTraceMode::addShortLived(KernelPollBatch &batch)
{
    const double now = batch.stats.time;
    std::erase_if(m_died,
                  [&](const auto &kv) { return now - kv.second.goneAt > kShortLivedLinger; });
    if (m_died.empty() || !batch.rows)
        return;
    // Which of the (at most kMaxShortLived) died sockets the poller has (alive or fading)
    // already: a lookup per polled row in the small map, no set of every polled key.
    std::unordered_set<std::uint64_t> polled;
    for (const KernelPollBatch::Row &r : *batch.rows) {
        if (m_died.count(r.row.key))
            polled.insert(r.row.key);
    }
    if (polled.size() == m_died.size())
        return; // nothing to add: the poll's table as it is, not copied
    auto rows = std::make_shared<std::vector<KernelPollBatch::Row>>();
    rows->reserve(batch.rows->size() + m_died.size() - polled.size());
    rows->insert(rows->end(), batch.rows->begin(), batch.rows->end());
    for (const auto &[cookie, row] : m_died) {
        if (polled.count(cookie))
            continue;
        KernelPollBatch::Row r;
        r.row = row;
        r.ownership = Ownership::NotFound;
        rows->push_back(std::move(r));
    }
    batch.rows = std::move(rows);
}

QString KernelTraceMode::modeText(int intervalMs) const
{
    QString text = m_exact ? tr(" · exact (eBPF)") : tr(" · polled every %1 ms").arg(intervalMs);
    if (m_exact && m_lost)
        text += tr(" · %1 events lost (trace buffer full)").arg(m_lost);
    if (!m_notice.isEmpty())
        text += QStringLiteral(" · ") + m_notice;
    return text;
}

void KernelTraceMode::fillHistoryItem(QTreeWidgetItem *item, const Transition &t)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(t.timeNs / 1'000'000);
    item->setText(
        0, when.toString(QStringLiteral("HH:mm:ss.zzz"))
               + QStringLiteral("%1").arg(int((t.timeNs / 1000) % 1000), 3, 10, QChar(u'0')));
    item->setText(1, rfcName(t.from));
    const QString by = t.pid ? tr("%1 (%2)").arg(QString::fromLocal8Bit(t.comm.data())).arg(t.pid)
                             : tr("a packet or timer");
    item->setText(3, tr("exact, by %1").arg(by));
    item->setToolTip(3, t.pid ? tr("Traced in the kernel: %1's system call made this change")
                                    .arg(QString::fromLocal8Bit(t.comm.data()))
                              : tr("Traced in the kernel: a packet or a timer (softirq) made this "
                                   "change; no process caused it"));
}

} // namespace tcpscope
