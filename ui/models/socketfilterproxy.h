// Filters and sorts the socket table: by state(s) and by free text matched against the
// addresses, ports and process; sorts on raw values (KernelSocketModel::SortRole).
#pragma once

#include "tcpstate.h"

#include <QSet>
#include <QSortFilterProxyModel>

namespace tcpscope {

class SocketFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SocketFilterProxy(QObject *parent = nullptr);

    void setStates(const QList<TcpState> &states); // empty: all
    QList<TcpState> states() const { return m_states; }
    // Free text: every word must match the local or remote address:port, the process or the
    // state; a word "pid:N" matches the sockets that process N holds.
    void setText(const QString &text);
    QString text() const { return m_text; }
    void setSourceModel(QAbstractItemModel *model) override;
    // Only these sockets (by KernelSocketModel::KeyRole), e.g. a finding's evidence; off: all.
    void setKeys(const QSet<quint64> &keys);
    void clearKeys();
    bool filtersByKeys() const { return m_byKeys; }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override;
    bool lessThan(const QModelIndex &a, const QModelIndex &b) const override;

private:
    QList<TcpState> m_states;
    QString m_text;
    QStringList m_words; // lower case
    QSet<quint64> m_keys;
    bool m_byKeys = false;
    const class KernelSocketModel *m_kernelModel = nullptr;
};

} // namespace tcpscope
