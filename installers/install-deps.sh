#!/usr/bin/env bash
# Install every Debian 12 package tcpscope needs to build, run and test.
# Idempotent: when everything is present it only checks (about a second) and exits.
#   installers/install-deps.sh           build + run + test dependencies
#   installers/install-deps.sh --runtime only what the application needs to run
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-svg-dev libqcustomplot-dev libpcap-dev help2man
  # tcpscope-cli serve: Qt's HTTP server (Debian's dev package forgets its WebSockets dependency)
  qt6-httpserver-dev qt6-websockets-dev
  libbpf-dev clang bpftool linux-libc-dev
)
runtime_pkgs=(
  libqt6widgets6 libqt6svg6 libqt6printsupport6 libqcustomplot2.1 libpcap0.8
  qt6-qpa-plugins qt6-translations-l10n libcap2-bin iproute2 libbpf1
  libqt6network6 libqt6httpserver6
)
test_pkgs=(
  xvfb xauth tcpdump tshark nftables iproute2 procps python3 fonts-wqy-microhei
  poppler-utils ghostscript
  # tests/ui/tst_prometheus: a real Prometheus and promtool; serve_bench.sh scrapes with curl
  prometheus curl
  # tests/ui/tst_remotepage: a real sshd of the test's own on a loopback port, and ssh
  openssh-server openssh-client
  # tests/fuzz: clang with libFuzzer and the sanitizer runtimes; llvm-symbolizer (llvm-14)
  # names the lines in a finding's stack
  clang libclang-rt-14-dev llvm-14 libbpf-tools
)

# Building and checking the Debian packages (installers/build-deb.sh, tests/package/).
package_pkgs=(
  dpkg-dev debhelper fakeroot lintian desktop-file-utils appstream
)

want=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}" "${package_pkgs[@]}")
if [[ "${1:-}" == "--runtime" ]]; then
  want=("${runtime_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; this script is for Debian 12 (bookworm)." >&2
  echo "install-deps: install these packages by hand: ${missing[*]}" >&2
  exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || [[ -t 0 ]] && command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: these packages are missing: ${missing[*]}" >&2
    echo "install-deps: installing them needs root. Run as root, or install sudo, or run:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${SUDO[@]}" debconf-set-selections 2>/dev/null || true
"${SUDO[@]}" apt-get update -qq
# The tests start their own sshd and Prometheus; installing the packages must not start (or,
# under systemd, enable) the system's: no listening port appears because of this script.
services=()
for p in "${missing[@]}"; do
  case "$p" in
    openssh-server) services+=(ssh.service ssh.socket) ;;
    prometheus) services+=(prometheus.service) ;;
  esac
done
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ${#services[@]} -gt 0 && ! -e $policy ]]; then
  printf '#!/bin/sh\n# install-deps.sh: no service starts while tcpscope installs its packages\nexit 101\n' |
    "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"
  own_policy=1
fi
status=0
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
if [[ $own_policy -eq 1 ]]; then
  "${SUDO[@]}" rm -f "$policy"
fi
if [[ ${#services[@]} -gt 0 ]] && [[ -d /run/systemd/system ]]; then
  "${SUDO[@]}" systemctl disable --now "${services[@]}" >/dev/null 2>&1 || true
  echo "install-deps: ${services[*]} installed for the tests, left disabled (not started)"
fi
if [[ $status -ne 0 ]]; then
  echo "install-deps: apt-get install failed (exit $status)" >&2
  exit "$status"
fi
echo "install-deps: done"
