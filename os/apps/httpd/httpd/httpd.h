/*
 * httpd: an HTTP/1.1 static file server on one event loop.
 *
 * It copies the web root (--content=DIR, default: the application's
 * content folder) into vfs at start, listens on --host/--port, prints
 * "ready port=N" and then serves GET and HEAD requests for files in vfs,
 * with keep-alive and pipelining, until the image is stopped.
 */
#ifndef HTTPD_H
#define HTTPD_H

/** The application's entry point; returns an exit status on failure. */
int httpd_main(void);

#endif /* HTTPD_H */
