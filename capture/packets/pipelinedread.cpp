#include "packets/pipelinedread.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tcpscope {

namespace {

constexpr std::uint64_t kBatchPackets = 2048; // ~150 KB of segments: they stay in cache
constexpr int kBatches = 4;                   // in flight between the two threads

// Batches of segments from the reading thread to the tracking one, and back empty to be
// filled again (a handful of buffers, allocated once).
class BatchQueue
{
public:
    BatchQueue()
    {
        for (int i = 0; i < kBatches; ++i) {
            m_empty.emplace_back();
            m_empty.back().reserve(kBatchPackets);
        }
    }

    std::vector<Segment> takeEmpty() { return take(m_empty, m_emptied); }
    void putEmpty(std::vector<Segment> b) { put(m_empty, m_emptied, std::move(b)); }
    void putFull(std::vector<Segment> b) { put(m_full, m_filled, std::move(b)); }
    // False once the reading thread has finished and every batch it filled was taken.
    bool takeFull(std::vector<Segment> &b)
    {
        std::unique_lock lock(m_mutex);
        m_filled.wait(lock, [&] { return !m_full.empty() || m_finished; });
        if (m_full.empty())
            return false;
        b = std::move(m_full.front());
        m_full.pop_front();
        return true;
    }
    void finish()
    {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_filled.notify_one();
    }

private:
    using Batches = std::deque<std::vector<Segment>>;
    std::vector<Segment> take(Batches &from, std::condition_variable &ready)
    {
        std::unique_lock lock(m_mutex);
        ready.wait(lock, [&] { return !from.empty(); });
        std::vector<Segment> b = std::move(from.front());
        from.pop_front();
        return b;
    }
    void put(Batches &to, std::condition_variable &ready, std::vector<Segment> b)
    {
        {
            std::lock_guard lock(m_mutex);
            to.push_back(std::move(b));
        }
        ready.notify_one();
    }

    std::mutex m_mutex;
    std::condition_variable m_emptied, m_filled;
    Batches m_empty, m_full;
    bool m_finished = false;
};

} // namespace

bool readPipelined(CaptureReader &reader, TcpTracker &tracker, QString *error)
{
    BatchQueue queue;
    bool ok = true;
    std::thread reading([&] {
        while (ok && !reader.atEnd()) {
            std::vector<Segment> batch = queue.takeEmpty();
            batch.clear();
            ok = reader.read(nullptr, &batch, error, kBatchPackets);
            queue.putFull(std::move(batch));
        }
        queue.finish();
    });
    std::vector<Segment> batch;
    while (queue.takeFull(batch)) {
        for (const Segment &s : batch)
            tracker.process(s);
        queue.putEmpty(std::move(batch));
    }
    reading.join(); // ok and *error are the reading thread's until here
    return ok;
}

} // namespace tcpscope
