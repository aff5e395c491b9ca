// KernelSocketModel's deferred work: a burst's removal and the inserts past the first chunk,
// each in a later turn of the event loop (its zero-interval timer), so that one poll never
// holds the window for the whole burst.
#include "models/kernelsocketmodel.h"

#include <algorithm>
#include <utility>

namespace tcpscope {

void KernelSocketModel::scheduleDeferred()
{
    if ((!m_fresh.empty() || m_staleGeneration != 0) && !m_deferred.isActive())
        m_deferred.start();
}

void KernelSocketModel::continueDeferred()
{
    if (m_staleGeneration != 0)
        finishRemoval();
    else
        insertFresh();
    scheduleDeferred();
}

// The rows the last poll did not have, removed in one pass inside a reset (the sorted view is
// not reset: it drops them from its own rows).
void KernelSocketModel::finishRemoval()
{
    if (m_staleGeneration == 0)
        return;
    const std::uint32_t gen = std::exchange(m_staleGeneration, 0);
    SlotChanges changes;
    beginResetModel();
    removeStale(gen, m_staleRows, false, &changes.removed);
    endResetModel();
    Q_EMIT slotsChanged(changes);
}

void KernelSocketModel::insertFresh()
{
    if (m_fresh.empty())
        return;
    const std::size_t n = std::min(m_fresh.size(), kInsertChunk);
    const int at = int(m_order.size());
    SlotChanges changes;
    beginInsertRows({}, at, at + int(n) - 1);
    insertFreshChunk(n, &changes.added);
    endInsertRows();
    Q_EMIT slotsChanged(changes);
}

void KernelSocketModel::insertFreshChunk(std::size_t n, std::vector<int> *added)
{
    for (std::size_t k = 0; k < n; ++k) {
        int slot;
        if (!m_free.empty()) {
            slot = m_free.back();
            m_free.pop_back();
        } else {
            slot = int(m_pool.size());
            m_pool.emplace_back();
            m_rowOfSlot.push_back(-1);
        }
        const KernelPollBatch::Row &r = *m_fresh[m_fresh.size() - 1 - k]; // from the back
        m_slotOf.insert(r.row.key, slot);
        Slot &s = m_pool[std::size_t(slot)];
        s = Slot{r, m_freshSeenAt, m_generation, {}, {}, {}, {}};
        makeTexts(s, true);
        m_rowOfSlot[std::size_t(slot)] = int(m_order.size());
        m_order.push_back(slot);
        added->push_back(slot);
    }
    m_fresh.resize(m_fresh.size() - n);
    if (m_fresh.empty())
        m_freshRows.reset();
}

} // namespace tcpscope
