# Sourced by the .ci scripts: installs a pinned Python tool from PyPI into its own venv under
# target/, reused by later runs (and offline once installed).
#
#   python_tool VENV PACKAGE VERSION   # then run "$VENV/bin/<tool>"
python_tool() {
    local venv=$1 package=$2 version=$3
    if ! command -v python3 >/dev/null 2>&1; then
        echo "error: python3 is needed to install $package" >&2
        return 1
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        rm -rf "$venv"
        if ! python3 -m venv "$venv"; then
            echo "error: cannot create a virtual environment; install the venv module (e.g. apt-get install python3-venv)" >&2
            rm -rf "$venv"
            return 1
        fi
    fi
    # Installs only when the pinned version is not there yet.
    if [[ "$("$venv/bin/python" -m pip show "$package" 2>/dev/null | sed -n 's/^Version: //p')" != "$version" ]]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package==$version"
    fi
}
