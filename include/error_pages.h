/* error_pages.h — nginx's own error pages, written at build time (`lantern error-pages DIR`). */
#ifndef LANTERN_ERROR_PAGES_H
#define LANTERN_ERROR_PAGES_H

/* Writes DIR/NNN.html and DIR/NNN.json for 413, 429, 500, 502 and 504 from the loaded catalogue's
 * English help; each file is written whole and then moved into place. 0, or 1 with the reason on
 * stderr. */
int error_pages_write(const char *dir);

#endif
