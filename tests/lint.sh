#!/bin/sh
# lint.sh — house rules a compiler cannot check (in the spirit of Fossil's codecheck):
# each library has one owner module, HTML is only written raw from literals, no atoi.
set -u
cd "$(dirname "$0")/.." || exit 2
fail=0
owner() { # pattern, the one file allowed to use it
	hits=$(grep -ln "$1" app/*.c | grep -v "^$2$")
	if [ -n "$hits" ]; then echo "lint: $1 used outside $2: $hits"; fail=1; fi
}
# The database module: SQLite's API in db.c, libpq's in db_pg.c (behind db.c alone).
owner 'sqlite3_' app/db.c
owner '\bPQ[a-zA-Z]*\s*(\|<libpq-fe.h>\|\bPG[a-z]*[A-Z][A-Za-z]*\b' app/db_pg.c
hits=$(grep -ln '"db_pg.h"' app/*.c | grep -v '^app/db.c$\|^app/db_pg.c$'); [ -z "$hits" ] || { echo "lint: db_pg.h included outside db.c: $hits"; fail=1; }
hits=$(grep -ln '#include <libxml' app/*.c | grep -v '^app/catalog.c$\|^app/adx.c$'); [ -z "$hits" ] || { echo "lint: libxml2 used outside catalog.c (reading) and adx.c (writing): $hits"; fail=1; }
owner 'QRcode_' app/qr.c
owner 'crypto_\|randombytes_\|sodium_' app/auth.c
owner 'FCGX_' app/server.c
owner 'pwquality_' app/password_quality.c
owner 'icalcomponent_\|icalproperty_' app/ics.c
owner 'rsvg_\|#include <librsvg' app/print.c
# cairo draws the page (print.c) and the words Pango fits into its boxes (print_text.c).
hits=$(grep -ln 'cairo_\|#include <cairo' app/*.c | grep -v '^app/print.c$\|^app/print_text.c$'); [ -z "$hits" ] || { echo "lint: cairo used outside print.c and print_text.c: $hits"; fail=1; }
owner 'pango_\|#include <pango' app/print_text.c
if grep -n '\batoi\s*(\|\batol\s*(' app/*.c; then echo "lint: use valid_int(), not atoi"; fail=1; fi
# html_raw takes only what html_lit() makes from a literal; html.c itself is the writer.
if grep -n 'html_raw(' app/*.c | grep -v '^app/html.c:'; then echo "lint: html_raw outside html.c: use html_lit or htmlf"; fail=1; fi
# Page bodies grow only through the writer (html.c) or a QR code (qr.c).
if grep -n 'buf_[a-z]*(&o->body' app/*.c | grep -v '^app/html.c:\|^app/qr.c:\|^app/resp.c:'; then echo "lint: write page bodies with htmlf/html_lit"; fail=1; fi
# SQL is never built with printf: statements are literals with ? placeholders.
if grep -nE '(printf|asprintf)\([^)]*"(SELECT|INSERT|UPDATE|DELETE) ' app/*.c; then echo "lint: SQL built with printf"; fail=1; fi
[ $fail -eq 0 ] && echo "lint: ok"
exit $fail
