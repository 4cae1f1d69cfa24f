#!/usr/bin/env bash
# The main job, what `make run` runs once the engine is built: explore the
# default application's space against 80% of its baseline and print the
# safest configurations that meet it.  A rerun answers from the database.
# APP and BUDGET choose another application or budget.
set -eu
cd "$(dirname "$0")/.."
exec ./flexexplore --app "${APP:-kvstore}" --budget "${BUDGET:-80%}"
