#include "uilanguage.h"

#include "resourcesinit.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace tcpscope {

UiLanguage &UiLanguage::instance()
{
    static UiLanguage *language = new UiLanguage; // lives as long as the application
    return *language;
}

QString UiLanguage::preferred()
{
    const QString saved = QSettings().value(QStringLiteral("ui/language")).toString();
    if (saved == u"en" || saved == u"zh")
        return saved;
    return QLocale::system().language() == QLocale::Chinese ? QStringLiteral("zh")
                                                            : QStringLiteral("en");
}

bool UiLanguage::set(const QString &language)
{
    if (language != u"en" && language != u"zh")
        return false;
    if (language == m_language)
        return true;
    if (language == u"zh") {
        ensureResources();
        auto *app = new QTranslator(this);
        if (!app->load(QStringLiteral(":/i18n/tcpscope_zh_CN.qm"))) {
            delete app;
            qWarning("tcpscope: the Chinese translation is missing from the resources");
            return false;
        }
        auto *qt = new QTranslator(this);
        if (!qt->load(QLocale(QLocale::Chinese, QLocale::China), QStringLiteral("qtbase"),
                      QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            delete qt; // Qt's own dialogs stay in English; ours are translated
            qt = nullptr;
        }
        QCoreApplication::installTranslator(app);
        if (qt)
            QCoreApplication::installTranslator(qt);
        m_app = app;
        m_qt = qt;
    } else {
        for (QTranslator **t : {&m_app, &m_qt}) {
            if (*t) {
                QCoreApplication::removeTranslator(*t);
                delete *t;
                *t = nullptr;
            }
        }
    }
    m_language = language;
    QSettings().setValue(QStringLiteral("ui/language"), language);
    Q_EMIT changed(language);
    return true;
}

void retranslateOnLanguageChange(QAbstractItemModel *model)
{
    QObject::connect(&UiLanguage::instance(), &UiLanguage::changed, model, [model] {
        const int columns = model->columnCount();
        Q_EMIT model->headerDataChanged(Qt::Horizontal, 0, columns - 1);
        if (model->rowCount() > 0)
            Q_EMIT model->dataChanged(model->index(0, 0),
                                      model->index(model->rowCount() - 1, columns - 1));
    });
}

} // namespace tcpscope
