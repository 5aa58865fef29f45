# Two commands, each from nothing on a fresh Debian 12 machine:
#   make demo   set up and run the kiosk with the reference backend and emulated devices
#   make test   set up and run the whole test suite
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VOICE_STAMP := assets/voice/.generated
DEBS := python3-venv fonts-wqy-microhei xvfb poppler-utils libegl1 libgl1 libxkbcommon0 \
        libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 \
        libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 \
        libxcb-image0 libxcb-xkb1 libglib2.0-0 fontconfig systemd udev cage xwayland openssl chromium postgresql espeak-ng alsa-utils \
        xdotool imagemagick
QT_ENV := QT_QPA_PLATFORM=offscreen

.PHONY: demo test bench tour lint setup system-deps clean openapi wheel lock voice faults soak

demo: setup
	$(BIN)/kiosk demo

test: setup
	$(BIN)/ruff check common kiosk ui printer backend emulators demo tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(QT_ENV) $(BIN)/python -m pytest -q

# The fault suite at full counts (CI runs tests/faults/ with reduced counts): reports/faults.json
faults: setup
	$(QT_ENV) KIOSK_FAULTS=full $(BIN)/python -m pytest -q tests/faults
	$(BIN)/python scripts/reliability_table.py

# 500 scripted customer journeys, memory and personal-data checks: reports/soak.json
soak: setup
	$(QT_ENV) KIOSK_SOAK=full $(BIN)/python -m pytest -q tests/soak
	$(BIN)/python scripts/reliability_table.py

bench: setup
	$(QT_ENV) $(BIN)/python -m bench
	$(BIN)/python scripts/bench_table.py

tour: setup
	$(QT_ENV) $(BIN)/kiosk demo --tour docs/tour

setup: system-deps $(STAMP) $(VOICE_STAMP)

# Voice prompts nobody recorded, spoken by espeak-ng from the i18n catalogues (not committed).
$(VOICE_STAMP): $(STAMP) assets/i18n/zh_CN.po assets/i18n/en.po kiosk/voice/prompts.py kiosk/voice/generate.py
	$(BIN)/kiosk voice generate --out assets/voice
	touch $(VOICE_STAMP)

voice: setup
	$(BIN)/kiosk voice generate --out assets/voice

system-deps:
	@bash scripts/system-deps.sh $(DEBS)

# Every dependency comes from the hash-pinned lock (a changed or substituted file on the index
# fails the install); the project itself goes in on top without resolving anything again.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# The installable wheel of one release (deploy/install.sh installs it with requirements.lock).
wheel: setup
	rm -rf dist build
	$(BIN)/python -m pip wheel -q --no-deps -w dist .
	@ls dist/*.whl

# Re-pin after a change to pyproject.toml (needs PyPI). requirements.lock: what a terminal
# runs; requirements-dev.lock: that plus the backend and the test tools.
UV := $(VENV)/bin/uv
UV_COMPILE := $(UV) pip compile pyproject.toml --generate-hashes --python $(BIN)/python \
	--index-url https://pypi.org/simple --annotation-style line --custom-compile-command 'make lock'
lock:
	test -x $(UV) || $(BIN)/python -m pip install -q uv
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra backend --extra postgres --extra dev -o requirements-dev.lock

openapi: setup
	$(BIN)/python -m backend openapi > docs/openapi.json

clean:
	rm -rf $(VENV) build dist *.egg-info
