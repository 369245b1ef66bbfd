#!/bin/sh
# Install what zoet needs from Debian's packages, or say exactly how.
#
# As root it runs apt-get; otherwise it prints the install line and stops
# with exit status 1. Called by `make demo`, `make test` and `make bench`.
set -eu

# chromium and chromium-driver: the headless-browser check of HTML pages
# (tests/browser/check_html.py, suite "browser"); libcairo2-dev draws the
# maps; fonts-dejavu-core gives their text a face (fontconfig's "sans-serif")
PKGS="gcc make pkg-config libnetcdf-dev libhdf5-dev netcdf-bin check libinih-dev \
libgdal-dev gdal-bin libssl-dev libnlopt-dev libjson-c-dev libcairo2-dev fonts-dejavu-core \
valgrind python3 chromium chromium-driver"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "zoet: installing missing packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "zoet: missing Debian packages:$missing" >&2
    echo "zoet: install them with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
