"""Run one command; print its wall time and the peak RSS of its largest process (JSON on stderr's last line)."""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-2000:])
sys.stderr.write("\n" + json.dumps({"rc": proc.returncode, "wall": wall, "peak_mb": peak_kb / 1024}) + "\n")
