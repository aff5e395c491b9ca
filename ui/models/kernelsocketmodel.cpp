#include "models/kernelsocketmodel.h"

#include "statepalette.h"
#include "uilanguage.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>
#include <QThreadPool>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>

namespace tcpscope {

namespace {

constexpr double kNewSeconds = 3.0;

} // namespace

KernelSocketModel::KernelSocketModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    retranslateTexts();
    // The texts shown and searched follow the language (a state's "closed (was …)", an
    // owner's note).
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, [this] {
        retranslateTexts();
        SlotChanges changes;
        changes.all = true;
        Q_EMIT slotsChanged(changes);
    });
    retranslateOnLanguageChange(this);
    m_deferred.setSingleShot(true);
    m_deferred.setInterval(0);
    connect(&m_deferred, &QTimer::timeout, this, &KernelSocketModel::continueDeferred);
}

int KernelSocketModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}

int KernelSocketModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KernelSocketModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid() || idx.row() >= int(m_order.size()))
        return {};
    const Slot &s = m_pool[std::size_t(m_order[std::size_t(idx.row())])];
    const SocketRow &r = s.row.row;
    switch (role) {
    case Qt::DisplayRole:
        return text(s, idx.column());
    case SortRole:
        return sortValue(s, idx.column());
    case StateRole:
        return tcpscope::index(r.record.state);
    case KeyRole:
        return quint64(r.key);
    case GoneRole:
        return !r.alive();
    case Qt::TextAlignmentRole:
        if (idx.column() == RecvQ || idx.column() == SendQ)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DecorationRole:
        if (idx.column() == State)
            return stateColor(r.record.state);
        return {};
    case Qt::ForegroundRole:
        if (!r.alive()) // fading out: muted text, in either theme
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::BackgroundRole:
        return background(s);
    case Qt::ToolTipRole:
        return toolTip(s, idx.column());
    default:
        return {};
    }
}

// TCPView's green for new and red for closing, as translucent tints that keep text readable on
// light and dark palettes.
QVariant KernelSocketModel::background(const Slot &s) const
{
    if (!s.row.row.alive()) {
        const double age = m_now - s.row.row.goneAt;
        QColor c(213, 94, 0);
        c.setAlphaF(float(std::max(0.0, 0.35 * (1.0 - age / 3.0))));
        return QBrush(c);
    }
    if (m_now - s.seenAt < kNewSeconds && s.seenAt > 0) {
        QColor c(0, 158, 115);
        c.setAlphaF(float(0.35 * (1.0 - (m_now - s.seenAt) / kNewSeconds)));
        return QBrush(c);
    }
    return {};
}

namespace {

// What a poll can change of a row beyond its times: a row with one of these changed is
// re-sorted and re-filtered; the others only move on in time.
bool sameShown(const KernelPollBatch::Row &a, const KernelPollBatch::Row &b)
{
    const SocketRecord &x = a.row.record, &y = b.row.record;
    return x.state == y.state && x.recvQ == y.recvQ && x.sendQ == y.sendQ && x.timer == y.timer
           && a.row.alive() == b.row.alive() && a.ownership == b.ownership;
}

bool sameOwners(const std::vector<ProcessInfo> &a, const std::vector<ProcessInfo> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const ProcessInfo &x, const ProcessInfo &y) {
                          return x.pid == y.pid && x.name == y.name;
                      });
}

} // namespace

void KernelSocketModel::apply(const KernelPollBatch &batch)
{
    finishRemoval(); // the last burst's rows leave before this poll is compared with them
    const bool first = m_now == 0;
    m_now = batch.stats.time;
    if (batch.namespaces) {
        for (const NetNamespace &ns : *batch.namespaces) {
            m_namespaceText.insert(ns.inode, namespaceText(ns));
            m_namespaceLower.insert(ns.inode, namespaceText(ns).toLower());
        }
    }
    if (first && m_firstPoll == 0)
        m_firstPoll = m_now;
    const std::uint32_t gen = ++m_generation;
    std::vector<const KernelPollBatch::Row *> fresh;
    std::vector<char> kinds; // by slot: what the view must draw again (announceChanges)
    SlotChanges changes;
    const std::size_t stale =
        m_order.size() - updateRows(batch, gen, &fresh, &kinds, &changes.changed);

    // The new rows are copied as they are inserted, a chunk per turn (a burst's 50,000 copied
    // at once held the window): until then the poll's table is kept alive for them.
    m_fresh = std::move(fresh);
    m_freshRows = m_fresh.empty() ? nullptr : batch.rows;
    m_freshSeenAt = first ? 0.0 : m_now;
    // Their fade over, thousands of rows leave in the next event-loop turn, in one reset (row by
    // row, each run removed would move every row after it); a few scattered ones in one reset
    // now; the others in runs.
    if (stale > kBurstRows) {
        m_staleGeneration = gen;
        m_staleRows = stale;
        announceChanges(kinds);
    } else if (stale > 0 && staleRuns(gen) > kBurstRuns) {
        beginResetModel();
        removeStale(gen, stale, false, &changes.removed);
        endResetModel();
    } else {
        if (stale > 0)
            removeStale(gen, stale, true, &changes.removed);
        announceChanges(kinds);
    }
    if (!m_fresh.empty()) {
        const std::size_t n = std::min(m_fresh.size(), kInsertChunk);
        const int at = int(m_order.size());
        beginInsertRows({}, at, at + int(n) - 1);
        insertFreshChunk(n, &changes.added);
        endInsertRows();
    }
    scheduleDeferred();
    Q_EMIT slotsChanged(changes);
}

