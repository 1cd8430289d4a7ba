/* password_quality.c — libpwquality's verdict on a new password, in our own plain words. */
#include "password_quality.h"

#include <pthread.h>
#include <pwquality.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "req.h"
#include "util.h"
#include "valid.h"

/* Each sentence twice, naming the field it is about (enum password_field). */
#define SAY(rest) {"The password " rest, "Your new password " rest}

static const char *const TOO_SHORT[] = SAY("must be at least 10 characters long: a few unrelated words make a strong one");
static const char *const TOO_LONG[] = SAY("must be at most 256 characters long");
static const char *const NOT_TEXT[] = SAY("contains characters that cannot be used");
static const char *const DICTIONARY[] = SAY("is a word from the dictionary, or one with a few letters changed or numbers added: "
					   "use a few unrelated words instead");
static const char *const PATTERN[] = SAY("follows a simple pattern, like abcd, 1234 or qwerty");
static const char *const FEW_CHARACTERS[] = SAY("uses too few different characters");
static const char *const PALINDROME[] = SAY("reads the same backwards as forwards");
static const char *const REPEATS[] = SAY("repeats the same character, or a run like abcd or 1234, too many times");
static const char *const HAS_NAME[] = SAY("contains the name part of the account's e-mail address");
static const char *const SAME[] = SAY("is the same as the current password");
static const char *const SIMILAR[] = SAY("is too like the current password");
static const char *const CANNOT_CHECK[] = SAY("cannot be checked just now (the server's word list is missing): "
					     "tell the programme admin");
static const char *const WEAK[] = SAY("is too easy to guess: a few unrelated words make a strong one");

/* cracklib's reasons (pwquality passes them on as text) and ours for each. */
static const struct {
	const char *reason;
	const char *const *ours;
} cracklib_reasons[] = {
	{"dictionary word", DICTIONARY},   {"simplistic/systematic", PATTERN},
	{"enough DIFFERENT characters", FEW_CHARACTERS}, {"short", TOO_SHORT},
	{"whitespace", FEW_CHARACTERS},    {"username", HAS_NAME},
	{"password entry", HAS_NAME},      {"error loading dictionary", CANNOT_CHECK},
};

static const char *const *from_pwquality(int rc, const char *aux)
{
	switch (rc) {
	case PWQ_ERROR_MIN_LENGTH:
	case PWQ_ERROR_EMPTY_PASSWORD:
		return TOO_SHORT;
	case PWQ_ERROR_PALINDROME:
		return PALINDROME;
	case PWQ_ERROR_SAME_PASSWORD:
		return SAME;
	case PWQ_ERROR_TOO_SIMILAR:
	case PWQ_ERROR_CASE_CHANGES_ONLY:
	case PWQ_ERROR_ROTATED:
		return SIMILAR;
	case PWQ_ERROR_USER_CHECK:
	case PWQ_ERROR_GECOS_CHECK:
	case PWQ_ERROR_BAD_WORDS:
		return HAS_NAME;
	case PWQ_ERROR_MAX_CONSECUTIVE:
	case PWQ_ERROR_MAX_CLASS_REPEAT:
	case PWQ_ERROR_MAX_SEQUENCE:
		return REPEATS;
	case PWQ_ERROR_CRACKLIB_CHECK:
		for (size_t i = 0; aux && i < ARRAY_LEN(cracklib_reasons); i++)
			if (strstr(aux, cracklib_reasons[i].reason))
				return cracklib_reasons[i].ours;
		return WEAK;
	default:
		return WEAK;
	}
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pwquality_settings_t *settings;
/* cracklib keeps state between calls: one check at a time (passwords are set rarely). */
static pthread_mutex_t checking = PTHREAD_MUTEX_INITIALIZER;

/* pwquality's defaults, not the host's /etc/security/pwquality.conf: the same rules everywhere. */
static void settings_init(void)
{
	settings = pwquality_default_settings();
}

const char *password_problem(const char *password, enum password_field field, const char *email, const char *current)
{
	int f = field < PASSWORD_FIELD__MAX ? (int)field : 0;
	if (password == NULL)
		return TOO_SHORT[f];
	size_t len = strlen(password);
	if (len > PASSWORD_MAX)
		return TOO_LONG[f];
	if (!utf8_valid(password, len))
		return NOT_TEXT[f];
	if (!valid_password(password))
		return TOO_SHORT[f];
	/* The name part of the e-mail address stands for the user name pwquality looks for. */
	char user[128] = "";
	if (email) {
		size_t at = strcspn(email, "@");
		snprintf(user, sizeof user, "%.*s", (int)(at < sizeof user ? at : sizeof user - 1), email);
	}
	pthread_once(&once, settings_init);
	if (settings == NULL)
		return CANNOT_CHECK[f];
	void *aux = NULL;
	pthread_mutex_lock(&checking);
	int rc = pwquality_check(settings, password, current, *user ? user : NULL, &aux);
	pthread_mutex_unlock(&checking);
	if (rc >= 0)
		return NULL;
	const char *const *ours = from_pwquality(rc, rc == PWQ_ERROR_CRACKLIB_CHECK ? aux : NULL);
	if (ours == CANNOT_CHECK)
		log_error("cannot check passwords: cracklib's dictionary is missing (install cracklib-runtime)");
	return ours[f];
}
