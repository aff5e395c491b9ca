#include "fleet/prometheusclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace tcpscope {

PrometheusClient::PrometheusClient(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{}

bool PrometheusClient::setBaseUrl(const QString &url, QString *error)
{
    const QString text = url.trimmed();
    QUrl u(text.contains(u"://") ? text : u"http://"_qs + text);
    if (!u.isValid() || (u.scheme() != u"http" && u.scheme() != u"https") || u.host().isEmpty()) {
        *error = tr("“%1” is not the address of a Prometheus server: give its http:// or "
                    "https:// URL, e.g. http://localhost:9090")
                     .arg(url);
        return false;
    }
    if (u.path().endsWith(u'/'))
        u.setPath(u.path().chopped(1));
    m_base = u;
    return true;
}

void PrometheusClient::query(const QString &promql, double time, Handler done)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), promql);
    q.addQueryItem(QStringLiteral("time"), QString::number(time, 'f', 3));
    get(QStringLiteral("/api/v1/query"), q, std::move(done));
}

void PrometheusClient::queryRange(const QString &promql, double start, double end, double step,
                                  Handler done)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), promql);
    q.addQueryItem(QStringLiteral("start"), QString::number(start, 'f', 3));
    q.addQueryItem(QStringLiteral("end"), QString::number(end, 'f', 3));
    q.addQueryItem(QStringLiteral("step"), QString::number(step, 'f', 3));
    get(QStringLiteral("/api/v1/query_range"), q, std::move(done));
}

void PrometheusClient::get(const QString &path, const QUrlQuery &query, Handler done)
{
    QUrl url = m_base;
    url.setPath(m_base.path() + path);
    // The query in the body (POST, form-encoded): a long PromQL never hits a URL limit.
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_network->post(request, query.toString(QUrl::FullyEncoded).toUtf8());
    const QString server = m_base.toString();
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done), server] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        PromResponse r;
        if (reply->error() != QNetworkReply::NoError && status == 0) {
            r.error = tr("Cannot reach the Prometheus server at %1: %2")
                          .arg(server, reply->errorString());
        } else {
            r = parsePrometheusResponse(body); // a 400 or 422 carries Prometheus's reason
            if (!r.ok && status != 200 && r.error.startsWith(u"not an answer"))
                r.error = tr("%1 does not answer as a Prometheus server does (HTTP %2)")
                              .arg(server)
                              .arg(status);
            else if (!r.ok)
                r.error = tr("%1 answered: %2").arg(server, r.error);
        }
        done(r);
    });
}

} // namespace tcpscope
