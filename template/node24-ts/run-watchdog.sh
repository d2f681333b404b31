# The image's command (CMD ["sh", "run-watchdog.sh"]): removes the lock file an earlier run of
# this container may have left, then becomes the watchdog (same process, so signals reach it).
# The watchdog's /_/health says ready whenever $TMPDIR/.lock exists, and Kubernetes keeps /tmp
# (an emptyDir) across a container restart, after an OOM kill say: removed here, before the
# watchdog starts, a stale lock is never reported while the function cannot answer. The
# function writes the lock again once it listens (suppress_lock=true, src/lifecycle.ts).
# POSIX sh: busybox's in Alpine images, dash in Debian's.
rm -f "${TMPDIR:-/tmp}/.lock"
exec fwatchdog "$@"
