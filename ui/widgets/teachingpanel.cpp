#include "widgets/teachingpanel.h"

#include "diagnose/findingformat.h"

#include "diagramgraph.h"
#include "kernel/systemsettings.h"
#include "resourcesinit.h"
#include "statepalette.h"
#include "teachingtext.h"
#include "widgets/gonesocket.h"

#include <QEvent>
#include <QRegularExpression>
#include <QScrollBar>

namespace tcpscope {

namespace {

// Teaching text → HTML: escaped, with `commands` set as code.
QString rich(const QString &text)
{
    QString html = text.toHtmlEscaped();
    static const QRegularExpression code(QStringLiteral("`([^`]+)`"));
    html.replace(code, QStringLiteral("<code style=\"white-space:nowrap\">\\1</code>"));
    return html;
}

// Teaching text with paragraphs (separated by a blank line) → HTML paragraphs.
QString paragraphs(const QString &text)
{
    QString html;
    for (const QString &p : text.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
        html += QStringLiteral("<p>%1</p>").arg(rich(p.trimmed()));
    return html;
}

QString section(const QString &title, const QString &body)
{
    if (body.isEmpty())
        return QString();
    return QStringLiteral("<h4 style=\"margin-bottom:2px\">%1</h4><p style=\"margin-top:0\">%2</p>")
        .arg(title.toHtmlEscaped(), body);
}

QString mythBox(const QString &title, const QString &body)
{
    if (body.isEmpty())
        return QString();
    return QStringLiteral("<table width=\"100%\" cellpadding=\"6\" style=\"margin-top:8px\"><tr>"
                          "<td style=\"background-color:#fff4d6; color:#3d2e00\"><b>%1</b><br>%2"
                          "</td></tr></table>")
        .arg(title.toHtmlEscaped(), body);
}

QString stateTitle(TcpState s, const QString &language)
{
    QString title = QStringLiteral("<span style=\"color:%1\">■</span> %2")
                        .arg(stateColor(s).name(), rfcName(s));
    if (language == u"zh")
        title += QStringLiteral(" <small>%1</small>").arg(displayName(s, u"zh"));
    return QStringLiteral("<h2 style=\"margin-bottom:2px\">%1</h2>").arg(title);
}

} // namespace

TeachingPanel::TeachingPanel(QWidget *parent)
    : QTextBrowser(parent)
{
    ensureResources();
    setOpenLinks(false);
    setOpenExternalLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, &TeachingPanel::follow);
    showOverview();
}

void TeachingPanel::setLanguage(const QString &language)
{
    m_language = language == u"zh" ? QStringLiteral("zh") : QStringLiteral("en");
    refresh();
}

void TeachingPanel::showOverview()
{
    m_topic = QStringLiteral("overview");
    refresh();
}

void TeachingPanel::showState(TcpState s)
{
    m_topic = QStringLiteral("state:") + rfcName(s);
    refresh();
}

void TeachingPanel::showTransition(const QString &teachingId)
{
    m_topic = QStringLiteral("transition:") + teachingId;
    refresh();
}

void TeachingPanel::showSysctl(const QString &name)
{
    m_topic = QStringLiteral("sysctl:") + name;
    refresh();
}

void TeachingPanel::showTopic(const QString &id)
{
    m_topic = QStringLiteral("topic:") + id;
    refresh();
}

void TeachingPanel::showSocket(const SocketSituation &socket)
{
    m_socket = socket;
    m_topic = QStringLiteral("socket:") + rfcName(socket.state);
    refresh();
}

void TeachingPanel::showSegment(const QString &roleId, const QString &detailHtml)
{
    m_segmentDetail = detailHtml;
    m_topic = QStringLiteral("segment:") + roleId;
    refresh();
}

QString TeachingPanel::segmentHtml(const QString &id) const
{
    const TeachingEntry *e = TeachingText::builtin().segment(id);
    if (!e)
        return QString();
    QString html = QStringLiteral("<h2 style=\"margin-bottom:2px\">%1</h2>")
                       .arg(e->text(m_language, u"title").toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>").arg(m_segmentDetail);
    html += paragraphs(e->text(m_language, u"body"));
    if (!e->topics.isEmpty())
        html += section(tr("Topics"), topicLinks(e->topics));
    return html;
}

void TeachingPanel::follow(const QUrl &url)
{
    const QString kind = url.scheme(), id = url.path();
    if (kind == u"state") {
        if (const auto s = parseTcpState(id)) {
            showState(*s);
            Q_EMIT stateLinkActivated(*s);
        }
    } else if (kind == u"transition") {
        showTransition(id);
    } else if (kind == u"sysctl") {
        showSysctl(id);
    } else if (kind == u"topic") {
        showTopic(id);
    }
}

void TeachingPanel::refresh()
{
    const QString kind = m_topic.section(u':', 0, 0), id = m_topic.section(u':', 1);
    QString html;
    if (kind == u"state" || kind == u"socket") {
        if (const auto s = parseTcpState(id))
            html = stateHtml(*s, kind == u"socket" && m_socket ? &*m_socket : nullptr);
    } else if (kind == u"transition") {
        html = transitionHtml(id);
    } else if (kind == u"sysctl") {
        html = sysctlHtml(id);
    } else if (kind == u"topic") {
        html = topicHtml(id);
    } else if (kind == u"finding") {
        html = findingHtml();
    } else if (kind == u"segment") {
        html = segmentHtml(id);
    }
    if (html.isEmpty())
        html = overviewHtml();
    // The same topic again (a poll updated the socket): keep the reader's place.
    const bool same = m_topic == m_shownTopic;
    const int scroll = verticalScrollBar()->value();
    setHtml(html);
    if (same)
        verticalScrollBar()->setValue(scroll);
    m_shownTopic = m_topic;
}

QString TeachingPanel::overviewHtml() const
{
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p><p>")
                       .arg(tr("The TCP state diagram").toHtmlEscaped(),
                            tr("Every box is a state a TCP endpoint can be in; every arrow is "
                               "what moves it on: an event, and what TCP sends in reply. Point "
                               "at a state or an arrow to have it explained here; click a state "
                               "to show its sockets in the table; select a socket to explain "
                               "where it is and why.")
                                .toHtmlEscaped());
    QStringList links;
    for (int i = 0; i < kTcpStateCount; ++i) {
        const TcpState s = stateAt(i);
        links << QStringLiteral("<a href=\"state:%1\">%1</a>").arg(rfcName(s));
    }
    html += links.join(QStringLiteral(" · ")) + QStringLiteral("</p>");
    QStringList topics;
    for (const TeachingEntry &e : TeachingText::builtin().topics())
        topics << e.id;
    html += section(tr("Topics"), topicLinks(topics));
    return html;
}

QString TeachingPanel::topicLinks(const QStringList &ids) const
{
    QStringList links;
    for (const QString &id : ids) {
        if (const TeachingEntry *e = TeachingText::builtin().topic(id))
            links << QStringLiteral("<a href=\"topic:%1\">%2</a>")
                         .arg(id, e->text(m_language, u"title").toHtmlEscaped());
    }
    return links.join(QStringLiteral("<br>"));
}

void TeachingPanel::showFinding(const Finding &finding)
{
    m_finding = finding;
    m_topic = QStringLiteral("finding:") + QLatin1String(findingKindId(finding.kind));
    refresh();
}

QString TeachingPanel::findingHtml() const
{
    if (!m_finding)
        return QString();
    const Finding &f = *m_finding;
    const auto t = [&](const char16_t *field) {
        return rich(findingField(f, m_language, QStringView(field)));
    };
    QString html = QStringLiteral("<h2 style=\"margin-bottom:2px\">%1 \u2014 %2</h2>")
                       .arg(findingTitle(f, m_language).toHtmlEscaped(), f.subject.toHtmlEscaped());
    html += QStringLiteral("<p><i>%1</i></p>").arg(t(u"line"));
    html += QStringLiteral("<p>%1</p>").arg(t(u"meaning"));
    html += section(tr("Likely causes"), t(u"causes"));
    html += section(tr("What to do"), t(u"todo"));
    html += mythBox(tr("What not to do"), t(u"avoid"));
    QStringList commands;
    for (const QString &c : findingCommands(f, m_language))
        commands << QStringLiteral("<code>%1</code>").arg(c.toHtmlEscaped());
    html += section(tr("Confirm it"), commands.join(QStringLiteral("<br>")));
    const TeachingEntry *e =
        TeachingText::builtin().finding(QString::fromLatin1(findingKindId(f.kind)));
    QStringList states;
    for (const QString &st : e ? e->states : QStringList())
        states << QStringLiteral("<a href=\"state:%1\">%1</a>").arg(st);
    html += section(tr("States"), states.join(QStringLiteral(" · ")));
    if (e && !e->topics.isEmpty())
        html += section(tr("Topics"), topicLinks(e->topics));
    return html;
}

QString TeachingPanel::topicHtml(const QString &id) const
{
    const TeachingEntry *e = TeachingText::builtin().topic(id);
    if (!e)
        return QString();
    QString html = QStringLiteral("<h2 style=\"margin-bottom:2px\">%1</h2>")
                       .arg(e->text(m_language, u"title").toHtmlEscaped());
    html += QStringLiteral("<p><i>%1</i></p>").arg(rich(e->text(m_language, u"summary")));
    html += paragraphs(e->text(m_language, u"body"));
    html += mythBox(tr("A common claim, and the fact"), rich(e->text(m_language, u"myth")));
    QStringList states;
    for (const QString &st : e->states)
        states << QStringLiteral("<a href=\"state:%1\">%1</a>").arg(st);
    html += section(tr("States"), states.join(QStringLiteral(" · ")));
    QStringList others;
    for (const TeachingEntry &t : TeachingText::builtin().topics()) {
        if (t.id != id)
            others << t.id;
    }
    html += section(tr("Other topics"), topicLinks(others));
    return html;
}

QString TeachingPanel::stateHtml(TcpState s, const SocketSituation *socket) const
{
    const TeachingEntry *e = TeachingText::builtin().state(s);
    if (!e)
        return QString();
    const auto t = [&](const char *field) {
        return rich(e->text(m_language, QString::fromLatin1(field)));
    };
    QString html = stateTitle(s, m_language);
    html += QStringLiteral("<p><i>%1</i></p>").arg(t("summary"));
    if (socket && socket->gone) {
        html += GoneSocketText::html(*socket); // no live values: it is gone
    } else if (socket) {
        const QHash<QString, QString> values{
            {QStringLiteral("duration"), socket->atLeast
                                             ? tr("≥ %1").arg(durationText(socket->secondsInState))
                                             : durationText(socket->secondsInState)},
            {QStringLiteral("process"),
             socket->process.isEmpty() ? tr("no process") : socket->process},
            {QStringLiteral("recvq"), QString::number(socket->recvQ)},
            {QStringLiteral("sendq"), QString::number(socket->sendQ)},
            {QStringLiteral("timer"),
             socket->timer.isEmpty() ? tr("none") : timerText(socket->timer, m_language)},
        };
        html += QStringLiteral("<table width=\"100%\" cellpadding=\"6\"><tr><td style=\""
                               "background-color:%1; color:#101010\"><b>%2 → %3</b><br>%4</td>"
                               "</tr></table>")
                    .arg(stateColor(s).lighter(175).name(), socket->local.toHtmlEscaped(),
                         socket->remote.toHtmlEscaped(),
                         situationText(*e, m_language, values, socketHasOwner(socket->process))
                             .toHtmlEscaped());
    }
    html += section(tr("What it means"), t("meaning"));
    html += section(tr("How it is entered"), t("enters"));
    html += section(tr("What ends it"), t("leaves"));
    html += section(tr("How long it lasts on Linux"), t("duration"));
    html += section(tr("If sockets pile up here"), t("pileup"));
    html += section(tr("How to confirm it"), t("confirm"));
    html += mythBox(tr("A common claim, and the fact"), t("myth"));

    QStringList names;
    for (const TeachingEntry &sc : TeachingText::builtin().sysctls()) {
        if (sc.states.contains(rfcName(s)))
            names << sc.id;
    }
    if (!names.isEmpty())
        html += section(m_settings ? tr("Settings that matter (value on %1)").arg(m_settingsHost)
                                   : tr("Settings that matter (value on this machine)"),
                        sysctlRows(names));

    QStringList arrows;
    for (const DiagramEdge &edge : diagramEdges()) {
        if (edge.from != s && edge.to != s)
            continue;
        if (edge.kind == EdgeKind::Reset && edge.from != s)
            continue;
        const TeachingEntry *te = TeachingText::builtin().transition(edge.teachingId);
        const QString name = edge.kind == EdgeKind::Reset
                                 ? rfcName(s) + QStringLiteral(" → CLOSED")
                                 : rfcName(edge.from) + QStringLiteral(" → ") + rfcName(edge.to);
        arrows << QStringLiteral("<a href=\"transition:%1\">%2</a> <i>%3</i>")
                      .arg(edge.teachingId, name,
                           te ? te->text(m_language, u"label").toHtmlEscaped() : QString());
    }
    html += section(tr("Arrows in and out"), arrows.join(QStringLiteral("<br>")));
    html += section(tr("Read more"), topicLinks(e->topics));
    return html;
}

void TeachingPanel::setSettings(const std::vector<SettingValue> &values, const QString &host)
{
    m_settings = values;
    m_settingsHost = host.toHtmlEscaped();
    if (m_topic.startsWith(u"state:"))
        refresh();
}

QString TeachingPanel::sysctlRows(const QStringList &names) const
{
    const std::vector<SettingValue> values = m_settings ? *m_settings : readSysctls();
    QString rows = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">");
    for (const QString &name : names) {
        QString value = tr("not on this kernel");
        for (const SettingValue &v : values) {
            if (v.name == name && v.value)
                value = *v.value;
        }
        rows += QStringLiteral("<tr><td><a href=\"sysctl:%1\">%1</a></td><td>&nbsp;=&nbsp;<b>%2"
                               "</b></td></tr>")
                    .arg(name, value.toHtmlEscaped());
    }
    return rows + QStringLiteral("</table>");
}

QString TeachingPanel::transitionHtml(const QString &id) const
{
    const TeachingEntry *e = TeachingText::builtin().transition(id);
    if (!e)
        return QString();
    const auto t = [&](const char *field) {
        return rich(e->text(m_language, QString::fromLatin1(field)));
    };
    const QString from = id.section(u'>', 0, 0), to = id.section(u'>', 1);
    QString html = QStringLiteral("<h2 style=\"margin-bottom:2px\">%1 → %2</h2>")
                       .arg(from == u"ANY" ? tr("any state") : from, to);
    html += QStringLiteral("<p><code>%1</code>%2</p>")
                .arg(t("label"), e->kind == u"extra"
                                     ? QStringLiteral(" — ") + tr("not drawn in RFC 9293's figure")
                                     : QString());
    html += section(tr("Event"), t("event"));
    html += section(tr("Action"), t("action"));
    html += section(tr("Why the protocol needs it"), t("why"));
    QStringList states;
    for (const QString &name : {from, to}) {
        if (parseTcpState(name))
            states << QStringLiteral("<a href=\"state:%1\">%1</a>").arg(name);
    }
    html += section(tr("States"), states.join(QStringLiteral(" → ")));
    html += section(tr("Read more"), topicLinks(e->topics));
    return html;
}

QString TeachingPanel::sysctlHtml(const QString &name) const
{
    const TeachingEntry *e = TeachingText::builtin().sysctl(name);
    if (!e)
        return QString();
    const auto t = [&](const char *field) {
        return rich(e->text(m_language, QString::fromLatin1(field)));
    };
    QString html = QStringLiteral("<h2 style=\"margin-bottom:2px\"><code>%1</code></h2>").arg(name);
    html += sysctlRows({name});
    html += section(tr("What it means"), t("meaning"));
    html += section(tr("Default"), t("default"));
    html += section(tr("What changing it does"), t("effect"));
    html += mythBox(tr("What it does not do"), t("not"));
    QStringList states;
    for (const QString &st : e->states)
        states << QStringLiteral("<a href=\"state:%1\">%1</a>").arg(st);
    html += section(tr("States it matters for"), states.join(QStringLiteral(" · ")));
    html += section(tr("Read more"), topicLinks(e->topics));
    return html;
}

void TeachingPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QTextBrowser::changeEvent(event);
}

} // namespace tcpscope
