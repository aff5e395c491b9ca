#!/bin/sh
# The real capture helper, run as nobody with no capabilities: what a user who has not
# granted cap_net_raw,cap_net_admin gets. Tests point TCPSCOPE_CAPTURE_HELPER here.
exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$TCPSCOPE_REAL_HELPER" "$@"