// How many runs of adjacent rows the rows not of poll `gen` make.
std::size_t KernelSocketModel::staleRuns(std::uint32_t gen) const
{
    std::size_t runs = 0;
    bool previousStale = false;
    for (int slot : m_order) {
        const bool s = m_pool[std::size_t(slot)].generation != gen;
        runs += s && !previousStale;
        previousStale = s;
    }
    return runs;
}

// Each row of the poll into its slot: found where the last poll's row of the same index was
// (its table keeps its order, but for the rows it drops), else by key; the slots of the rows
// some way ahead fetched into the cache meanwhile (100k slots visited in the table's order
// missed the cache at almost every row: ~20 ms a poll).
std::size_t KernelSocketModel::updateRows(const KernelPollBatch &batch, std::uint32_t gen,
                                          std::vector<const KernelPollBatch::Row *> *fresh,
                                          std::vector<char> *kinds, std::vector<int> *changed)
{
    const std::vector<KernelPollBatch::Row> &rows = *batch.rows;
    std::vector<Hint> hints(rows.size());
    kinds->assign(m_pool.size(), 0);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        prefetchSlot(i + kPrefetchRows, false);
        prefetchSlot(i + kPrefetchRows / 2, true);
        const Hint h = slotOfRow(i, rows[i].row.key);
        if (h.slot < 0) {
            fresh->push_back(&rows[i]);
            continue;
        }
        hints[i] = h;
        ++kept;
        const char kind = updateRow(*h.at, rows[i], gen);
        (*kinds)[std::size_t(h.slot)] = kind;
        if (kind == 2)
            changed->push_back(h.slot);
    }
    m_hints = std::move(hints);
    return kept;
}

KernelSocketModel::Hint KernelSocketModel::slotOfRow(std::size_t i, quint64 key)
{
    if (i < m_hints.size() && m_hints[i].at && m_hints[i].at->generation != 0
        && m_hints[i].at->row.row.key == key)
        return m_hints[i];
    const auto it = m_slotOf.constFind(key);
    if (it == m_slotOf.constEnd())
        return {};
    return {*it, &m_pool[std::size_t(*it)]};
}

// The slot the row of index `i` most likely has, or (`owners`) its owners, into the cache.
void KernelSocketModel::prefetchSlot(std::size_t i, bool owners) const
{
    if (i >= m_hints.size() || !m_hints[i].at)
        return;
    const Slot &s = *m_hints[i].at;
    if (owners) {
        if (!s.row.processes.empty())
            __builtin_prefetch(s.row.processes.data());
        return;
    }
    const char *p = reinterpret_cast<const char *>(&s);
    for (std::size_t line = 0; line < offsetof(Slot, local); line += 64)
        __builtin_prefetch(p + line);
}

// A poll's row into its slot; what the view must draw again of it: 0 its times, 1 its tint too,
// 2 all of it.
char KernelSocketModel::updateRow(Slot &slot, const KernelPollBatch::Row &r, std::uint32_t gen)
{
    // The owners rarely change: copy them (strings and all) only when they do.
    const bool owners = sameOwners(slot.row.processes, r.processes);
    const bool shown = sameShown(slot.row, r);
    const bool owner = owners && slot.row.ownership == r.ownership;
    slot.row.row = r.row;
    slot.row.ownership = r.ownership;
    if (!owners)
        slot.row.processes = r.processes;
    slot.generation = gen;
    if (!owner)
        makeTexts(slot, false);
    if (!owners || !shown)
        return 2;
    const bool tinted =
        !slot.row.row.alive() || (slot.seenAt > 0 && m_now - slot.seenAt < kNewSeconds + 1);
    return tinted ? 1 : 0;
}

