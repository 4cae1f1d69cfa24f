APP_COMPONENTS := httpd httpparser
APP_LIBS := net vfs
APP_ENTRY := httpd_main
