#include "ladder/ladderpane.h"

#include "ladder/ladderview.h"
#include "uilanguage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QVBoxLayout>

namespace tcpscope {

LadderPane::LadderPane(QWidget *parent)
    : QWidget(parent)
    , m_view(new LadderView)
    , m_time(new QComboBox)
    , m_absolute(new QCheckBox)
    , m_stepSegments(new QCheckBox)
{
    m_time->addItem(QString());
    m_time->addItem(QString());
    m_time->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_stepSegments->setChecked(true);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 0, 4, 0);
    bar->addWidget(m_time);
    bar->addWidget(m_absolute);
    bar->addWidget(m_stepSegments);
    bar->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    layout->addLayout(bar);
    connect(m_time, &QComboBox::currentIndexChanged, this, &LadderPane::applyOptions);
    connect(m_absolute, &QCheckBox::toggled, this, &LadderPane::applyOptions);
    connect(&UiLanguage::instance(), &UiLanguage::changed, this, &LadderPane::applyOptions);
    retranslate();
    applyOptions();
}

bool LadderPane::stepWalksSegments() const { return m_stepSegments->isChecked(); }

void LadderPane::applyOptions()
{
    LadderOptions o;
    o.time = m_time->currentIndex() == 1 ? LadderTime::Proportional : LadderTime::OneRowPerSegment;
    o.relative = !m_absolute->isChecked();
    o.language = UiLanguage::instance().current();
    m_view->setOptions(o);
}

void LadderPane::retranslate()
{
    m_time->setItemText(0, tr("One row per segment"));
    m_time->setItemText(1, tr("Proportional time"));
    m_time->setToolTip(tr("Proportional: the space between rows follows the time between "
                          "segments; long idle gaps are folded and their length written"));
    m_absolute->setText(tr("Absolute numbers"));
    m_absolute->setToolTip(tr("Sequence and acknowledgement numbers as sent, and windows "
                              "unscaled, instead of relative to each side's initial sequence "
                              "number"));
    m_stepSegments->setText(tr("Steps walk segments"));
    m_stepSegments->setToolTip(tr("◀ Step and Step ▶ move one segment; unticked, one "
                                  "transition of the selected connection"));
    m_view->setEmptyText(tr("Select a connection in the table to see its segments between "
                            "its two ends, with both ends' states."));
}

void LadderPane::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

} // namespace tcpscope
