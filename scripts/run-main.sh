#!/usr/bin/env bash
# The main job: what `make run` runs once the engine is built.
set -eu
cd "$(dirname "$0")/.."
exec ./flexexplore space --app kvstore
