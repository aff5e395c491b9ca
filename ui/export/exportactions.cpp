#include "export/exportactions.h"

#include "export/exportpicturedialog.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace tcpscope {

ExportActions::ExportActions(QMainWindow *window, std::function<ExportTarget()> target,
                             Writer saveSession, Writer savePackets)
    : QObject(window)
    , m_window(window)
    , m_target(std::move(target))
    , m_saveSession(std::move(saveSession))
    , m_savePackets(std::move(savePackets))
{}

QString ExportActions::lastFolder()
{
    const QString folder = QSettings().value(QStringLiteral("export/folder")).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void ExportActions::rememberFolder(const QString &path)
{
    QSettings().setValue(QStringLiteral("export/folder"), QFileInfo(path).absolutePath());
}

void ExportActions::addTo(QMenu *file)
{
    m_savePacketsAction = file->addAction(QString(), this, &ExportActions::savePacketsDialog);
    m_saveSessionAction = file->addAction(QString(), this, &ExportActions::saveSessionDialog);
    m_saveSessionAction->setShortcut(QKeySequence::Save);
    file->addSeparator();
    m_exportPictureAction = file->addAction(QString(), this, &ExportActions::exportPictureDialog);
    m_exportPictureAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_copyPictureAction = file->addAction(QString(), this, &ExportActions::copyDiagramPicture);
    m_copyPictureAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_exportMenu = file->addMenu(QString());
    for (const QString &kind : dataKinds())
        m_exportDataActions << m_exportMenu->addAction(QString(), this,
                                                       [this, kind] { exportDataDialog(kind); });
}

void ExportActions::retranslate()
{
    m_savePacketsAction->setText(tr("Save &packets as pcapng…"));
    m_saveSessionAction->setText(tr("&Save session…"));
    m_saveSessionAction->setToolTip(tr("The kernel table's timeline and the capture's packets, "
                                       "in one pcapng file that tcpscope reopens as it was"));
    m_exportPictureAction->setText(tr("Export &picture…"));
    m_copyPictureAction->setText(tr("&Copy picture of the diagram"));
    m_exportMenu->setTitle(tr("Export &data"));
    const QStringList dataNames{tr("Connections, as filtered…"),
                                tr("All transitions…"),
                                tr("Transitions of the selected connection…"),
                                tr("Counts per state over time…"),
                                tr("Findings (diagnoses)…"),
                                tr("Segments of the selected connection (its ladder)…")};
    for (qsizetype i = 0; i < m_exportDataActions.size(); ++i)
        m_exportDataActions[i]->setText(dataNames.value(i));
}

void ExportActions::say(const QString &message)
{
    m_window->statusBar()->showMessage(message, 5000);
}

void ExportActions::savePacketsDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save the packets"), QDir(lastFolder()).filePath(u"capture.pcapng"_qs),
        tr("pcapng capture (*.pcapng)"));
    if (path.isEmpty())
        return;
    rememberFolder(path);
    QString error;
    if (m_savePackets(path, &error))
        say(tr("Saved %1").arg(path));
    else
        QMessageBox::warning(m_window, tr("Cannot save the packets"), error);
}

void ExportActions::saveSessionDialog()
{
    const QString path =
        QFileDialog::getSaveFileName(m_window, tr("Save the session"),
                                     QDir(lastFolder()).filePath(u"tcpscope-session.pcapng"_qs),
                                     tr("tcpscope session (*.pcapng)"));
    if (path.isEmpty())
        return;
    rememberFolder(path);
    QString error;
    if (m_saveSession(path, &error))
        say(tr("Saved the session to %1").arg(path));
    else
        QMessageBox::warning(m_window, tr("Cannot save the session"), error);
}

void ExportActions::exportPictureDialog()
{
    const ExportTarget target = m_target();
    ExportPictureDialog dialog(pictureKinds(),
                               {tr("State diagram"), tr("Chart"), tr("Table"),
                                tr("History of the selected connection"),
                                tr("Ladder of the selected connection"), tr("Whole window")},
                               m_window);
    dialog.setCaptionProvider([target](const QString &kind) { return captionFor(target, kind); });
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.copyRequested()) {
        QGuiApplication::clipboard()->setImage(
            pictureImage(target, dialog.kind(), dialog.options()));
        m_window->statusBar()->showMessage(tr("The picture is on the clipboard"), 3000);
        return;
    }
    QString error;
    if (exportPicture(target, dialog.kind(), dialog.path(), dialog.options(), &error)) {
        rememberFolder(dialog.path());
        say(tr("Saved %1").arg(dialog.path()));
    } else
        QMessageBox::warning(m_window, tr("Cannot export the picture"), error);
}

void ExportActions::copyDiagramPicture()
{
    PictureOptions o;
    o.scale = 2;
    QGuiApplication::clipboard()->setImage(pictureImage(m_target(), u"diagram"_qs, o));
    m_window->statusBar()->showMessage(tr("The diagram is on the clipboard"), 3000);
}

void ExportActions::exportDataDialog(const QString &kind)
{
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export data"),
        QDir(lastFolder()).filePath(QStringLiteral("tcpscope-%1.csv").arg(kind)),
        tr("CSV for spreadsheets (*.csv);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportData(m_target(), kind, path, &error)) {
        rememberFolder(path);
        say(tr("Saved %1").arg(path));
    } else
        QMessageBox::warning(m_window, tr("Cannot export the data"), error);
}

} // namespace tcpscope
