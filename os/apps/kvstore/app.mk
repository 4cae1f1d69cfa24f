APP_COMPONENTS := kvstore resp kvdata
APP_LIBS := net
APP_ENTRY := kvstore_main