// Rows the poll no longer has have finished fading: removed, in runs announced one by one, or
// in one pass (inside a reset).
void KernelSocketModel::removeStale(std::uint32_t gen, std::size_t count, bool announce,
                                    std::vector<int> *removed)
{
    // The removed rows' strings and owners are freed on a pool thread: 50,000 of them held the
    // event-loop turn of a burst. (The slot keeps the rest until it is reused.)
    auto graveyard = std::make_shared<std::vector<Remains>>();
    graveyard->reserve(count);
    const auto free = [&](int slot) {
        Slot &s = m_pool[std::size_t(slot)];
        m_slotOf.remove(s.row.row.key);
        graveyard->push_back({std::move(s.row.processes), std::move(s.local), std::move(s.remote),
                              std::move(s.process), std::move(s.processLower)});
        s.generation = 0; // free (a row's hint may still point here)
        m_rowOfSlot[std::size_t(slot)] = -1;
        m_free.push_back(slot);
        removed->push_back(slot);
    };
    const auto stale = [&](int slot) {
        return m_pool[std::size_t(slot)].generation != gen;
    };
    if (!announce) {
        std::erase_if(m_order, [&](int slot) {
            if (!stale(slot))
                return false;
            free(slot);
            return true;
        });
        renumberRows();
        bury(std::move(graveyard));
        return;
    }
    for (int row = int(m_order.size()) - 1; row >= 0;) {
        if (!stale(m_order[std::size_t(row)])) {
            --row;
            continue;
        }
        int start = row;
        while (start > 0 && stale(m_order[std::size_t(start - 1)]))
            --start;
        beginRemoveRows({}, start, row);
        for (int r = start; r <= row; ++r)
            free(m_order[std::size_t(r)]);
        m_order.erase(m_order.begin() + start, m_order.begin() + row + 1);
        endRemoveRows();
        row = start - 1;
    }
    if (!removed->empty())
        renumberRows();
    bury(std::move(graveyard));
}

void KernelSocketModel::bury(std::shared_ptr<std::vector<Remains>> dead)
{
    if (dead->size() < 1000) // not worth a thread
        return;
    QThreadPool::globalInstance()->start([dead = std::move(dead)]() mutable { dead.reset(); });
}

void KernelSocketModel::renumberRows()
{
    for (std::size_t row = 0; row < m_order.size(); ++row)
        m_rowOfSlot[std::size_t(m_order[row])] = int(row);
}

// Every row's times move on with each poll, which changes no row's place in any order: the
// time columns are announced for display only (the sorted, filtered view keeps its order).
// The tints of new and fading rows change with time too. Rows that changed otherwise are
// announced whole.
void KernelSocketModel::announceChanges(const std::vector<char> &kinds)
{
    if (m_order.empty())
        return;
    const int last = int(m_order.size()) - 1;
    Q_EMIT dataChanged(index(0, InState), index(last, Timer), {Qt::DisplayRole});
    // announced a run of rows of one kind at a time (a burst tints tens of thousands of rows,
    // most of them side by side)
    const auto kind = [&](int row) {
        return kinds[std::size_t(m_order[std::size_t(row)])];
    };
    for (int row = 0; row <= last;) {
        const char k = kind(row);
        int end = row;
        while (end < last && kind(end + 1) == k)
            ++end;
        if (k == 2)
            Q_EMIT dataChanged(index(row, 0), index(end, ColumnCount - 1));
        else if (k == 1)
            Q_EMIT dataChanged(index(row, 0), index(end, ColumnCount - 1),
                               {Qt::BackgroundRole, Qt::ForegroundRole});
        row = end + 1;
    }
}

bool KernelSocketModel::ownedBy(int row, qint64 pid) const
{
    const Slot &s = m_pool[std::size_t(m_order[std::size_t(row)])];
    return std::any_of(s.row.processes.begin(), s.row.processes.end(),
                       [pid](const ProcessInfo &p) { return p.pid == pid; });
}

QList<qint64> KernelSocketModel::ownerPids(int row) const
{
    QList<qint64> pids;
    for (const ProcessInfo &p : m_pool[std::size_t(m_order[std::size_t(row)])].row.processes)
        pids << p.pid;
    return pids;
}

std::optional<int> KernelSocketModel::rowOf(quint64 key) const
{
    const auto it = m_slotOf.constFind(key);
    if (it == m_slotOf.constEnd())
        return std::nullopt;
    const int row = m_rowOfSlot[std::size_t(*it)];
    return row < 0 ? std::nullopt : std::optional(row);
}

} // namespace tcpscope
