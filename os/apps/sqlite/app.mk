APP_COMPONENTS := sqlite
APP_LIBS := vfs
APP_ENTRY := sqlite_main
