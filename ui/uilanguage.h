// The language of the interface, switchable while the application runs: English, or
// Simplified Chinese (the Linguist translation of the interface strings, Qt's own strings,
// and the teaching text's Chinese entries).
#pragma once

#include <QObject>
#include <QString>

class QAbstractItemModel;
class QTranslator;

namespace tcpscope {

class UiLanguage : public QObject
{
    Q_OBJECT
public:
    static UiLanguage &instance();

    QString current() const { return m_language; } // "en" or "zh"
    // The language to start in: the saved choice, else the system's (Chinese → "zh").
    static QString preferred();
    // Switches the interface; widgets get a LanguageChange event and `changed` is emitted.
    // False (and nothing changes) for an unknown language or a missing translation.
    bool set(const QString &language);

signals:
    void changed(const QString &language);

private:
    UiLanguage() = default;
    QString m_language = QStringLiteral("en");
    QTranslator *m_app = nullptr;
    QTranslator *m_qt = nullptr;
};

// A model whose header and texts are translated when shown: on a language change it says that
// all of them changed (one signal each, whatever the size).
void retranslateOnLanguageChange(QAbstractItemModel *model);

} // namespace tcpscope
