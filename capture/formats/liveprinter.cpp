#include "formats/liveprinter.h"

#include "formats/summaryformat.h"
#include "nanoseconds.h"
#include "packets/retiredids.h"

namespace tcpscope {

LivePrinter::LivePrinter(TcpTracker &tracker, LivePrinterOptions options)
    : m_tracker(tracker)
    , m_options(options)
    , m_finished(options.keepFinished, options.graceNs)
{}

void LivePrinter::flush(std::string &out)
{
    const auto &conns = m_tracker.connections();
    while (m_numbers.size() < conns.size())
        m_numbers.push_back(m_nextNumber++);
    const auto &changes = m_tracker.changes();
    for (; m_printed < changes.size(); ++m_printed) {
        const StateChange &c = changes[m_printed];
        if (m_options.json)
            writeChangeJson(out, m_tracker, c, m_options.digits, m_numbers[c.connection]);
        else
            writeChangeText(out, m_tracker, c, m_options.digits);
        m_finished.update(conns[c.connection], c.connection);
    }
    m_tracker.markPublished(m_printed);
}

void LivePrinter::afterSegment(std::string &out, std::int64_t nowNs)
{
    if (saturatingSub(nowNs, m_lastExpireNs) >= m_options.expireEveryNs) {
        m_tracker.expire(nowNs); // what a file's end would end, ended as the capture goes
        m_lastExpireNs = nowNs;
    }
    flush(out);
    if (!m_finished.overBound())
        return;
    std::vector<std::uint32_t> none; // everything is printed: no connection is pending
    const std::vector<std::uint32_t> ids =
        m_finished.retire(m_tracker, std::uint32_t(m_tracker.connections().size()), nowNs, none);
    if (ids.empty())
        return;
    eraseIds(m_numbers, ids);
    m_retired += ids.size();
    m_printed = m_tracker.changes().size(); // retire() dropped the printed ones
}

} // namespace tcpscope
