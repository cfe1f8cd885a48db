/* Network rule patterns of docs/commands.md section 3.3: worker/netaddr.c. */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "worker/netaddr.h"

/* Parse s and return the count; every entry is formatted into got[]. */
static int
parse_fmt(const char *s, char got[NETADDR_EXPAND_MAX][NETADDR_STRLEN])
{
	struct netaddr	out[NETADDR_EXPAND_MAX];
	int		n, i;

	n = netaddr_parse(s, strlen(s), out);
	for (i = 0; i < n; i++)
		cr_assert_eq(netaddr_format(&out[i], got[i]), strlen(got[i]));
	return n;
}

static void
expect_parse(const char *s, const char *const *want, int nwant)
{
	char	got[NETADDR_EXPAND_MAX][NETADDR_STRLEN];
	int	n, i;

	n = parse_fmt(s, got);
	cr_assert_eq(n, nwant, "netaddr_parse(\"%s\") = %d, want %d", s, n,
	    nwant);
	for (i = 0; i < n; i++)
		cr_expect_str_eq(got[i], want[i], "\"%s\" entry %d", s, i);
}

#define EXPECT(s, ...) do {						\
	static const char *const w_[] = { __VA_ARGS__ };		\
	expect_parse((s), w_, (int)(sizeof(w_) / sizeof(w_[0])));	\
} while (0)

Test(netaddr, aliases_expand_in_documented_order)
{
	EXPECT("any4!80", "0.0.0.0/0!80-80");
	EXPECT("any6!80", "::/0!80-80");
	EXPECT("any!80", "0.0.0.0/0!80-80", "::/0!80-80");
	EXPECT("loopback4!80", "127.0.0.0/8!80-80");
	EXPECT("loopback6!80", "::1/128!80-80");
	EXPECT("loopback!80", "127.0.0.0/8!80-80", "::1/128!80-80");
	EXPECT("linklocal4!80", "169.254.0.0/16!80-80");
	EXPECT("linklocal6!80", "fe80::/10!80-80");
	EXPECT("linklocal!80", "169.254.0.0/16!80-80", "fe80::/10!80-80");
	EXPECT("local4!80", "127.0.0.0/8!80-80", "10.0.0.0/8!80-80",
	    "172.16.0.0/12!80-80", "192.168.0.0/16!80-80");
	EXPECT("local6!80", "::1/128!80-80", "fe80::/10!80-80",
	    "fc00::/7!80-80");
	EXPECT("local!1-2", "127.0.0.0/8!1-2", "10.0.0.0/8!1-2",
	    "172.16.0.0/12!1-2", "192.168.0.0/16!1-2", "::1/128!1-2",
	    "fe80::/10!1-2", "fc00::/7!1-2");
}

Test(netaddr, local_is_the_largest_expansion)
{
	struct netaddr	out[NETADDR_EXPAND_MAX];

	cr_assert_eq(NETADDR_EXPAND_MAX, 7);
	cr_assert_eq(netaddr_parse("local!0", 7, out), NETADDR_EXPAND_MAX);
	cr_assert_eq(out[0].family, AF_INET);
	cr_assert_eq(out[3].family, AF_INET);
	cr_assert_eq(out[4].family, AF_INET6);
	cr_assert_eq(out[6].family, AF_INET6);
}

