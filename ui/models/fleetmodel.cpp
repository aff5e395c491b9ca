#include "models/fleetmodel.h"

#include <QGuiApplication>
#include <QPalette>

namespace tcpscope {

const std::vector<TcpState> &FleetModel::states()
{
    static const std::vector<TcpState> s{
        TcpState::Established, TcpState::Listen,   TcpState::SynSent,   TcpState::SynReceived,
        TcpState::FinWait1,    TcpState::FinWait2, TcpState::CloseWait, TcpState::Closing,
        TcpState::LastAck,     TcpState::TimeWait};
    return s;
}

int FleetModel::stateColumn(TcpState s)
{
    const auto &all = states();
    const auto it = std::find(all.begin(), all.end(), s);
    return it == all.end() ? -1 : FirstState + int(it - all.begin());
}

FleetModel::FleetModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int FleetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : holdersColumn() + 1;
}

const FleetInstance *FleetModel::find(const QString &instance) const
{
    const int r = rowOf(instance);
    return r < 0 ? nullptr : &m_rows[std::size_t(r)];
}

int FleetModel::rowOf(const QString &instance) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].instance == instance)
            return int(i);
    }
    return -1;
}

void FleetModel::setInstances(std::vector<FleetInstance> next)
{
    // Both sorted by instance: remove the rows that went, update those that stay, insert new.
    for (int r = int(m_rows.size()) - 1; r >= 0; --r) {
        const bool stays = std::any_of(next.begin(), next.end(), [&](const FleetInstance &f) {
            return f.instance == m_rows[std::size_t(r)].instance;
        });
        if (!stays) {
            beginRemoveRows({}, r, r);
            m_rows.erase(m_rows.begin() + r);
            endRemoveRows();
        }
    }
    for (FleetInstance &f : next) {
        const int r = rowOf(f.instance);
        if (r >= 0) {
            m_rows[std::size_t(r)] = std::move(f);
            Q_EMIT dataChanged(index(r, 0), index(r, columnCount() - 1));
            continue;
        }
        const auto at = std::lower_bound(
            m_rows.begin(), m_rows.end(), f.instance,
            [](const FleetInstance &a, const QString &name) { return a.instance < name; });
        const int pos = int(at - m_rows.begin());
        beginInsertRows({}, pos, pos);
        m_rows.insert(at, std::move(f));
        endInsertRows();
    }
}

QString FleetModel::findingsText(const FleetInstance &f) const
{
    QStringList parts;
    if (f.findings[2] > 0)
        parts << tr("%1 critical").arg(f.findings[2]);
    if (f.findings[1] > 0)
        parts << tr("%1 warning").arg(f.findings[1]);
    if (f.findings[0] > 0)
        parts << tr("%1 info").arg(f.findings[0]);
    return parts.isEmpty() ? tr("none") : parts.join(tr(", "));
}

QString FleetModel::holdersText(const FleetInstance &f) const
{
    QStringList parts;
    for (const FleetInstance::Holder &h : f.closeWait) {
        if (parts.size() == 3)
            break;
        parts << (h.pid > 0 ? QStringLiteral("%1 (%2) ×%3").arg(h.process).arg(h.pid).arg(h.count)
                            : QStringLiteral("%1 ×%2").arg(h.process).arg(h.count));
    }
    return parts.join(QStringLiteral(", "));
}

QVariant FleetModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid() || idx.row() >= rowCount())
        return {};
    const FleetInstance &f = m_rows[std::size_t(idx.row())];
    const int c = idx.column();
    if (role == InstanceRole)
        return f.instance;
    if (role == Qt::TextAlignmentRole && c >= Total && c < holdersColumn())
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole
        && ((c == Up && !f.up) || (c == Findings && f.findings[1] + f.findings[2] > 0)))
        return QColor(0xd6, 0x27, 0x28);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (c) {
    case Instance:
        return role == Qt::ToolTipRole ? tr("job %1").arg(f.job) : QVariant(f.instance);
    case Up:
        return f.up ? tr("up") : tr("down");
    case Findings:
        if (role == SortRole)
            return f.findings[2] * 1000000 + f.findings[1] * 1000 + f.findings[0];
        return findingsText(f);
    case Total:
        return f.hasCounts ? QVariant(f.total()) : QVariant();
    default:
        break;
    }
    if (c == holdersColumn())
        return holdersText(f);
    const TcpState s = states()[std::size_t(c - FirstState)];
    return f.hasCounts ? QVariant(f.counts[std::size_t(tcpscope::index(s))]) : QVariant();
}

QVariant FleetModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Instance:
        return tr("Instance");
    case Up:
        return tr("Scrape");
    case Findings:
        return tr("Findings");
    case Total:
        return tr("Sockets");
    default:
        break;
    }
    if (section == holdersColumn())
        return tr("CLOSE_WAIT held by");
    if (section >= FirstState && section < holdersColumn())
        return rfcName(states()[std::size_t(section - FirstState)]);
    return {};
}

} // namespace tcpscope
