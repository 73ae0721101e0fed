#!/usr/bin/env bash
# The project's main job. For now it prints the version of the freshly built `ozone` command;
# the OM HA issue turns it into a local HA cluster (3 SCMs + 3 OMs on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bin/ozone version
