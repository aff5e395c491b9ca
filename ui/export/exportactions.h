// File ▸ Save packets, Save session, Export picture, Copy picture and Export data: the actions,
// their dialogs, and the folder the last export went to (proposed again next time).
#pragma once

#include "export/windowexport.h"

#include <QObject>

#include <functional>

class QAction;
class QMainWindow;
class QMenu;

namespace tcpscope {

class ExportActions : public QObject
{
    Q_OBJECT
public:
    // The window whose current tab is exported; `save` and `packets` write a session or the
    // current tab's packets (false and the reason on failure).
    using Writer = std::function<bool(const QString &path, QString *error)>;
    ExportActions(QMainWindow *window, std::function<ExportTarget()> target, Writer saveSession,
                  Writer savePackets);

    // Adds the actions to the File menu.
    void addTo(QMenu *file);
    void retranslate();

    // The folder proposed for the next export: the last one used (the home folder at first).
    static QString lastFolder();
    static void rememberFolder(const QString &path);

private:
    void saveSessionDialog();
    void savePacketsDialog();
    void exportPictureDialog();
    void copyDiagramPicture();
    void exportDataDialog(const QString &kind);
    void say(const QString &message);

    QMainWindow *m_window;
    std::function<ExportTarget()> m_target;
    Writer m_saveSession, m_savePackets;
    QAction *m_saveSessionAction = nullptr;
    QAction *m_savePacketsAction = nullptr;
    QAction *m_exportPictureAction = nullptr;
    QAction *m_copyPictureAction = nullptr;
    QMenu *m_exportMenu = nullptr;
    QList<QAction *> m_exportDataActions;
};

} // namespace tcpscope
