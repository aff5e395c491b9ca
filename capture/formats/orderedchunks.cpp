#include "formats/orderedchunks.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tcpscope {

namespace {

constexpr std::size_t kAhead = 2; // odd chunks written and not yet taken, at most

// The odd chunks, from the writing thread to the calling one, in order; their buffers go
// back to be written again (a megabyte each: new ones would be zeroed page by page).
class OddChunks
{
public:
    std::string buffer()
    {
        std::lock_guard lock(m_mutex);
        if (m_free.empty())
            return {};
        std::string b = std::move(m_free.back());
        m_free.pop_back();
        b.clear();
        return b;
    }
    void giveBack(std::string b)
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(b));
    }
    // The writing thread: waits until fewer than kAhead chunks are pending.
    void put(std::string chunk)
    {
        std::unique_lock lock(m_mutex);
        m_taken.wait(lock, [&] { return m_ready.size() < kAhead; });
        m_ready.push_back(std::move(chunk));
        lock.unlock();
        m_put.notify_one();
    }
    std::string take()
    {
        std::unique_lock lock(m_mutex);
        m_put.wait(lock, [&] { return !m_ready.empty(); });
        std::string chunk = std::move(m_ready.front());
        m_ready.pop_front();
        lock.unlock();
        m_taken.notify_one();
        return chunk;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_put, m_taken;
    std::deque<std::string> m_ready;
    std::vector<std::string> m_free;
};

} // namespace

void writeChunksInOrder(
    std::size_t chunks,
    const std::function<void(std::size_t, std::string &, std::vector<char> &)> &write,
    const std::function<void(std::string &)> &take)
{
    std::string mine;
    std::vector<char> scratch;
    if (chunks < 2) {
        for (std::size_t k = 0; k < chunks; ++k) {
            write(k, mine, scratch);
            take(mine);
        }
        return;
    }
    OddChunks odd;
    std::thread writing([&] {
        std::vector<char> ownScratch;
        for (std::size_t k = 1; k < chunks; k += 2) {
            std::string chunk = odd.buffer();
            write(k, chunk, ownScratch);
            odd.put(std::move(chunk));
        }
    });
    for (std::size_t k = 0; k < chunks; ++k) {
        if (k % 2 == 0) {
            mine.clear();
            write(k, mine, scratch);
            take(mine);
        } else {
            std::string chunk = odd.take();
            take(chunk);
            odd.giveBack(std::move(chunk));
        }
    }
    writing.join();
}

} // namespace tcpscope
