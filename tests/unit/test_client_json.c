/*
 * client/json.c and client/jsonfmt.c: the grammar, the fields of an
 * object, strings unescaped, and the indented layout of stat.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/json.h"
#include "client/jsonfmt.h"
#include "common/limits.h"

static int
valid(const char *s)
{
	size_t	 pos = 0;

	if (json_skip((const uint8_t *)s, strlen(s), &pos) == -1)
		return 0;
	return pos == strlen(s);
}

static char *
indent(const char *s, int *r)
{
	char	*p;
	size_t	 len;
	FILE	*out;

	out = open_memstream(&p, &len);
	cr_assert(out != NULL);
	*r = jsonfmt_indent((const uint8_t *)s, strlen(s), out);
	fclose(out);
	return p;
}

static char *
unescape(const char *val)
{
	struct json_field f = { NULL, 0, (const uint8_t *)val, strlen(val) };
	char	*p;
	size_t	 len;
	FILE	*out;

	out = open_memstream(&p, &len);
	cr_assert(out != NULL);
	cr_assert_eq(json_string(&f, out), 0);
	fclose(out);
	return p;
}

Test(client_json, the_grammar_of_rfc_8259)
{
	const char *good[] = { "{}", "[]", "0", "-1.5e+3", "\"\\u00e9\\n\"",
	    "true", "null", "{\"a\":[1,{\"b\":false}],\"c\":\"d\"}",
	    " { \"a\" : 1 }" };
	const char *bad[] = { "", "{", "{\"a\"}", "{\"a\":}", "[1,]", "01",
	    "1.", "-", "\"\\x\"", "\"\\u12g4\"", "\"a", "tru", "{a:1}",
	    "[1 2]", "\"\x01\"" };
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_assert(valid(good[i]), "%s refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!valid(bad[i]), "%s taken", bad[i]);
}

Test(client_json, depth_is_bounded)
{
	char	 s[2 * CTL_JSON_DEPTH_MAX + 3];
	size_t	 d;

	for (d = CTL_JSON_DEPTH_MAX; d <= CTL_JSON_DEPTH_MAX + 1; d++) {
		memset(s, '[', d);
		memset(s + d, ']', d);
		s[2 * d] = '\0';
		cr_assert_eq(valid(s), d == CTL_JSON_DEPTH_MAX, "depth %zu", d);
	}
}

Test(client_json, fields_of_one_object)
{
	const char	*s =
	    "{\"err\":13,\"msg\":\"AUTH\",\"x\":{\"err\":1}}";
	struct json_obj	 o;
	int		 v;

	cr_assert_eq(json_object((const uint8_t *)s, strlen(s), &o), 0);
	cr_assert_eq(o.n, 3);
	cr_assert_eq(json_int(json_get(&o, "err"), &v), 0);
	cr_assert_eq(v, 13);
	cr_assert_eq(json_get(&o, "msg")->vallen, 6);
	cr_assert_null(json_get(&o, "er"));
	cr_assert_eq(json_int(json_get(&o, "msg"), &v), -1);
	cr_assert_eq(json_object((const uint8_t *)"[1]", 3, &o), -1);
	cr_assert_eq(json_object((const uint8_t *)"{}x", 3, &o), -1);
}

Test(client_json, strings_unescaped_to_utf8)
{
	cr_assert_str_eq(unescape("\"a\\\"b\\\\c\\/\\t\""), "a\"b\\c/\t");
	cr_assert_str_eq(unescape("\"\\u00e9\\u20ac\""),
	    "\xc3\xa9\xe2\x82\xac");
	/* A surrogate pair is one character; a lone one is U+FFFD. */
	cr_assert_str_eq(unescape("\"\\ud83d\\ude00\""), "\xf0\x9f\x98\x80");
	cr_assert_str_eq(unescape("\"\\ud83dx\""), "\xef\xbf\xbdx");
}

Test(client_json, indent_is_jq_layout)
{
	int	 r;
	char	*p;

	p = indent("{\"a\":[1,2],\"b\":{},\"c\":[],\"d\":\"x,y:{\"}", &r);

	cr_assert_eq(r, 0);
	cr_assert_str_eq(p, "{\n  \"a\": [\n    1,\n    2\n  ],\n"
	    "  \"b\": {},\n  \"c\": [],\n  \"d\": \"x,y:{\"\n}");
	free(p);
	p = indent("\"\\\"}\"", &r);
	cr_assert_eq(r, 0);
	cr_assert_str_eq(p, "\"\\\"}\"");
	free(p);
}

Test(client_json, indent_refuses_what_is_not_json)
{
	int	 r;
	char	*p = indent("{\"a\":1", &r);

	cr_assert_eq(r, -1);
	cr_assert_str_eq(p, "");
	free(p);
	p = indent("{} {}", &r);
	cr_assert_eq(r, -1);
	free(p);
}
