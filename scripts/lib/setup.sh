# Shared set-up for scripts/run and scripts/test: system libraries, the virtualenv, translations.
# Sourced, not run. Idempotent: a second call only checks.

VENV=${MARKET_VENV:-.venv}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# WeasyPrint needs Pango; without libharfbuzz-subset0 it silently falls back to a font
# subsetter about six times slower per PDF. DejaVu gives every Vietnamese glyph.
SYSTEM_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra poppler-utils"

ensure_system_packages() {
  local wanted="$SYSTEM_PACKAGES ${EXTRA_SYSTEM_PACKAGES:-}" missing=""
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -z "$missing" ]; then
    say "system libraries present"
    return
  fi
  # shellcheck disable=SC2086  # one word per package
  install_packages $missing
}

# The system's python3 (Debian 12: 3.11, Debian 13: 3.13, Ubuntu 24.04: 3.12), or $PYTHON.
find_python() {
  PYTHON=${PYTHON:-python3}
  if ! command -v "$PYTHON" >/dev/null; then
    install_packages python3
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Chợ 4.0 needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)." >&2
    echo "Set PYTHON=/path/to/python3.11 (or newer) and run again." >&2
    exit 1
  fi
}

# Debian and Ubuntu ship venv (with ensurepip) separately: python3-venv, or python3.X-venv.
ensure_venv_module() {
  if "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    return
  fi
  local versioned
  versioned="python$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv"
  if apt-cache show "$versioned" >/dev/null 2>&1; then
    install_packages "$versioned"
  elif apt-cache show python3-venv >/dev/null 2>&1; then
    install_packages python3-venv
  else  # Ubuntu keeps both in "universe", on by default but not on every minimal image
    echo "Neither $versioned nor python3-venv is known to apt." >&2
    echo "On Ubuntu enable the universe component (sudo add-apt-repository universe), then run again." >&2
    exit 1
  fi
}

install_packages() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null \
      && { [ -t 0 ] || sudo -n true 2>/dev/null; }; then  # a person can answer, or no password
    say "installing system packages with sudo: $*"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "Missing system packages: $*" >&2
    echo "Install them with: sudo apt-get install $*" >&2
    exit 1
  fi
}

ensure_venv() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    find_python
    ensure_venv_module
    say "creating the virtualenv in $VENV with $("$PYTHON" -V)"
    rm -rf "$VENV"  # a half-made one from a run without the venv module
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the declared dependencies change.
  local stamp="$VENV/.installed-$(cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)-${extras//[^a-z,]/}"
  if [ ! -f "$stamp" ]; then
    say "installing the project and its dependencies ($extras)"
    local log="$VENV/install.log"
    if ! { "$VENV/bin/pip" install --upgrade pip && "$VENV/bin/pip" install -e ".$extras"; } >"$log" 2>&1; then
      tail -40 "$log" >&2
      echo "Installing failed; the whole log is in $log" >&2
      exit 1
    fi
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  else
    say "virtualenv up to date"
  fi
}

# The browser tests drive Chromium. Debian packages it as `chromium` (/usr/bin/chromium).
# Ubuntu's `chromium-browser` only installs the snap, which does not start in a container or
# a chroot and is not at /usr/bin/chromium: there the tests use Playwright's own build of
# Chromium and the system libraries it names. MARKET_CHROMIUM, when set, is used as it is.
ensure_chromium() {
  if [ -n "${MARKET_CHROMIUM:-}" ]; then
    say "browser for the tests: $MARKET_CHROMIUM"
    return
  fi
  if [ -x /usr/bin/chromium ] && ! snap_stub /usr/bin/chromium; then
    export MARKET_CHROMIUM=/usr/bin/chromium
    return
  fi
  # Read the whole record first: `grep -q` stops at its first match, and under pipefail the
  # SIGPIPE that apt-cache then gets would read as "no such package".
  local record
  record=$(apt-cache show chromium 2>/dev/null || true)
  if grep -q '^Package: chromium$' <<<"$record" \
      && ! grep -Eq '^(Pre-)?Depends:.*snapd' <<<"$record"; then
    install_packages chromium
    export MARKET_CHROMIUM=/usr/bin/chromium
    return
  fi
  say "this system packages Chromium only as a snap: installing Playwright's Chromium for the tests"
  local deps=(--with-deps)  # its system libraries, with apt-get (through sudo when not root)
  [ "$(id -u)" = 0 ] || command -v sudo >/dev/null || deps=()
  if ! "$VENV/bin/playwright" install "${deps[@]}" chromium; then
    echo "Could not install Playwright's Chromium (its download needs cdn.playwright.dev)." >&2
    echo "Set MARKET_CHROMIUM=/path/to/chromium (any Chromium or Chrome that is not a snap) and run again." >&2
    exit 1
  fi
  MARKET_CHROMIUM=$("$VENV/bin/python" -c 'from playwright.sync_api import sync_playwright
with sync_playwright() as p: print(p.chromium.executable_path)')
  export MARKET_CHROMIUM
}

snap_stub() {  # a launcher script that only says to install (or starts) the snap
  head -c 2 "$1" | grep -q '#!' && grep -q snap "$1"
}

compile_translations() {
  # The interface's own catalogue, and Vietnamese for the form library's validator messages.
  for domain in messages wtforms; do
    "$VENV/bin/pybabel" compile -D "$domain" -d market/translations >/dev/null
  done
}