Test(netaddr, addresses_take_canonical_form)
{
	EXPECT("127.0.0.1!80", "127.0.0.1/32!80-80");
	EXPECT("::1!80", "::1/128!80-80");
	EXPECT("0:0:0:0:0:0:0:1!80", "::1/128!80-80");
	EXPECT("::0001!80", "::1/128!80-80");
	EXPECT("2001:0DB8:0000:0000:0000:0000:0000:0001!443",
	    "2001:db8::1/128!443-443");
	EXPECT("FE80::1/10!22", "fe80::/10!22-22");
	EXPECT("1:0:0:1:0:0:0:1!1", "1:0:0:1::1/128!1-1");
	EXPECT("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff!65535",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128!65535-65535");
}

Test(netaddr, ipv4_mapped_stays_ipv6)
{
	struct netaddr	out[NETADDR_EXPAND_MAX];

	EXPECT("::ffff:1.2.3.4!80", "::ffff:1.2.3.4/128!80-80");
	EXPECT("::ffff:1.2.3.4/96!80", "::ffff:0.0.0.0/96!80-80");
	cr_assert_eq(netaddr_parse("::ffff:1.2.3.4!80", 17, out), 1);
	cr_assert_eq(out[0].family, AF_INET6);
	cr_assert_eq(out[0].prefix, 128);
}

Test(netaddr, host_bits_are_cleared)
{
	static const uint8_t	want[16] = { 10 };
	struct netaddr		out[NETADDR_EXPAND_MAX];

	EXPECT("10.1.2.3/8!1024-65535", "10.0.0.0/8!1024-65535");
	cr_assert_eq(netaddr_parse("10.1.2.3/8!1024-65535", 21, out), 1);
	cr_assert_arr_eq(out[0].addr, want, 16);
	cr_assert_eq(out[0].port_lo, 1024);
	cr_assert_eq(out[0].port_hi, 65535);

	EXPECT("1.255.3.4/9!1", "1.128.0.0/9!1-1");
	EXPECT("255.255.255.255/31!1", "255.255.255.254/31!1-1");
	EXPECT("255.255.255.255/1!1", "128.0.0.0/1!1-1");
	EXPECT("febf:ffff::1/9!1", "fe80::/9!1-1");
	EXPECT("1:2:3:4:5:6:7:9/127!1", "1:2:3:4:5:6:7:8/127!1-1");
	EXPECT("1:2:3:4:5:6:7:ffff/113!1", "1:2:3:4:5:6:7:8000/113!1-1");
	EXPECT("fdff::1/7!1", "fc00::/7!1-1");
}

Test(netaddr, prefix_limits)
{
	EXPECT("1.2.3.4/0!1", "0.0.0.0/0!1-1");
	EXPECT("1.2.3.4/32!1", "1.2.3.4/32!1-1");
	EXPECT("::1/0!1", "::/0!1-1");
	EXPECT("::1/128!1", "::1/128!1-1");
	EXPECT("1::1/64!1", "1::/64!1-1");
}

Test(netaddr, port_limits)
{
	EXPECT("1.2.3.4!0", "1.2.3.4/32!0-0");
	EXPECT("1.2.3.4!65535", "1.2.3.4/32!65535-65535");
	EXPECT("1.2.3.4!0-65535", "1.2.3.4/32!0-65535");
	EXPECT("1.2.3.4!80-80", "1.2.3.4/32!80-80");
	EXPECT("1.2.3.4!65534-65535", "1.2.3.4/32!65534-65535");
}

static const char *const bad[] = {
	/* No port, or an empty one. */
	"127.0.0.1", "127.0.0.1!", "::1", "loopback", "any!", "!80", "",
	/* Ports out of range, reversed, or not plain decimal. */
	"127.0.0.1!65536", "127.0.0.1!70000", "127.0.0.1!99999",
	"127.0.0.1!100000", "127.0.0.1!0-65536", "127.0.0.1!90-80",
	"127.0.0.1!1-0", "127.0.0.1!-1", "127.0.0.1!+80", "127.0.0.1!080",
	"127.0.0.1!00", "127.0.0.1!0080", "127.0.0.1!80-080",
	"127.0.0.1!80-", "127.0.0.1!-80", "127.0.0.1!80-90-100",
	"127.0.0.1!80--90", "127.0.0.1!0x50", "127.0.0.1!8a",
	"127.0.0.1!80!80",
	/* Blanks anywhere. */
	" 127.0.0.1!80", "127.0.0.1 !80", "127.0.0.1! 80", "127.0.0.1!80 ",
	"127.0.0.1!8 0", "127.0.0.1!80\n", "127.0.0.1/ 8!80", "\t::1!80",
	/* Prefixes past the width or not plain decimal. */
	"127.0.0.1/33!80", "127.0.0.1/99!80", "::1/129!80", "::1/1280!80",
	"127.0.0.1/!80", "127.0.0.1/08!80", "127.0.0.1/00!80",
	"127.0.0.1/+8!80", "127.0.0.1/-8!80", "127.0.0.1/8/8!80",
	"127.0.0.1/0x8!80", "/8!80",
	/* Bad addresses. */
	"010.0.0.1!80", "10.0.0.01!80", "1.2.3!80", "1.2.3.256!80",
	"1.2.3.4.5!80", "0!80", "1:2:3:4:5:6:7:8:9!80", "::1:!80",
	":::1!80", "::00001!80", "fe80::1%eth0!80", "fe80::1%1!80",
	"[::1]!80", "::g!80", "1.2.3.4:80!80",
	"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1!80",
	/* Aliases are exact and lower case, and take no prefix. */
	"localhost!80", "LOOPBACK!80", "Any!80", "any/0!80", "local4/8!80",
	"any5!80", "loopback46!80", "@abstract!80", "/run/x.sock",
};

Test(netaddr, rejects_malformed_patterns)
{
	struct netaddr	out[NETADDR_EXPAND_MAX];
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_expect_eq(netaddr_parse(bad[i], strlen(bad[i]), out), -1,
		    "netaddr_parse(\"%s\") accepted", bad[i]);
		cr_expect_eq(errno, EINVAL, "\"%s\"", bad[i]);
	}
}

