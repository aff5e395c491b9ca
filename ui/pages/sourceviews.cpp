#include "pages/sourceviews.h"

#include "diagram/statediagramview.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcpscope {

SourceViews SourceViews::build(QWidget *tablePane, StateCountChart *chart, QTreeWidget *history)
{
    SourceViews v;
    v.diagram = new StateDiagramView;
    v.teaching = new TeachingPanel;
    v.speed = new QComboBox;
    v.follow = new QCheckBox;
    v.follow->setChecked(true);
    for (int i = 0; i < 4; ++i)
        v.speed->addItem(QString());
    v.speed->setCurrentIndex(2);
    const double seconds[] = {0, 1.2, 0.45, 0.18};
    QObject::connect(
        v.speed, &QComboBox::currentIndexChanged, v.diagram,
        [d = v.diagram, seconds](int i) { d->setSecondsPerArrow(seconds[std::clamp(i, 0, 3)]); });

    auto *diagramPane = new QWidget;
    auto *dl = new QVBoxLayout(diagramPane);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->setSpacing(2);
    dl->addWidget(v.diagram, 1);
    v.diagramBar = new QHBoxLayout;
    v.diagramBar->addWidget(new QLabel, 0); // "Animation:" (retranslate)
    v.diagramBar->addWidget(v.speed);
    v.diagramBar->addWidget(v.follow);
    v.diagramBar->addStretch(1);
    dl->addLayout(v.diagramBar);

    auto *top = v.top = new QSplitter(Qt::Horizontal);
    top->addWidget(diagramPane);
    top->addWidget(chart);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({880, 560});

    v.side = new QTabWidget;
    v.side->setDocumentMode(true);
    v.side->addTab(v.teaching, QString());
    v.side->addTab(history, QString());

    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(tablePane);
    lower->addWidget(v.side);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    lower->setSizes({780, 500});

    v.root = new QSplitter(Qt::Vertical);
    v.root->addWidget(top);
    v.root->addWidget(lower);
    v.root->setStretchFactor(0, 3);
    v.root->setStretchFactor(1, 2);
    v.root->setSizes({540, 300});

    v.diagram->setLanguage(UiLanguage::instance().current());
    v.teaching->setLanguage(UiLanguage::instance().current());
    QObject::connect(&UiLanguage::instance(), &UiLanguage::changed, v.diagram,
                     &StateDiagramView::setLanguage);
    QObject::connect(&UiLanguage::instance(), &UiLanguage::changed, v.teaching,
                     &TeachingPanel::setLanguage);
    v.retranslate();
    return v;
}

void SourceViews::retranslate()
{
    if (auto *label = qobject_cast<QLabel *>(diagramBar->itemAt(0)->widget()))
        label->setText(tr("Animation:"));
    speed->setItemText(0, tr("off"));
    speed->setItemText(1, tr("slow"));
    speed->setItemText(2, tr("normal"));
    speed->setItemText(3, tr("fast"));
    follow->setText(tr("Follow the selected connection"));
    follow->setToolTip(tr("Only the selected connection's tokens move, and the arrows it "
                          "took are numbered in order"));
    side->setTabText(0, tr("Explanation"));
    side->setTabText(1, tr("History"));
}

void SourceViews::showExplanation() { side->setCurrentWidget(teaching); }

} // namespace tcpscope
