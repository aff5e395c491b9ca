// The compiled-in resources (icons, teaching text, translations) live in a static library:
// they must be registered once before use. Every view that reads them calls this.
#pragma once

namespace tcpscope {

void ensureResources();

} // namespace tcpscope
