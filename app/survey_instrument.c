/* survey_instrument.c — the words of the pupil survey, in one place, written for pupils from Year 7
 * (aged 11–12): short sentences, everyday words, no jargon. Change the survey here; the pages,
 * the scoring and the results all read this table. Changing a scenario's right answer changes how
 * new responses are scored, so do it only between survey rounds. */
#include "survey_instrument.h"

const struct survey_instrument survey_instrument = {
	.title = "What do you think about relationships?",
	.intro = "This is not a test and there are no wrong feelings. We do not ask your name, so nobody can tell "
		 "which answers are yours. Answer on your own and be honest. It takes about 5 minutes.",

	.statements_heading = "Part 1: How much do you agree?",
	.statements_hint = "Choose one answer for each sentence.",
	.statements = {
		{"q1", "identify risky situations",
		 "I can tell when something in a relationship is not OK, like someone controlling me or putting "
		 "pressure on me, online or face to face."},
		{"q2", "identify signs of safety",
		 "I know what a healthy relationship looks like: people respect each other, trust each other and "
		 "can say no."},
		{"q3", "develop positive peer networks",
		 "I have friends I can count on, and I would stick up for a friend who was being treated badly."},
		{"q4", "seek support from professionals",
		 "I know which adults I could go to for help if I, or a friend, was worried about a relationship."},
	},
	.scale = {
		{"1", "Strongly disagree"},
		{"2", "Disagree"},
		{"3", "Not sure"},
		{"4", "Agree"},
		{"5", "Strongly agree"},
	},

	.scenarios_heading = "Part 2: Healthy or unhealthy?",
	.scenarios_hint = "Read each short story. Is it a healthy or an unhealthy relationship?",
	.scenarios = {
		{"s1", "checking a phone and demanding replies",
		 "Mia's boyfriend checks her phone every day. He gets angry if she does not answer his messages "
		 "straight away.",
		 "unhealthy"},
		{"s2", "disagreeing with respect",
		 "Josh and Amir have been going out for a month. When they disagree, they talk it through. They "
		 "both still spend time with their own friends.",
		 "healthy"},
		{"s3", "cutting someone off from friends",
		 "Ellie's girlfriend tells her to stop seeing her friends. She says, \"If you really loved me, you "
		 "would only want to be with me.\"",
		 "unhealthy"},
		{"s4", "respecting a no",
		 "Sam tells their partner they do not want to send photos. Their partner says that is fine and "
		 "does not ask again.",
		 "healthy"},
	},
	.answers = {
		{"healthy", "Healthy"},
		{"unhealthy", "Unhealthy"},
		{"not-sure", "Not sure"},
	},

	.submit = "Send my answers",
	.thanks_heading = "Thank you",
	.thanks = "Your answers have been sent. You can close this page now.",

	.help_heading = "If anything here worries you",
	.help = {
		{"Talk to an adult you trust, like a teacher, your school's safeguarding lead, a parent or carer.",
		 NULL, NULL, NULL},
		{"Call Childline free on ", "0800 1111", "08001111",
		 ", any time, day or night. It will not show on a phone bill. You can also talk to them online at "
		 "childline.org.uk."},
		{"If you or someone else is in danger right now, call ", "999", "999", "."},
	},
};
