#include "widgets/findingspanel.h"

#include "diagnose/findingformat.h"
#include "models/socketfilterproxy.h"
#include "pages/sourceviews.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"
#include "widgets/thresholdsdialog.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcpscope {

namespace {

constexpr int kKeyRole = Qt::UserRole + 1;

QColor levelColour(FindingLevel l, bool dark)
{
    switch (l) {
    case FindingLevel::Critical:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xb0, 0x00, 0x20);
    case FindingLevel::Warning:
        return dark ? QColor(0xff, 0xb3, 0x47) : QColor(0xa0, 0x52, 0x00);
    case FindingLevel::Info:
        break;
    }
    return dark ? QColor(0x8a, 0xb4, 0xf8) : QColor(0x1a, 0x5f, 0xb4);
}

} // namespace

FindingsPanel::FindingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_language(UiLanguage::instance().current())
{
    m_list = new QTreeWidget;
    m_list->setColumnCount(3);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(false);
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setStretchLastSection(true);
    const int charW = fontMetrics().averageCharWidth();
    m_list->setColumnWidth(1, 34 * charW); // title and subject, on two lines
    m_empty = new QLabel;
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_showAll = new QPushButton;
    m_showAll->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 4);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_empty, 1);
    m_thresholdsButton = new QPushButton;
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_thresholdsButton);
    buttons->addWidget(m_showAll);
    layout->addLayout(buttons);
    connect(m_thresholdsButton, &QPushButton::clicked, this, [this] {
        auto *dialog = new ThresholdsDialog(thresholdsFromSettings(), this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &ThresholdsDialog::thresholdsSaved, this,
                &FindingsPanel::thresholdsChanged);
        dialog->open();
    });
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &FindingsPanel::onSelection);
    connect(m_showAll, &QPushButton::clicked, m_list, &QTreeWidget::clearSelection);
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, [this](const QString &l) {
        m_language = l;
        refill();
    });
    retranslate();
    refill();
}

void FindingsPanel::attach(SourceViews *views, SocketFilterProxy *proxy, StateCountChart *chart)
{
    m_views = views;
    views->side->addTab(this, QString());
    retranslate();
    const auto follow = [this, proxy, chart](const Finding &f) {
        proxy->setKeys(QSet<quint64>(f.sockets.begin(), f.sockets.end()));
        chart->setHighlight(findingTitle(f, m_language) + QStringLiteral(": ") + f.subject,
                            f.history);
    };
    connect(this, &FindingsPanel::findingSelected, views, [views, follow](const Finding &f) {
        follow(f);
        views->teaching->showFinding(f);
    });
    connect(this, &FindingsPanel::selectedFindingUpdated, views, [views, follow](const Finding &f) {
        follow(f);
        if (views->teaching->topic().startsWith(u"finding:")) // still what the panel shows
            views->teaching->showFinding(f);
    });
    connect(this, &FindingsPanel::selectionCleared, views, [proxy, chart] {
        proxy->clearKeys();
        chart->setHighlight(QString(), {});
    });
}

void FindingsPanel::setFindings(const std::vector<Finding> &findings)
{
    m_findings = findings;
    refill();
    Q_EMIT countsChanged(int(m_findings.size()), warningCount());
}

int FindingsPanel::warningCount() const
{
    return int(std::count_if(m_findings.begin(), m_findings.end(),
                             [](const Finding &f) { return f.level >= FindingLevel::Warning; }));
}

std::optional<Finding> FindingsPanel::selectedFinding() const
{
    for (const Finding &f : m_findings) {
        if (f.key == m_selectedKey)
            return f;
    }
    return std::nullopt;
}

bool FindingsPanel::select(const QString &key)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        if (m_list->topLevelItem(i)->data(0, kKeyRole).toString() == key) {
            m_list->setCurrentItem(m_list->topLevelItem(i));
            return true;
        }
    }
    return false;
}

// The level column as wide as its widest word in bold ("warning" was cut at 9 average
// characters), in either language.
void FindingsPanel::fitLevelColumn()
{
    QFont bold = m_list->font();
    bold.setBold(true);
    const QFontMetrics fm(bold);
    int width = m_list->header()->fontMetrics().horizontalAdvance(tr("Level"));
    for (const QString &word : {tr("critical"), tr("warning"), tr("info")})
        width = std::max(width, fm.horizontalAdvance(word));
    const int margin = 2 * (m_list->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 1) + 12;
    m_list->setColumnWidth(0, width + margin);
}

void FindingsPanel::refill()
{
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QString keep = m_selectedKey;
    m_list->blockSignals(true);
    while (m_list->topLevelItemCount() > int(m_findings.size()))
        delete m_list->takeTopLevelItem(m_list->topLevelItemCount() - 1);
    QTreeWidgetItem *selected = nullptr;
    for (std::size_t i = 0; i < m_findings.size(); ++i) {
        const Finding &f = m_findings[i];
        QTreeWidgetItem *item = m_list->topLevelItem(int(i));
        if (!item)
            item = new QTreeWidgetItem(m_list);
        const QString level = f.level == FindingLevel::Critical  ? tr("critical")
                              : f.level == FindingLevel::Warning ? tr("warning")
                                                                 : tr("info");
        item->setText(0, level);
        item->setForeground(0, levelColour(f.level, dark));
        QFont bold = item->font(0);
        bold.setBold(f.level >= FindingLevel::Warning);
        item->setFont(0, bold);
        item->setText(1, findingTitle(f, m_language) + u'\n' + f.subject);
        item->setText(2, findingLine(f, m_language));
        item->setToolTip(2, item->text(2));
        item->setData(0, kKeyRole, f.key);
        item->setSelected(false);
        if (f.key == keep)
            selected = item;
    }
    if (selected)
        selected->setSelected(true);
    fitLevelColumn();
    m_list->blockSignals(false);
    m_list->setVisible(!m_findings.empty());
    m_empty->setVisible(m_findings.empty());
    if (m_views)
        m_views->side->setTabText(m_views->side->indexOf(this),
                                  m_findings.empty() ? tr("Findings")
                                                     : tr("Findings (%1)").arg(m_findings.size()));
    if (!keep.isEmpty() && !selected) { // its situation cleared
        m_selectedKey.clear();
        m_showAll->setEnabled(false);
        Q_EMIT selectionCleared();
    } else if (selected) {
        Q_EMIT selectedFindingUpdated(*selectedFinding()); // its numbers changed
    }
}

void FindingsPanel::onSelection()
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    m_selectedKey = items.isEmpty() ? QString() : items.first()->data(0, kKeyRole).toString();
    m_showAll->setEnabled(!m_selectedKey.isEmpty());
    if (const auto f = selectedFinding()) {
        Q_EMIT findingSelected(*f);
        if (m_views)
            m_views->showExplanation();
    } else {
        Q_EMIT selectionCleared();
    }
}

void FindingsPanel::retranslate()
{
    m_list->setHeaderLabels({tr("Level"), tr("Finding"), tr("Numbers")});
    m_empty->setText(tr("No findings: no CLOSE_WAIT leak, no port exhaustion, no listener "
                        "overloaded, no stuck closes, no failing connects, no dead peers."));
    m_showAll->setText(tr("Show all sockets"));
    m_thresholdsButton->setText(tr("Thresholds…"));
    m_thresholdsButton->setToolTip(tr("When each finding is made: the diagnosis thresholds"));
    refill();
}

void FindingsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange)
        refill();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
