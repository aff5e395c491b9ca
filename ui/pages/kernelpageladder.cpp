// KernelPage's ladder: the selected socket and, when the other end is a socket of this host
// too (loopback), that one, as two timelines with the kernel's traced states; no bands from
// polls (a polled state is a guess between two polls), and the pane says so.
#include "kernel/kernelladder.h"
#include "ladder/kernelladderview.h"
#include "pages/kernelpage.h"
#include "pages/kerneltrace.h"
#include "pages/sourceviews.h"

namespace tcpscope {

void KernelPage::createLadder()
{
    m_ladder = new KernelLadderView;
    m_views->addLadder(m_ladder);
}

void KernelPage::showLadderOf(std::optional<quint64> key)
{
    if (!key) {
        m_ladder->setLadder(nullptr);
        m_ladder->setEmptyText(tr("Select a socket in the table to see its states and its other "
                                  "end's on two timelines, as the kernel traced them."));
        return;
    }
    auto ladder = std::make_shared<const KernelLadder>(buildKernelLadder(m_store, *key));
    if (!ladder->empty()) {
        m_ladder->setLadder(std::move(ladder));
        return;
    }
    m_ladder->setLadder(nullptr);
    if (m_trace && m_trace->isExact())
        m_ladder->setEmptyText(tr("No state change of this socket has been traced yet (it was "
                                  "there before the trace started): its ladder begins at its "
                                  "next change."));
    else
        m_ladder->setEmptyText(
            tr("A socket's ladder needs the exact trace (Exact (eBPF) in the toolbar; root or "
               "the trace helper's capabilities). Polling sees a state only when a poll finds "
               "it: when it changed between two polls, and a state that lasted less than a "
               "poll, would be guesses, so no bands are drawn from polls."));
}

} // namespace tcpscope
