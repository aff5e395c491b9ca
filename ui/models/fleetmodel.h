// The Fleet tab's table: one row per instance Prometheus scrapes tcpscope from, with its
// state (up or down), findings, counts per state and its top CLOSE_WAIT holders. Each refresh
// is merged row by row (inserts, removes, dataChanged), never a reset.
#pragma once

#include "formats/prometheusapi.h"

#include <QAbstractTableModel>

namespace tcpscope {

class FleetModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Instance, Up, Findings, Total, FirstState };
    // The states shown, one column each from FirstState on (CLOSED is not in a socket table).
    static const std::vector<TcpState> &states();
    static int stateColumn(TcpState s);
    int holdersColumn() const { return FirstState + int(states().size()); }
    enum Role { SortRole = Qt::UserRole + 1, InstanceRole };

    explicit FleetModel(QObject *parent = nullptr);

    void setInstances(std::vector<FleetInstance> instances);
    const std::vector<FleetInstance> &instances() const { return m_rows; }
    const FleetInstance *find(const QString &instance) const;
    int rowOf(const QString &instance) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &idx, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

private:
    QString findingsText(const FleetInstance &f) const;
    QString holdersText(const FleetInstance &f) const;
    std::vector<FleetInstance> m_rows; // sorted by instance
};

} // namespace tcpscope
