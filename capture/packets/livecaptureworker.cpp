#include "packets/livecaptureworker.h"

#include "nanoseconds.h"
#include "packets/capturehelper.h"
#include "packets/capturereader.h"
#include "packets/keptpackets.h"

#include <QDateTime>
#include <QFile>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <unistd.h>

namespace tcpscope {

struct LiveCaptureWorker::Source
{
    enum Kind { Helper, Fd, Path } kind = Fd;
    QString program;
    QStringList args;
    int fd = -1;
    QString path;
    QString name;
    std::unique_ptr<CaptureHelper> helper;
    std::atomic<bool> opening{true};
};

LiveCaptureWorker::LiveCaptureWorker(LiveCaptureOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_finished(m_options.keepFinished, m_options.retireAfterNs,
                 FinishedConnections::TimeWaits::Parked)
{}

LiveCaptureWorker::~LiveCaptureWorker()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
}

void LiveCaptureWorker::startHelper(const QString &program, const QString &interface,
                                    const QString &filter)
{
    auto s = std::make_shared<Source>();
    s->kind = Source::Helper;
    s->program = program;
    s->args = QStringList{QStringLiteral("-i"), interface};
    if (!filter.trimmed().isEmpty())
        s->args << QStringLiteral("-f") << filter;
    s->name = QStringLiteral("the capture on ") + interface;
    s->helper = std::make_unique<CaptureHelper>();
    launch(std::move(s));
}

void LiveCaptureWorker::startStream(int fd, const QString &name)
{
    auto s = std::make_shared<Source>();
    s->kind = Source::Fd;
    s->fd = fd;
    s->name = name;
    launch(std::move(s));
}

void LiveCaptureWorker::startPath(const QString &path)
{
    auto s = std::make_shared<Source>();
    s->kind = Source::Path;
    s->path = path;
    s->name = path;
    launch(std::move(s));
}

void LiveCaptureWorker::launch(std::shared_ptr<Source> source)
{
    Q_ASSERT(!m_thread.joinable());
    {
        std::lock_guard lock(m_mutex);
        m_source = source;
    }
    m_running = true;
    m_thread = std::thread([this, source] { run(source); });
}

void LiveCaptureWorker::stop()
{
    m_stop = true;
    std::shared_ptr<Source> s;
    {
        std::lock_guard lock(m_mutex);
        s = m_source;
    }
    if (!s)
        return;
    if (s->helper)
        s->helper->stop();
    // A FIFO nobody writes blocks its reader in open(): a writer that comes and goes ends it.
    if (s->kind == Source::Path && s->opening) {
        const int fd = ::open(QFile::encodeName(s->path).constData(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0)
            ::close(fd);
    }
}

std::optional<LiveDelta> LiveCaptureWorker::takeDelta()
{
    std::lock_guard lock(m_mutex);
    std::optional<LiveDelta> d = std::move(m_pending);
    m_pending.reset();
    return d;
}

QString LiveCaptureWorker::keptPath() const
{
    std::lock_guard lock(m_mutex);
    return m_keptPath;
}

bool LiveCaptureWorker::pendingEmpty() const
{
    std::lock_guard lock(m_mutex);
    return !m_pending;
}

void LiveCaptureWorker::handOver(LiveDelta d)
{
    bool notify = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_pending) {
            m_pending->merge(std::move(d));
        } else {
            m_pending = std::move(d);
            notify = true;
        }
    }
    if (notify)
        Q_EMIT deltaReady();
}

void LiveCaptureWorker::run(const std::shared_ptr<Source> &source)
{
    m_tracker = std::make_unique<TcpTracker>(m_options.twoMslNs);
    m_helper = source->helper.get();
    CaptureReader reader;
    LiveDelta last;
    bool brokeOff = false;
    if (open(*source, reader, last)) {
        keep(reader, last);
        Q_EMIT started();
        reader.setSegmentObserver([this](const Segment &s) {
            const std::uint32_t conn = m_tracker->lastConnection();
            m_touched.push_back(conn);
            if (m_options.segments)
                m_segments.emplace_back(conn, indexedSegment(m_tracker->connections()[conn], s));
        });
        brokeOff = loop(reader, *source);
    }
    finish(reader, *source, brokeOff, last);
    m_running = false;
}

