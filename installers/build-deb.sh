#!/usr/bin/env bash
# Builds the Debian packages tcpscope (the window) and tcpscope-cli (the command line and
# the capture helper) from the committed tree, with installers/debian as debian/:
#   installers/build-deb.sh [OUTDIR]      (default: build-deb/ in the checkout)
# Then, as root:  apt-get install ./build-deb/tcpscope*_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
out=$(realpath -m "${1:-$top/build-deb}")

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "build-deb: $top is not a git checkout; the packages are built from its last commit" >&2
  exit 2
fi
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
  echo "build-deb: note: uncommitted changes are not in the packages (built from HEAD)" >&2
fi
version=$(sed -n 's/^project(tcpscope VERSION \([0-9][0-9.]*\).*/\1/p' CMakeLists.txt)
[[ -n "$version" ]] || { echo "build-deb: no project(VERSION) in CMakeLists.txt" >&2; exit 1; }

src=$out/tcpscope-$version
rm -rf "$src"
mkdir -p "$src"
git archive --format=tar HEAD | tar -x -C "$src"
cp -a "$src/installers/debian" "$src/debian"
commit=$(git rev-parse --short HEAD)
cat >"$src/debian/changelog" <<CHANGELOG
tcpscope ($version) bookworm; urgency=medium

  * Built by installers/build-deb.sh from commit $commit.

 -- The tcpscope authors <tcpscope@users.noreply.github.com>  $(date -R -u -d "@$(git log -1 --format=%ct)")
CHANGELOG

cd "$src"
if ! dpkg-checkbuilddeps 2>/dev/null; then
  dpkg-checkbuilddeps || true
  echo "build-deb: install the missing build dependencies (installers/install-deps.sh)" >&2
  exit 1
fi
# ccache keys relative to the build tree, so that rebuilds of the same commit are quick.
export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" dpkg-buildpackage -b -us -uc
cd "$out"
ls -1 "$out"/tcpscope*_"$version"_*.deb
