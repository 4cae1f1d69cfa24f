# isolation: a test application for the gates.  prober, on request, calls
# victim through every kind of gate, or attacks victim's private memory,
# or makes a system call outside its allow-list.
APP_COMPONENTS := prober victim
APP_LIBS :=
APP_ENTRY := prober_main
