ENGINE_SRCS += configspace/load.c configspace/space.c configspace/cmd.c
UNIT_TESTS += test/configspace/test_configspace
BENCHES += bench-configspace
