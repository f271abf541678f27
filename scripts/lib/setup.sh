# Shared set-up for scripts/run and scripts/test: system libraries, the virtualenv, translations.
# Sourced, not run. Idempotent: a second call only checks.

PYTHON=${PYTHON:-python3.11}
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
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "Missing system packages:$missing" >&2
    echo "Install them with: sudo apt-get install$missing" >&2
    exit 1
  fi
}

ensure_venv() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtualenv in $VENV"
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

compile_translations() {
  # The interface's own catalogue, and Vietnamese for the form library's validator messages.
  for domain in messages wtforms; do
    "$VENV/bin/pybabel" compile -D "$domain" -d market/translations >/dev/null
  done
}
