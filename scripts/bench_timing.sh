# Sourced by the benchmarks: interleaved timing of a candidate against its
# baseline, in the same run, reported as min/median/max of the per-round
# ratios (a noisy machine moves both sides of a round alike).
#   bench_ms CMD...        wall time of one run in ms (the bench fails if CMD fails)
#   bench_stats FILE [FMT] min/median/max of the numbers in FILE, one a line,
#                          printf format FMT (default %.2f)

bench_ms() {
	_s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench command failed: $*" >&2; exit 1; }
	echo $(( ($(date +%s%N) - _s) / 1000000 ))
}

bench_stats() {
	sort -n "$1" | awk -v f="${2:-%.2f}" '{ v[NR] = $1 } END {
		med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "min " f ", median " f ", max " f, v[1], med, v[NR] }'
}

# bench_median FILE: the median alone
bench_median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