Test(netaddr, refused_parse_writes_nothing)
{
	struct netaddr	out[NETADDR_EXPAND_MAX], before[NETADDR_EXPAND_MAX];

	memset(out, 0xa5, sizeof(out));
	memcpy(before, out, sizeof(out));
	cr_assert_eq(netaddr_parse("local!90-80", 11, out), -1);
	cr_assert_eq(netaddr_parse("10.1.2.3/33!80", 14, out), -1);
	cr_assert_arr_eq(out, before, sizeof(out));
}

Test(netaddr, length_is_explicit)
{
	struct netaddr	out[NETADDR_EXPAND_MAX];
	char		got[NETADDR_STRLEN];

	/* Only the first len bytes count: the rest is not a port digit. */
	cr_assert_eq(netaddr_parse("1.2.3.4!80123", 10, out), 1);
	netaddr_format(&out[0], got);
	cr_assert_str_eq(got, "1.2.3.4/32!80-80");
	/* An embedded NUL is junk, not an end of string. */
	cr_assert_eq(netaddr_parse("1.2.3.4\0!80", 11, out), -1);
	cr_assert_eq(netaddr_parse("1.2.3.4!80\0", 11, out), -1);
	cr_assert_eq(netaddr_parse("1.2.3.4/8\0!80", 13, out), -1);
}

Test(netaddr, format_longest_fits)
{
	struct netaddr	a;
	char		buf[NETADDR_STRLEN];
	static const char want[] =
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128!65535-65535";

	memset(&a, 0xff, sizeof(a));
	a.family = AF_INET6;
	a.prefix = 128;
	cr_assert_eq(netaddr_format(&a, buf), strlen(want));
	cr_assert_str_eq(buf, want);
}

Test(netaddr, target_is_one_address_and_one_port)
{
	struct netaddr	t;
	static const uint8_t	v4[16] = { 127, 0, 0, 1 };
	static const uint8_t	v6[16] = { [15] = 1 };

	cr_assert_eq(netaddr_parse_target("127.0.0.1!80", 12, &t), 0);
	cr_assert_eq(t.family, AF_INET);
	cr_assert_eq(t.prefix, 32);
	cr_assert_eq(t.port_lo, 80);
	cr_assert_eq(t.port_hi, 80);
	cr_assert_arr_eq(t.addr, v4, 16);
	cr_assert_eq(netaddr_parse_target("::1!65535", 9, &t), 0);
	cr_assert_eq(t.family, AF_INET6);
	cr_assert_eq(t.prefix, 128);
	cr_assert_eq(t.port_lo, 65535);
	cr_assert_arr_eq(t.addr, v6, 16);
	cr_assert_eq(netaddr_parse_target("::ffff:1.2.3.4!0", 16, &t), 0);
	cr_assert_eq(t.family, AF_INET6);
	cr_assert_eq(t.port_lo, 0);
}

static const char *const bad_targets[] = {
	"127.0.0.1", "127.0.0.1!", "127.0.0.1/32!80", "::1/128!80",
	"loopback!80", "any4!80", "127.0.0.1!80-80", "127.0.0.1!80-81",
	"127.0.0.1!65536", "127.0.0.1!080", "127.0.0.1!+80", " ::1!80",
	"::1!80 ", "010.0.0.1!80", "!80", "",
};

Test(netaddr, target_rejects_prefix_alias_range_and_junk)
{
	struct netaddr	t;
	size_t		i;

	for (i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]); i++)
		cr_expect_eq(netaddr_parse_target(bad_targets[i],
		    strlen(bad_targets[i]), &t), -1,
		    "netaddr_parse_target(\"%s\") accepted", bad_targets[i]);
}

struct mcase {
	const char	*rule;
	const char	*target;
	bool		 match;
};