bool LiveCaptureWorker::open(Source &source, CaptureReader &reader, LiveDelta &failure)
{
    QString error;
    bool ok = false;
    if (source.kind == Source::Helper) {
        if (m_stop)
            error.clear(); // stopped before it started
        else if (!source.helper->start(source.program, source.args, &error))
            failure.helperSays = error;
        else
            ok = reader.open(source.helper->takeOutput(), source.name, &error);
    } else if (source.kind == Source::Fd) {
        FILE *f = ::fdopen(source.fd, "rb");
        ok = f && reader.open(f, source.name, &error);
        if (!f)
            ::close(source.fd);
    } else {
        reader.setAllowSpecialFiles(true); // a FIFO by path is what startPath is for
        ok = reader.open(source.path, &error);
    }
    source.opening = false;
    if (!ok && failure.helperSays.isEmpty())
        failure.readError = error;
    return ok;
}

void LiveCaptureWorker::keep(CaptureReader &reader, LiveDelta &failure)
{
    if (!m_options.keepPackets)
        return;
    QString path = m_options.keepPath, error;
    FilePtr f =
        path.isEmpty() ? createKeptPacketsFile(&path, &error) : openKeptPacketsFile(path, &error);
    if (f) {
        std::lock_guard lock(m_mutex);
        m_keptPath = path;
    }
    if (!f || !reader.saveTo(f.release(), path, &error))
        failure.keepError = error;
}

std::int64_t LiveCaptureWorker::clockNs(const CaptureReader &reader) const
{
    const std::int64_t packets = reader.stats().lastTimeNs;
    return m_options.wallClock
               ? std::max<std::int64_t>(packets, QDateTime::currentMSecsSinceEpoch() * 1'000'000)
               : packets;
}

// Reads as packets come; publishes what changed once an interval has passed since the last
// publish — at once when packets keep coming, as soon as it is due when they stop.
bool LiveCaptureWorker::loop(CaptureReader &reader, Source &source)
{
    using Clock = std::chrono::steady_clock;
    const auto interval = std::chrono::milliseconds(m_options.publishIntervalMs);
    auto lastPublish = Clock::now() - interval;
    std::uint64_t shownPackets = 0;
    QString error;
    bool more = true;
    while (more && !(m_stop && source.kind != Source::Helper)) {
        const auto due = lastPublish + interval;
        const bool dirty = reader.stats().packets != shownPackets;
        const auto wait =
            dirty ? std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now())
                  : interval;
        // What is already there is read before publishing (a burst is one delta), up to a
        // bound so that a stream that never pauses still publishes on time.
        for (int n = 0;
             more && n < 4096
             && reader.waitForData(n == 0 ? int(std::max<std::int64_t>(0, wait.count())) : 0);
             ++n)
            more = reader.read(*m_tracker, &error, 1) && !reader.atEnd();
        if (Clock::now() < due)
            continue;
        m_tracker->expire(clockNs(reader)); // TIME_WAITs end on the clock, packets or not
        if (reader.stats().packets == shownPackets
            && m_tracker->changes().size() == m_publishedChanges)
            continue;
        shownPackets = reader.stats().packets;
        lastPublish = Clock::now();
        publish(reader, LiveDelta{});
    }
    if (error.isEmpty())
        return false;
    LiveDelta d;
    d.readError = error; // what was read before stays
    publish(reader, std::move(d));
    return true;
}

