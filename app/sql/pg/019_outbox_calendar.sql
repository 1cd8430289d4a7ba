-- A message's calendar file is written by the mailer when it hands the message over, from the
-- session as it is then, and kept in attachment; the request that queues the message only names the
-- session, so a booking does not pay for writing one (issue 12). Messages queued before this
-- migration keep the attachment written when they were queued.
ALTER TABLE outbox ADD COLUMN calendar_session bigint,
	ADD COLUMN calendar_status text CHECK (calendar_status IN ('confirmed', 'tentative', 'cancelled')),
	ADD COLUMN calendar_title text;
