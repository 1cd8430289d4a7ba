/* password_quality.h — whether a new password may be used: at least PASSWORD_MIN characters, and
 * not easy to guess by libpwquality's rules (cracklib's dictionary, palindromes, runs like abcd or
 * 1234, the account's own name, too like the current password). The only user of libpwquality. */
#ifndef LANTERN_PASSWORD_QUALITY_H
#define LANTERN_PASSWORD_QUALITY_H

/* Which field the password was typed into, so the sentence can name it. */
enum password_field { PASSWORD_FIELD_PASSWORD, PASSWORD_FIELD_NEW, PASSWORD_FIELD__MAX };

/* NULL when password may be used; otherwise why not, as a plain sentence that names the field
 * (static: it may be kept). email (or NULL) is the account's, whose name part the password must not
 * contain; current (or NULL) is the password it replaces. */
const char *password_problem(const char *password, enum password_field field, const char *email, const char *current);

#endif