static const struct mcase mcases[] = {
	/* CIDR edges, IPv4. */
	{ "10.0.0.0/8!1024-65535",	"10.0.0.0!1024",	true },
	{ "10.0.0.0/8!1024-65535",	"10.255.255.255!65535",	true },
	{ "10.0.0.0/8!1024-65535",	"9.255.255.255!1024",	false },
	{ "10.0.0.0/8!1024-65535",	"11.0.0.0!1024",	false },
	{ "172.16.0.0/12!80",		"172.16.0.0!80",	true },
	{ "172.16.0.0/12!80",		"172.31.255.255!80",	true },
	{ "172.16.0.0/12!80",		"172.15.255.255!80",	false },
	{ "172.16.0.0/12!80",		"172.32.0.0!80",	false },
	{ "1.2.3.4/31!80",		"1.2.3.5!80",		true },
	{ "1.2.3.4/31!80",		"1.2.3.3!80",		false },
	{ "1.2.3.4/31!80",		"1.2.3.6!80",		false },
	{ "1.2.3.4!80",			"1.2.3.4!80",		true },
	{ "1.2.3.4!80",			"1.2.3.5!80",		false },
	{ "128.0.0.0/1!5",		"255.255.255.255!5",	true },
	{ "128.0.0.0/1!5",		"127.255.255.255!5",	false },
	{ "0.0.0.0/0!0-65535",		"0.0.0.0!0",		true },
	{ "0.0.0.0/0!0-65535",		"255.255.255.255!65535", true },
	/* CIDR edges, IPv6. */
	{ "fe80::/10!22",		"fe80::!22",		true },
	{ "fe80::/10!22",		"febf:ffff::1!22",	true },
	{ "fe80::/10!22",		"fec0::!22",		false },
	{ "fe80::/10!22",		"fe7f:ffff::!22",	false },
	{ "fc00::/7!1",			"fdff:ffff::1!1",	true },
	{ "fc00::/7!1",			"fe00::!1",		false },
	{ "fc00::/7!1",			"fbff::!1",		false },
	{ "::1/128!80",			"::1!80",		true },
	{ "::1/128!80",			"::!80",		false },
	{ "::1/128!80",			"::2!80",		false },
	{ "1::/127!1",			"1::1!1",		true },
	{ "1::/127!1",			"1::2!1",		false },
	{ "::/0!0-65535",		"ffff::!65535",		true },
	/* Port-range edges. */
	{ "1.2.3.4!1024-2048",		"1.2.3.4!1024",		true },
	{ "1.2.3.4!1024-2048",		"1.2.3.4!2048",		true },
	{ "1.2.3.4!1024-2048",		"1.2.3.4!1023",		false },
	{ "1.2.3.4!1024-2048",		"1.2.3.4!2049",		false },
	{ "1.2.3.4!0",			"1.2.3.4!0",		true },
	{ "1.2.3.4!0",			"1.2.3.4!1",		false },
	{ "1.2.3.4!65535",		"1.2.3.4!65535",	true },
	{ "1.2.3.4!65535",		"1.2.3.4!65534",	false },
	/* Families never mix, mapped addresses included. */
	{ "0.0.0.0/0!0-65535",		"::!0",			false },
	{ "::/0!0-65535",		"1.2.3.4!80",		false },
	{ "::/0!0-65535",		"::ffff:1.2.3.4!80",	true },
	{ "::ffff:0.0.0.0/96!80",	"1.2.3.4!80",		false },
	{ "::ffff:0.0.0.0/96!80",	"::ffff:1.2.3.4!80",	true },
	{ "1.2.3.4!80",			"::ffff:1.2.3.4!80",	false },
};

Test(netaddr, match_at_cidr_and_port_edges)
{
	struct netaddr	rule[NETADDR_EXPAND_MAX], t;
	size_t		i;

	for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		cr_assert_eq(netaddr_parse(mcases[i].rule,
		    strlen(mcases[i].rule), rule), 1, "%s", mcases[i].rule);
		cr_assert_eq(netaddr_parse_target(mcases[i].target,
		    strlen(mcases[i].target), &t), 0, "%s", mcases[i].target);
		cr_expect_eq(netaddr_match(&rule[0], &t), mcases[i].match,
		    "rule %s target %s: want %d", mcases[i].rule,
		    mcases[i].target, mcases[i].match);
	}
}

Test(netaddr, alias_entries_match_their_own_networks)
{
	struct netaddr	rule[NETADDR_EXPAND_MAX], t;
	int		n;

	n = netaddr_parse("local!53", 8, rule);
	cr_assert_eq(n, 7);
	cr_assert_eq(netaddr_parse_target("192.168.255.1!53", 16, &t), 0);
	cr_assert(!netaddr_match(&rule[2], &t));
	cr_assert(netaddr_match(&rule[3], &t));
	cr_assert_eq(netaddr_parse_target("fd00::1!53", 10, &t), 0);
	cr_assert(netaddr_match(&rule[6], &t));
	cr_assert(!netaddr_match(&rule[5], &t));
	cr_assert_eq(netaddr_parse_target("fd00::1!54", 10, &t), 0);
	cr_assert(!netaddr_match(&rule[6], &t));
}
