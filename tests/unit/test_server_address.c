/* test_server_address.c — serve --socket: the addresses libfcgi listens on over TCP (HOST:PORT and
 * :PORT, for nginx on another machine), which need FCGI_WEB_SERVER_ADDRS; the paths of Unix sockets,
 * whose file the server clears away; and those refused, with a colon but no port after it, which
 * libfcgi would read by rules of its own (port 65536 as TCP on a port the system picks). */
#include "helpers.h"

#include "server.h"

static void test_address_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *address;
		enum server_address kind;
	} cases[] = {
		{"10.0.0.11:9000", SERVER_TCP},
		{":9000", SERVER_TCP}, /* every address of the machine */
		{"lantern-2.internal:65535", SERVER_TCP},
		{"/run/lantern/lantern.sock", SERVER_UNIX},
		{"lantern.sock", SERVER_UNIX},
		{"10.0.0.11:0", SERVER_BAD_ADDRESS},
		{"10.0.0.11:65536", SERVER_BAD_ADDRESS},
		{"10.0.0.11:90x", SERVER_BAD_ADDRESS},
		{"10.0.0.11:", SERVER_BAD_ADDRESS},
		{"/srv/a:b/lantern.sock", SERVER_BAD_ADDRESS},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_int_equal(server_address_kind(cases[i].address), cases[i].kind);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
