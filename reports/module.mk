# reports: what an exploration found, read back from the database.
ENGINE_SRCS += reports/model.c reports/text.c reports/export.c \
	reports/html.c reports/compare.c reports/cmd.c
UNIT_TESTS += test/reports/test_reports

# make bench: report times on large simulated explorations.
BENCHES += bench-reports
.PHONY: bench-reports
bench-reports: flexexplore
	$(Q)reports/bench.sh
