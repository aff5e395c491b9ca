#include "pages/sourceviews.h"

#include "diagram/statediagramview.h"
#include "uilanguage.h"
#include "widgets/statecountchart.h"
#include "widgets/teachingpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcpscope {

SourceViews::SourceViews(QWidget *tablePane, StateCountChart *chart, QTreeWidget *history,
                         QWidget *parent)
    : QSplitter(Qt::Vertical, parent)
{
    diagram = new StateDiagramView;
    teaching = new TeachingPanel;

    top = new QSplitter(Qt::Horizontal);
    top->addWidget(buildDiagramPane());
    top->addWidget(chart);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({880, 560});

    side = new QTabWidget;
    side->setDocumentMode(true);
    side->addTab(teaching, QString());
    side->addTab(history, QString());

    auto *lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(tablePane);
    lower->addWidget(side);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    lower->setSizes({780, 500});

    addWidget(top);
    addWidget(lower);
    setStretchFactor(0, 3);
    setStretchFactor(1, 2);
    setSizes({540, 300});

    diagram->setLanguage(UiLanguage::instance().current());
    teaching->setLanguage(UiLanguage::instance().current());
    connect(&UiLanguage::instance(), &UiLanguage::changed, diagram, &StateDiagramView::setLanguage);
    connect(&UiLanguage::instance(), &UiLanguage::changed, teaching, &TeachingPanel::setLanguage);
    wireDiagramToPanel();
    retranslate();
}

QWidget *SourceViews::buildDiagramPane()
{
    speed = new QComboBox;
    speed->setSizeAdjustPolicy(QComboBox::AdjustToContents); // follows its text's language
    follow = new QCheckBox;
    follow->setChecked(true);
    for (int i = 0; i < 4; ++i)
        speed->addItem(QString());
    speed->setCurrentIndex(2);
    connect(speed, &QComboBox::currentIndexChanged, diagram, [d = diagram](int i) {
        static constexpr double seconds[] = {0, 1.2, 0.45, 0.18};
        d->setSecondsPerArrow(seconds[std::clamp(i, 0, 3)]);
    });

    auto *pane = new QWidget;
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(diagram, 1);
    diagramBar = new QHBoxLayout;
    m_animationLabel = new QLabel;
    diagramBar->addWidget(m_animationLabel, 0);
    diagramBar->addWidget(speed);
    diagramBar->addWidget(follow);
    diagramBar->addStretch(1);
    layout->addLayout(diagramBar);
    return pane;
}

void SourceViews::wireDiagramToPanel()
{
    connect(diagram, &StateDiagramView::statePointed, teaching, &TeachingPanel::showState);
    connect(diagram, &StateDiagramView::transitionPointed, teaching,
            &TeachingPanel::showTransition);
    connect(diagram, &StateDiagramView::stateClicked, this, [this](TcpState s) {
        teaching->showState(s);
        showExplanation();
        Q_EMIT stateClicked(s);
    });
    connect(diagram, &StateDiagramView::transitionClicked, this, [this](const QString &id) {
        teaching->showTransition(id);
        showExplanation();
    });
}

void SourceViews::retranslate()
{
    m_animationLabel->setText(tr("Animation:"));
    speed->setItemText(0, tr("off"));
    speed->setItemText(1, tr("slow"));
    speed->setItemText(2, tr("normal"));
    speed->setItemText(3, tr("fast"));
    follow->setText(tr("Follow the selected connection"));
    follow->setToolTip(tr("Only the selected connection's tokens move, and the arrows it "
                          "took are numbered in order"));
    side->setTabText(0, tr("Explanation"));
    side->setTabText(1, tr("History"));
    if (charts) {
        charts->setTabText(0, tr("Counts over time"));
        charts->setTabText(1, tr("Ladder"));
    }
}

void SourceViews::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange && side)
        retranslate();
    QSplitter::changeEvent(event);
}

void SourceViews::addLadder(QWidget *pane)
{
    QWidget *chart = top->widget(1);
    charts = new QTabWidget;
    charts->setDocumentMode(true);
    top->replaceWidget(1, charts);
    charts->addTab(chart, QString());
    charts->addTab(pane, QString());
    ladder = pane;
    // The ladder's labels need about 640 pixels: the diagram gives some when it is in front.
    connect(charts, &QTabWidget::currentChanged, this, [this] {
        const QList<int> sizes = top->sizes();
        const int want = 40 * fontMetrics().averageCharWidth() + 360;
        if (charts->currentWidget() == ladder && sizes.size() == 2 && sizes[1] < want
            && sizes[0] + sizes[1] > 2 * want)
            top->setSizes({sizes[0] + sizes[1] - want, want});
    });
    retranslate();
}

void SourceViews::showLadder() const
{
    if (charts)
        charts->setCurrentWidget(ladder);
}

void SourceViews::showExplanation() { side->setCurrentWidget(teaching); }

void SourceViews::favourDiagram()
{
    const int width = top->width();
    top->setSizes({width * 62 / 100, width * 38 / 100});
}

} // namespace tcpscope
