#include "formats/segmentsexport.h"

namespace tcpscope {

DataTable segmentsTable(const Ladder &l, const Connection &c, int digits)
{
    DataTable t;
    using K = DataTable::Kind;
    for (const auto &[k, kind] : {std::pair{"packet", K::Number},
                                  {"time", K::Text},
                                  {"sender", K::Text},
                                  {"flags", K::Text},
                                  {"seq", K::Number},
                                  {"ack", K::Number},
                                  {"len", K::Number},
                                  {"window", K::Number},
                                  {"seq_raw", K::Number},
                                  {"ack_raw", K::Number},
                                  {"window_raw", K::Number},
                                  {"window_scaled", K::Boolean},
                                  {"role", K::Text},
                                  {"notes", K::Text},
                                  {"client_state", K::Text},
                                  {"server_state", K::Text},
                                  {"changes", K::Text}})
        t.addColumn(QLatin1String(k), kind);
    const int client = c.ep[0].role == Role::Server ? 1 : 0;
    const auto sideName = [&](int e) {
        return e == client ? QStringLiteral("client") : QStringLiteral("server");
    };
    char flags[32];
    for (const LadderRow &r : l.rows) {
        const IndexedSegment &s = r.seg;
        QStringList changes;
        for (std::uint32_t k = r.firstChange; k < r.firstChange + r.changeCount; ++k) {
            const StateChange &x = l.changes[k].change;
            changes << sideName(x.endpoint) + QStringLiteral(": ") + rfcName(x.from) + u'>'
                           + rfcName(x.to);
        }
        const bool ack = s.flags & tcpflag::Ack;
        t.rows.push_back(
            {QString::number(s.packet), isoTime(s.timeNs, digits), sideName(s.sender),
             QLatin1String(flagsText(s.flags, flags)), QString::number(r.relSeq),
             ack ? QString::number(r.relAck) : QString(), QString::number(s.payload),
             QString::number(r.window), QString::number(s.seq),
             ack ? QString::number(s.ack) : QString(), QString::number(s.window),
             r.windowScaled ? u"true"_qs : u"false"_qs, QLatin1String(segmentRoleId(r.role)),
             ladderNoteIds(r.notes).isEmpty() ? QString() : ladderNoteIds(r.notes),
             rfcName(r.after[std::size_t(client)]), rfcName(r.after[std::size_t(1 - client)]),
             changes.join(QStringLiteral("; "))});
    }
    return t;
}

} // namespace tcpscope
