# Sourced by the scripts in bin/ and .ci/run: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a JAVA_HOME that is already 21+, else picks the newest one under /usr/lib/jvm.

java_major() { # prints the major version of the JDK in $1, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "$v"
}

pick_jdk() {
  local best="" best_v=0 dir v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
  fi
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    [ -L "$dir" ] && continue
    v=$(java_major "$dir")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$dir; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "No JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable under /usr/lib/jvm)." >&2
    echo "Keycloak 26.7 needs Java 21+: install one (e.g. Temurin 21) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

pick_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
