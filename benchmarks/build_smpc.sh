#!/usr/bin/env bash
# Build KTAB's smpc (the C++ Spatial Model of Politics) with -O3 for benchmarks/bench_smp.py.
#
#   bash benchmarks/build_smpc.sh KTAB_SRC EASYLOGGINGPP_SRC
#
# KTAB_SRC: a checkout of lsyaseen/KTAB (git dir or work tree); EASYLOGGINGPP_SRC: a checkout
# of amrayn/easyloggingpp (KTAB's logger, a separate project). Needs Debian's cmake, g++, make,
# libtinyxml2-dev, libsqlite3-dev, qtbase5-dev and libqt5sql5-sqlite (installed here with
# apt-get when missing and this runs as root). Installs easylogging++ to /usr/local (where
# KTAB's cmake module looks for it) and leaves smpc in ~/.cache/grandbargain/ktab/smpc, where
# bench_smp.py finds it (or set GRANDBARGAIN_SMPC). Nothing of KTAB enters the repository.
set -euo pipefail
KTAB_SRC=${1:?usage: build_smpc.sh KTAB_SRC EASYLOGGINGPP_SRC}
ELPP_SRC=${2:?usage: build_smpc.sh KTAB_SRC EASYLOGGINGPP_SRC}
OUT=${GRANDBARGAIN_KTAB_DIR:-$HOME/.cache/grandbargain/ktab}
JOBS=${JOBS:-2}
FLAGS="-O3 -DNDEBUG -w -fpermissive"

if ! command -v cmake >/dev/null || ! dpkg -s qtbase5-dev libtinyxml2-dev libsqlite3-dev \
    >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { echo "build_smpc.sh: missing build dependencies (run as root)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++ make libtinyxml2-dev \
    libsqlite3-dev qtbase5-dev libqt5sql5-sqlite >/dev/null
fi

tree() {  # a work tree from a git dir or a work tree
  local src=$1 dst=$2
  rm -rf "$dst"; mkdir -p "$dst"
  if [ -d "$src/.git" ] || [ ! -d "$src/objects" ]; then
    cp -a "$src/." "$dst/"
  else
    git --git-dir="$src" ls-tree -r HEAD --name-only | while read -r f; do
      mkdir -p "$dst/$(dirname "$f")"
      git --git-dir="$src" show "HEAD:$f" >"$dst/$f" 2>/dev/null || rm -f "$dst/$f"
    done
  fi
}

mkdir -p "$OUT"
tree "$KTAB_SRC" "$OUT/src"
tree "$ELPP_SRC" "$OUT/easyloggingpp"

# easylogging++ with KTAB's own CMakeLists.txt (its compiling_elpp.md)
cp "$OUT/src/easyloggingpp/CMakeLists.txt" "$OUT/easyloggingpp/CMakeLists.txt"
cmake -S "$OUT/easyloggingpp" -B "$OUT/easyloggingpp/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$FLAGS" >/dev/null
cmake --build "$OUT/easyloggingpp/build" -j "$JOBS" >/dev/null
cmake --install "$OUT/easyloggingpp/build" >/dev/null

for sub in KTAB/kutils KTAB/kmodel examples/smp; do
  target=()
  [ "$sub" = examples/smp ] && target=(--target smpc)  # not the Qt GUIs
  cmake -S "$OUT/src/$sub" -B "$OUT/src/$sub/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="$FLAGS" >"$OUT/cmake-$(basename "$sub").log" 2>&1
  cmake --build "$OUT/src/$sub/build" -j "$JOBS" "${target[@]}" \
    >"$OUT/make-$(basename "$sub").log" 2>&1 || {
    echo "build_smpc.sh: $sub failed, see $OUT/make-$(basename "$sub").log" >&2; exit 1; }
done
cp "$(find "$OUT/src/examples/smp" -name smpc -type f -perm -u+x | head -1)" "$OUT/smpc"
cp "$OUT/src/examples/smp/smpc-logger.conf" "$OUT/"
echo "$OUT/smpc"
