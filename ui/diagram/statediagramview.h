// The animated TCP state diagram: the eleven states laid out as the textbook figure, every
// arrow labelled with its event / action, the count of connections in each state, tokens
// travelling along the arrows that connections take, arrows thickening with traffic. Vector
// drawing scaled to the pane; hover explains, a click on a state or an arrow selects it.
#pragma once

#include "diagram/diagramanimator.h"
#include "kernel/sockettable.h"

#include <QElapsedTimer>
#include <QPalette>
#include <QWidget>

#include <vector>

#include <optional>

class QTimer;

namespace tcpscope {

// One arrow the followed connection took: its number in the connection's history (several
// arrows of one inferred step share it) and which endpoint took it.
struct FollowedStep
{
    int edge = -1;
    int number = 0;
    FollowedSide side = FollowedSide::Unknown;
};

// What a rendering shows of the moment: everything as on screen, or the diagram at rest (no
// token, no flash, no thickening with traffic, no pulse, no hover), as pictures draw it.
enum class DiagramMotion { AsShown, AtRest };

class StateDiagramView : public QWidget
{
    Q_OBJECT
public:
    explicit StateDiagramView(QWidget *parent = nullptr);

    // "en" or "zh": the arrows' labels and the names under the states.
    void setLanguage(const QString &language);
    QString language() const { return m_language; }
    // How many connections (or endpoints) are in each state now; -1: not counted (shown as
    // a dash).
    void setCounts(const StateCounts &counts);
    const StateCounts &counts() const { return m_counts; }

    // A connection changed state. reset: an RST was seen; appeared: first seen in `to`.
    // side: which endpoint of a followed connection moved (its token's colour).
    void addTransition(TcpState from, TcpState to, bool reset, bool appeared,
                       std::uint64_t connection, FollowedSide side = FollowedSide::Unknown);
    // Seconds a token takes over one arrow; 0 turns tokens off (flashes and counts stay).
    void setSecondsPerArrow(double seconds);

    // Follows one connection: only its tokens move, the arrows it took so far (in order) are
    // highlighted and numbered, and its current state is outlined. nullopt: follow nobody.
    void setFollowed(std::optional<std::uint64_t> connection, std::vector<int> pathSoFar = {},
                     QList<TcpState> current = {});
    // The same with each arrow's step number and endpoint. sided: current holds the client's
    // state, then the server's, outlined in their colours and told apart by a legend.
    void setFollowedSteps(std::optional<std::uint64_t> connection, std::vector<FollowedStep> steps,
                          QList<TcpState> current, bool sided);
    const std::vector<int> &followedPath() const { return m_followedPath; }
    const std::vector<FollowedStep> &followedSteps() const { return m_followedSteps; }
    // The states outlined as the followed connection's now (client first).
    const QList<TcpState> &followedStates() const { return m_followedStates; }
    // Whether the client and the server are told apart (and the legend says which is which).
    bool followsSides() const;

    // The colour of a followed endpoint's arrows, tokens and step numbers.
    static QColor sideColor(FollowedSide side, const QPalette &palette);

    // The numbered badges of the followed steps, in canvas coordinates: where they are drawn,
    // clear of every arrow's label and every state's box where the arrow leaves room.
    struct StepBadge
    {
        QRectF rect;
        QString text;
        FollowedSide side = FollowedSide::Unknown;
    };
    std::vector<StepBadge> stepBadges() const;
    // The legend of the followed sides (empty when they are not told apart), canvas units.
    QRectF sideLegendRect() const;

    DiagramAnimator &animator() { return m_animator; }
    const DiagramAnimator &animator() const { return m_animator; }
    // Seconds on the diagram's clock (what the animator is driven with).
    double now() const { return double(m_clock.nsecsElapsed()) / 1e9; }

    // Draws the whole diagram into `target` (a widget, an image, an SVG or a PDF page).
    void render(QPainter &p, const QRectF &target, const QPalette &palette, double now,
                DiagramMotion motion = DiagramMotion::AsShown) const;
    // How the widget paints itself (a window's picture paints it at rest).
    void setPaintMotion(DiagramMotion motion) { m_paintMotion = motion; }
    DiagramMotion paintMotion() const { return m_paintMotion; }
    // The label of arrow `edge` in the current language.
    QString labelText(int edge) const;

    // Where a point of the widget falls: a state's node, an arrow, or nothing.
    struct Hit
    {
        std::optional<TcpState> state;
        int edge = -1;
    };
    Hit hitAt(QPointF widgetPos) const;
    QPointF widgetPosOfNode(TcpState s) const; // a node's centre, for tests
    QPointF widgetPosOfLabel(int edge) const;  // an arrow's label's centre, for tests

    // Frame statistics since the last reset: for the benchmark.
    struct FrameStats
    {
        int frames = 0;
        double totalMs = 0, maxMs = 0;
    };
    FrameStats frameStats() const { return m_stats; }
    void resetFrameStats() { m_stats = {}; }

signals:
    void stateClicked(tcpscope::TcpState state);
    void transitionClicked(const QString &teachingId);
    // The pointer rests on a state or an arrow (for the explanation panel).
    void statePointed(tcpscope::TcpState state);
    void transitionPointed(const QString &teachingId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // The colours of one rendering, from its palette, and what of the moment it shows.
    struct Inks
    {
        QColor ink, base, line, highlight, highlightedText;
        QColor client, server;
        bool atRest = false;
    };
    QTransform canvasTransform(const QRectF &target) const;
    // render()'s layers, bottom to top.
    void drawLegend(QPainter &p, const Inks &c) const;
    void drawSideLegend(QPainter &p, const Inks &c) const;
    void drawArrows(QPainter &p, const Inks &c, double t) const;
    void drawArrow(QPainter &p, const Inks &c, int edge, const QColor *followed, double t) const;
    void drawStateOutlines(QPainter &p, const Inks &c, int node) const;
    void drawLabels(QPainter &p, const Inks &c) const;
    void drawFollowedSteps(QPainter &p, const Inks &c) const;
    void drawStates(QPainter &p, const Inks &c, double t) const;
    void drawState(QPainter &p, const Inks &c, int node, double t) const;
    QString stateSubtitle(int node) const;
    void drawTokens(QPainter &p, const Inks &c, double t) const;
    void frame();
    void ensureTicking();
    QString tooltipFor(const Hit &hit) const;

    DiagramAnimator m_animator;
    StateCounts m_counts{};
    QString m_language = QStringLiteral("en");
    std::optional<std::uint64_t> m_followed;
    std::vector<int> m_followedPath;
    std::vector<FollowedStep> m_followedSteps;
    bool m_sided = false; // m_followedStates: the client's state, then the server's
    QList<TcpState> m_followedStates;
    QElapsedTimer m_clock;
    QTimer *m_ticker;
    Hit m_hover;
    DiagramMotion m_paintMotion = DiagramMotion::AsShown;
    FrameStats m_stats;
};

} // namespace tcpscope