void LiveCaptureWorker::finish(CaptureReader &reader, Source &source, bool brokeOff,
                               LiveDelta &last)
{
    if (CaptureHelper *helper = source.helper.get()) {
        const bool ours = m_stop || brokeOff; // else the stream ended because the helper did
        if (brokeOff)
            helper->stop();
        const int code = helper->wait();
        if (!ours) {
            // Its own message says why (no capability, no such interface, a bad filter).
            if (const QString says = helper->errorText().trimmed(); !says.isEmpty())
                last.helperSays = says;
            if (helper->termSignal() != 0)
                last.helperSignal = helper->termSignal();
            else if (code > 0)
                last.helperExitCode = code;
        }
    }
    if (m_options.wallClock)
        m_tracker->expire(clockNs(reader));
    else
        m_tracker->finish(reader.stats().lastTimeNs);
    last.final = true;
    publish(reader, std::move(last));
}

// The oldest finished connections beyond the bound, as the view knows them (published, not
// touched since), idle for the grace period.
void LiveCaptureWorker::retireFinished(std::vector<std::uint32_t> &touched, std::int64_t nowNs,
                                       LiveDelta &d)
{
    d.retired = m_finished.retire(*m_tracker, m_publishedConnections, nowNs, touched,
                                  &d.retiredConnections);
    if (d.retired.empty())
        return;
    // Renumber the segments read since the publish as the tracker did (packets touched their
    // connections: none of them is retired).
    for (auto &[id, seg] : m_segments)
        id -= std::uint32_t(std::lower_bound(d.retired.begin(), d.retired.end(), id)
                            - d.retired.begin());
    m_publishedConnections -= std::uint32_t(d.retired.size());
    m_publishedChanges = 0; // retire() dropped the published changes
}

void LiveCaptureWorker::publish(CaptureReader &reader, LiveDelta d)
{
    const auto started = std::chrono::steady_clock::now();
    const auto &changes = m_tracker->changes();
    // What packets and timers touched since the last publish, once each.
    std::vector<std::uint32_t> touched = std::move(m_touched);
    m_touched.clear();
    for (std::size_t i = m_publishedChanges; i < changes.size(); ++i)
        touched.push_back(changes[i].connection);
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    const std::size_t newNotes = m_tracker->annotations().size() - m_publishedNotes;
    if (pendingEmpty())
        retireFinished(touched, reader.stats().lastTimeNs, d);
    // Retiring drops old notes only: the new ones are the last.
    const auto &notes = m_tracker->annotations();
    d.notes.assign(notes.end() - std::ptrdiff_t(newNotes), notes.end());
    m_publishedNotes = notes.size();
    d.segments = std::move(m_segments);
    m_segments.clear();

    const auto &conns = m_tracker->connections();
    d.first = !m_firstPublished;
    m_firstPublished = true;
    d.firstNew = m_publishedConnections;
    d.added.assign(conns.begin() + d.firstNew, conns.end());
    for (std::uint32_t id : touched) {
        if (id < d.firstNew)
            d.changed.emplace_back(id, conns[id]);
    }
    d.changes.assign(changes.begin() + std::ptrdiff_t(m_publishedChanges), changes.end());
    m_tracker->markPublished(changes.size());
    m_publishedChanges = changes.size();
    m_publishedConnections = std::uint32_t(conns.size());
    // Which connections are finished now (only those touched or new can have become so).
    for (const auto &[id, c] : d.changed)
        m_finished.update(conns[id], id);
    for (std::uint32_t id = d.firstNew; id < conns.size(); ++id)
        m_finished.update(conns[id], id);

    d.counts = m_tracker->counts();
    d.connections = std::uint32_t(conns.size());
    const ReadStats &stats = reader.stats();
    d.packets = stats.packets;
    d.tcpPackets = stats.tcpPackets;
    d.lastTimeNs = stats.lastTimeNs;
    d.digits = stats.precisionDigits;
    if (m_helper)
        d.dropReport = m_helper->lastStats();
    QString flushError;
    if (!reader.flushSaved(&flushError) && d.keepError.isEmpty())
        d.keepError = flushError;
    d.keptPackets = reader.savedPackets();
    ++m_publishCount;
    d.buildNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    handOver(std::move(d));
}

} // namespace tcpscope
