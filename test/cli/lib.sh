# Shared helpers for the CLI end-to-end scripts (sourced, not run).
# Counts results in $pass and $fail; the last command's output is in $out.
pass=0 fail=0

check() {  # check NAME EXPECTED_RC COMMAND... ; output (stdout+stderr) in $out
  local name=$1 want=$2
  shift 2
  out=$("$@" 2>&1)
  local rc=$?
  if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $name: exit $rc, wanted $want"; echo "$out" | head -5
  fi
}

contains() {  # contains NAME TEXT: the last output has TEXT
  if grep -qF -- "$2" <<<"$out"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL $1: output lacks: $2"; echo "$out" | head -12
  fi
}

lacks() {  # lacks NAME TEXT: the last output does not have TEXT
  if grep -qF -- "$2" <<<"$out"; then fail=$((fail + 1)); echo "FAIL $1: output has: $2"; else pass=$((pass + 1)); fi
}

ok() {  # ok NAME SHELL_CONDITION
  if eval "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: $2"; fi
}

finish() {  # finish LABEL: print the tally; the script's status is its last command
  echo "$1: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
