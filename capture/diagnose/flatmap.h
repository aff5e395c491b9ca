// A small open-addressing hash map for the diagnosis pass: the entries in one vector (iterated
// in insertion order), an index of (hash, position) slots probed linearly. Most rows of every
// poll go through one of these: no node per key, no allocation per insertion, one short probe
// in a contiguous array. References to values stay valid until the next insertion.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace tcpscope {

template<typename Key, typename Value, typename Hash>
class FlatMap
{
public:
    using Entry = std::pair<Key, Value>;

    Value &operator[](const Key &k)
    {
        if ((m_entries.size() + 1) * 2 > m_slots.size())
            grow();
        const std::uint64_t h = Hash{}(k);
        for (std::size_t i = start(h);; i = (i + 1) & m_mask) {
            Slot &s = m_slots[i];
            if (s.index == 0) {
                m_entries.emplace_back(k, Value{});
                s = {h, std::uint32_t(m_entries.size())};
                return m_entries.back().second;
            }
            if (s.hash == h && m_entries[s.index - 1].first == k)
                return m_entries[s.index - 1].second;
        }
    }
    Entry *find(const Key &k)
    {
        if (m_entries.empty())
            return nullptr;
        const std::uint64_t h = Hash{}(k);
        for (std::size_t i = start(h);; i = (i + 1) & m_mask) {
            const Slot &s = m_slots[i];
            if (s.index == 0)
                return nullptr;
            if (s.hash == h && m_entries[s.index - 1].first == k)
                return &m_entries[s.index - 1];
        }
    }
    const Entry *find(const Key &k) const { return const_cast<FlatMap *>(this)->find(k); }

    auto begin() { return m_entries.begin(); }
    auto end() { return m_entries.end(); }
    auto begin() const { return m_entries.begin(); }
    auto end() const { return m_entries.end(); }
    std::size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }

private:
    struct Slot
    {
        std::uint64_t hash = 0;
        std::uint32_t index = 0; // position + 1 in m_entries; 0: empty
    };

    // The high bits folded in: a multiplicative hash keeps its low bits poor.
    std::size_t start(std::uint64_t h) const { return (h ^ (h >> 32) ^ (h >> 17)) & m_mask; }

    void grow()
    {
        const std::size_t n = m_slots.empty() ? 16 : m_slots.size() * 2;
        m_slots.assign(n, Slot{});
        m_mask = n - 1;
        for (std::size_t e = 0; e < m_entries.size(); ++e) {
            const std::uint64_t h = Hash{}(m_entries[e].first);
            std::size_t i = start(h);
            while (m_slots[i].index != 0)
                i = (i + 1) & m_mask;
            m_slots[i] = {h, std::uint32_t(e + 1)};
        }
    }

    std::vector<Entry> m_entries;
    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
};

} // namespace tcpscope
