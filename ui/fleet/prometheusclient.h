// Asks a Prometheus server's HTTP API (/api/v1/query, /api/v1/query_range) through
// QNetworkAccessManager: asynchronous, so the window never waits for the network. Each answer
// comes back as a PromResponse; a server that cannot be reached, a bad URL or an answer that
// is not Prometheus's is an error with a sentence that says which.
#pragma once

#include "formats/prometheusapi.h"

#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <functional>

class QNetworkAccessManager;

namespace tcpscope {

class PrometheusClient : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const PromResponse &)>;

    explicit PrometheusClient(QObject *parent = nullptr);

    // "http://host:9090" (a bare "host:9090" gets http://); false and why for anything else.
    bool setBaseUrl(const QString &url, QString *error);
    QUrl baseUrl() const { return m_base; }

    // Instant query at `time` (seconds since the epoch).
    void query(const QString &promql, double time, Handler done);
    void queryRange(const QString &promql, double start, double end, double step, Handler done);

private:
    void get(const QString &path, const QUrlQuery &query, Handler done);

    QNetworkAccessManager *m_network = nullptr;
    QUrl m_base;
};

} // namespace tcpscope
