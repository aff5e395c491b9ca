#include "widgets/findingsbadge.h"

#include "pages/kernelpage.h"
#include "widgets/findingspanel.h"

#include <QEvent>
#include <QTabWidget>

#include <algorithm>

namespace tcpscope {

FindingsBadge::FindingsBadge(QTabWidget *tabs, KernelPage *kernel, QWidget *parent)
    : QLabel(parent)
    , m_tabs(tabs)
    , m_kernel(kernel)
{
    setObjectName(QStringLiteral("findingsBadge"));
    connect(tabs, &QTabWidget::currentChanged, this, &FindingsBadge::refresh);
    refresh();
}

KernelPage *FindingsBadge::followed() const
{
    auto *page = qobject_cast<KernelPage *>(m_tabs->currentWidget());
    return page ? page : m_kernel;
}

void FindingsBadge::refresh()
{
    KernelPage *page = followed();
    connect(page, &KernelPage::findingsChanged, this, &FindingsBadge::refresh,
            Qt::UniqueConnection);
    if (page != m_kernel) // the kernel tab's changes count when it is in front again
        connect(m_kernel, &KernelPage::findingsChanged, this, &FindingsBadge::refresh,
                Qt::UniqueConnection);
    const std::vector<Finding> &all = page->findingsPanel()->findings();
    const int total = int(all.size());
    const int warnings = int(std::count_if(
        all.begin(), all.end(), [](const Finding &f) { return f.level >= FindingLevel::Warning; }));
    if (warnings > 0)
        setText(
            total == 1
                ? tr("\u26a0 1 finding, at warning level or above")
                : tr("\u26a0 %1 findings, %2 at warning level or above").arg(total).arg(warnings));
    else
        setText(total == 1 ? tr("1 finding") : tr("%1 findings").arg(total));
    setStyleSheet(warnings > 0 ? QStringLiteral("font-weight: bold; color: #d62728") : QString());
}

void FindingsBadge::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        refresh();
}

} // namespace tcpscope
