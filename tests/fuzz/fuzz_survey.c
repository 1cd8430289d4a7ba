/* fuzz_survey.c — libFuzzer target: the pupil survey's answer decoder (survey_answers_from) on a form
 * or JSON body as POST /s/{code} receives it, with the property that a response it accepts holds
 * only answers the instrument offers. The first byte picks form or JSON; the rest is the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "survey.h"
#include "survey_instrument.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > REQ_MAX_BODY)
		return 0;
	char *body = xmalloc(size);
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	struct req_raw raw = {.method = "POST", .path = "/s/abcdefgh", .body = body, .body_len = size - 1,
			      .content_type = data[0] & 1 ? "application/json" : "application/x-www-form-urlencoded"};
	struct req r = {.arena = arena_new()};
	const char *why;
	if (req_parse(&r, &raw, &why) == 0) {
		struct survey_answers ans;
		struct form_errors fe = {0};
		survey_answers_from(&r, &ans, &fe);
		if (fe.n == 0) {
			for (int i = 0; i < SURVEY_STATEMENTS; i++)
				if (ans.q[i] < 1 || ans.q[i] > SURVEY_SCALE)
					abort();
			for (int i = 0; i < SURVEY_SCENARIOS; i++) {
				bool offered = false;
				for (int k = 0; k < SURVEY_ANSWERS; k++)
					offered |= ans.s[i] == survey_instrument.answers[k].value;
				if (!offered)
					abort();
			}
			survey_good_understanding(&ans);
		}
	}
	req_free(&r);
	arena_free(r.arena);
	free(body);
	return 0;
}
