# Shared environment for the scripts in script/ and .ci/. Source it; don't run it.
# Puts the repository's own Node toolchain (installed by script/bootstrap when the
# system Node is too old) first on PATH, and turns off prompts and telemetry.

OVS_LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export OVS_LAB_ROOT
OVS_LAB_NODE_VERSION="24.21.0"
OVS_LAB_TOOLCHAIN="$OVS_LAB_ROOT/.toolchain"

if [ -x "$OVS_LAB_TOOLCHAIN/node/bin/node" ]; then
  case ":$PATH:" in
    *":$OVS_LAB_TOOLCHAIN/node/bin:"*) ;;
    *) export PATH="$OVS_LAB_TOOLCHAIN/node/bin:$PATH" ;;
  esac
fi

export ASTRO_TELEMETRY_DISABLED=1
export DEBIAN_FRONTEND=noninteractive
export npm_config_yes=true
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false
