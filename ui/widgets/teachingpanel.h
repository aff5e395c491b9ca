// The explanation panel: what the user points at (a state, an arrow, a sysctl, a socket of
// the table), explained from the teaching text in the current language. Links inside move
// between states, arrows, settings and topics (the four-way close, SO_LINGER...); sysctls
// show the value read on this machine now.
#pragma once

#include "diagnose/finding.h"
#include "kernel/systemsettings.h"
#include "models/socketsituation.h"
#include "tcpstate.h"

#include <QTextBrowser>

#include <optional>

namespace tcpscope {

class TeachingPanel : public QTextBrowser
{
    Q_OBJECT
public:
    explicit TeachingPanel(QWidget *parent = nullptr);

    void setLanguage(const QString &language); // "en" or "zh"; shows the same topic again
    QString language() const { return m_language; }

    void showOverview();
    void showState(TcpState s);
    void showTransition(const QString &teachingId);
    void showSysctl(const QString &name);
    void showTopic(const QString &id);
    void showSocket(const SocketSituation &socket);
    // A diagnosis: what it means, its causes, what to do and not to do, the commands.
    void showFinding(const Finding &finding);
    // A segment of the ladder: its role's entry (segments.json), under `detailHtml` (its label
    // and what it changed).
    void showSegment(const QString &roleId, const QString &detailHtml);

    // What is shown: "overview", "state:TIME_WAIT", "transition:A>B", "sysctl:NAME",
    // "topic:ID", "socket:STATE", "finding:KIND", "segment:ROLE".
    QString topic() const { return m_topic; }
    // The sysctls' values to show, and the host they are of (a remote tab: from its stream).
    // Until this is called, this machine's own, read when shown.
    void setSettings(const std::vector<SettingValue> &values, const QString &host);

signals:
    void stateLinkActivated(tcpscope::TcpState state);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void follow(const QUrl &url);
    QString stateHtml(TcpState s, const SocketSituation *socket) const;
    QString transitionHtml(const QString &id) const;
    QString sysctlHtml(const QString &name) const;
    QString topicHtml(const QString &id) const;
    QString overviewHtml() const;
    QString findingHtml() const;
    QString segmentHtml(const QString &id) const;
    QString topicLinks(const QStringList &ids) const;
    QString sysctlRows(const QStringList &names) const;

    QString m_language = QStringLiteral("en");
    QString m_topic = QStringLiteral("overview");
    QString m_shownTopic;
    std::optional<SocketSituation> m_socket;
    std::optional<Finding> m_finding;
    QString m_segmentDetail;
    std::optional<std::vector<SettingValue>> m_settings; // another host's
    QString m_settingsHost;
};

} // namespace tcpscope
