#include "resourcesinit.h"

#include <QtGlobal>

static void registerResources() { Q_INIT_RESOURCE(resources); }

namespace tcpscope {

void ensureResources()
{
    static const bool once = (registerResources(), true);
    Q_UNUSED(once);
}

} // namespace tcpscope
