// The Fleet tab: the hosts a Prometheus server scrapes `tcpscope-cli serve` from. A table of
// instances (up or down, findings, counts per state, who holds CLOSE_WAIT), refreshed every
// few seconds; a click plots that instance's history of counts per state on the chart; the
// context menu asks for its live tab over SSH (openRemoteRequested: the window connects it
// when it has a remote tab). Every failure (a bad URL, a server that cannot be reached, one
// without tcpscope metrics) is said in the tab.
#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace tcpscope {

class FleetModel;
class PrometheusClient;
class StateCountChart;
struct PromResponse;

class FleetPage : public QWidget
{
    Q_OBJECT
public:
    explicit FleetPage(QWidget *parent = nullptr);

    // Sets the server and refreshes; false (and the tab says why) for a URL that cannot be one.
    bool setServer(const QString &url);
    QString server() const;

    FleetModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    StateCountChart *chart() const { return m_chart; }
    QString statusText() const;
    bool hasError() const { return m_error; }
    // The evaluation time of the last refresh's queries (seconds since the epoch).
    double lastQueryTime() const { return m_queryTime; }
    QString historyInstance() const { return m_historyInstance; }

public slots:
    void refresh();
    // Plots `instance`'s counts per state over the chosen range.
    void showHistory(const QString &instance);

signals:
    void refreshed(); // the table holds the answer of a refresh (or its error is shown)
    void historyShown(const QString &instance);
    // "Open live tab over SSH": the host of an instance ("db1" of "db1:9464").
    void openRemoteRequested(const QString &host);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Refresh;
    void finishRefresh(const Refresh &r);
    void hideEmptyStates();
    void showError(const QString &text);
    void showStatus(const QString &text);
    void contextMenu(const QPoint &pos);
    void retranslate();
    double rangeSeconds() const;

    PrometheusClient *m_client = nullptr;
    FleetModel *m_model = nullptr;
    QSortFilterProxyModel *m_sorted = nullptr;
    QTableView *m_table = nullptr;
    StateCountChart *m_chart = nullptr;
    QLabel *m_serverLabel = nullptr, *m_status = nullptr, *m_chartTitle = nullptr;
    QLineEdit *m_url = nullptr;
    QComboBox *m_range = nullptr;
    QPushButton *m_refresh = nullptr;
    QTimer *m_timer = nullptr;
    QString m_historyInstance;
    QString m_statusText;
    double m_queryTime = 0;
    int m_generation = 0; // answers of an older server or refresh are ignored
    bool m_error = false;
};

} // namespace tcpscope
