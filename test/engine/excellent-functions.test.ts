import { describe, expect, it } from "vitest";
import { defaultEnvironment, evaluateTemplate, evaluateTemplateValue, fromJSON, isError, type Environment, type XObject } from "../../durable/engine/excellent";

// goflow's documentation environment: now is 2018-04-11T18:24:30.123456Z
const env: Environment = {
  ...defaultEnvironment(() => 1523471070123456000n),
  timezone: "America/Guayaquil",
  date_format: "DD-MM-YYYY",
  time_format: "tt:mm",
};
const context = fromJSON({
  contact: {
    __default__: "Ryan Lewis",
    name: "Ryan Lewis",
    language: "eng",
    groups: [{ uuid: "b7cf0d83-f1c9-411c-96fd-c511a4cfa86d", name: "Testers" }],
    urns: ["tel:+12065551212", "twitterid:54784326227#nyaruka"],
  },
  urns: { tel: "tel:+12065551212", mailto: "mailto:foo@bar.com", viber: null },
}) as XObject;

function check(rows: [string, string][], environment: Environment = env) {
  for (const [template, expected] of rows) {
    const { value, errors } = evaluateTemplateValue(template, context, environment);
    if (expected === "ERROR") {
      expect(isError(value), template).toBe(true);
    } else {
      const { output } = evaluateTemplate(template, context, environment);
      expect({ template, output, errors }).toEqual({ template, output: expected, errors: [] });
    }
  }
}

describe("Excellent text functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(char(33))", "!"],
      ["@(char(128512))", "😀"],
      ["@(field(\"a,b,c\", 1, \",\"))", "b"],
      ["@(field(\"a, b, c\", 2, \",\"))", "c"],
      ["@(field(\"a,b,c\", 5, \",\"))", ""],
      ["@(field(\"a,b,c\", -1, \",\"))", "ERROR"],
      ["@(text_slice(\"hello\", -3, -1))", "ll"],
      ["@(trim(\"**hello world**\", \"*\"))", "hello world"],
      ["@(word_count(\"bee cat dog\"))", "3"],
      ["@(percent(0.54234))", "54%"],
      ["@(replace(\"hello\", \"\", \"-\"))", "-h-e-l-l-o-"],
      ["@(split(\"a,b,c\", \",\"))", "[a, b, c]"],
      ["@(url_encode(\"a(b)!*'~\"))", "a%28b%29%21%2A%27~"],
      ["@(html_decode(\"&lt;b&gt; &#39;hi&#x27; &eacute;x\"))", "<b> 'hi' &eacute;x"],
      ["@(read_chars(\"abcdef\"))", "a b c , d e f"],
      ["@(read_chars(\"+12345\"))", "1 2 3 4 5".replaceAll(" ", " , ")],
      ["@(format_location(\"Rwanda > Kigali City\"))", "Kigali City"],
      ["@(repeat(\"*\", -1))", "ERROR"],
      ["@(word(\"bee cat dog\", 3))", "ERROR"],
    ]));
});

describe("Excellent regex_match", () => {
  it("reads RE2 syntax and runs in linear time", () =>
    check([
      ['@(regex_match("sirius black", "(\\w+) (\\w+)", 2))', "black"],
      ['@(regex_match("Order 1234", "(?i)order (?P<num>\\d+)", 1))', "1234"],
      ['@(regex_match("abc", "(?i)B"))', "b"],
      ['@(regex_match("abc", "x"))', ""],
      [`@(regex_match("${"a".repeat(3000)}!", "(a+)+$"))`, ""],
      ['@(regex_match("aa", "(a)\\1"))', "ERROR"],
      ['@(regex_match("ab", "a(?=b)"))', "ERROR"],
      ['@(regex_match("ab", "[a"))', "ERROR"],
    ]));
});

describe("Excellent number functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(number(10))", "10"],
      ["@(number(\"123.45000\"))", "123.45"],
      ["@(number(\"what?\"))", "ERROR"],
      ["@(max(1, 2))", "2"],
      ["@(max(1, -1, 10))", "10"],
      ["@(round(12.141, 2))", "12.14"],
      ["@(round(12.146, 2))", "12.15"],
      ["@(round(1234.5, -2))", "1200"],
      ["@(round_up(12))", "12"],
      ["@(round_up(12.141))", "13"],
      ["@(format_number(1234.5678, 0, false))", "1235"],
      ["@(format_number(1234, 2))", "1,234.00"],
      ["@(0.1 + 0.2)", "0.3"],
      ["@(mod(5, 0))", "ERROR"],
    ]));

  it("format and read numbers in the environment's number format", () => {
    const european: Environment = { ...env, number_format: { decimal_symbol: ",", digit_grouping_symbol: "." } };
    check(
      [
        ["@(format_number(1234567.891))", "1.234.567,891"],
        ["@(format(1234.5))", "1.234,5"],
        ["@(number(\"1.234,5\") * 2)", "2469"],
        ["@(has_number(\"il y a 1.234,5 euros\").match)", "1234.5"],
        ["@(1234.5)", "1234.5"],
      ],
      european,
    );
  });
});

describe("Excellent date functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(replace_time(now(), \"10:30\"))", "2018-04-11T10:30:00.000000-05:00"],
      ["@(replace_time(\"2017-01-15\", \"10:30\"))", "2017-01-15T10:30:00.000000-05:00"],
      ["@(replace_time(\"foo\", \"10:30\"))", "ERROR"],
      ["@(datetime_add(\"2017-01-15\", -2, \"M\"))", "2016-11-15T00:00:00.000000-05:00"],
      ["@(datetime_add(\"2017-01-15 10:45\", 2, \"h\"))", "2017-01-15T12:45:00.000000-05:00"],
      ["@(datetime_add(\"2017-01-15\", 1, \"X\"))", "ERROR"],
      ["@(format_date(\"1979-07-18T15:00:00.000000Z\", \"EEE, MMM D, YYYY\"))", "Wed, Jul 18, 1979"],
      ["@(format_datetime(\"1979-07-18T15:00:00.000000Z\", \"YYYY-MM-DD tt:mm\", \"Africa/Kigali\"))", "1979-07-18 17:00"],
      ["@(legacy_add(today(), \"1\"))", "2018-04-12T00:00:00.000000-05:00"],
      ["@(legacy_add(today(), \"5\"))", "2018-04-16T00:00:00.000000-05:00"],
      ["@(legacy_add(\"2018-04-15\", \"-5\"))", "2018-04-10T00:00:00.000000-05:00"],
      ["@(legacy_add(\"2018-04-15\", \"foo\"))", "ERROR"],
      ["@(legacy_add(1, 2))", "3"],
      ["@(weekday(today()))", "3"],
      ["@(json(now()))", "\"2018-04-11T13:24:30.123456-05:00\""],
      ["@(json(time_from_parts(1, 2, 3)))", "\"01:02:03.000000\""],
    ]));
});

describe("Excellent array, object and JSON functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(extract(contact, \"name\"))", "Ryan Lewis"],
      ["@(extract(contact.groups[0], \"name\"))", "Testers"],
      ["@(extract_object(contact.groups[0], \"name\"))", "{name: Testers}"],
      ["@(extract_object(contact, \"name\", \"language\"))", "{language: eng, name: Ryan Lewis}"],
      ["@(extract(\"text\", \"name\"))", "ERROR"],
      ["@(foreach_value(object(\"a\", 1, \"b\", 2), (v) => v * 10))", "{a: 10, b: 20}"],
      ["@(filter(array(1, 2, 3, 4), (x) => x > 2))", "[3, 4]"],
      ["@(sort(array(1, \"a\")))", "ERROR"],
      ["@(contains(array(\"a\", 2), 2))", "true"],
      ["@(count(object(\"a\", 1)))", "1"],
      ["@(count(\"abc\"))", "ERROR"],
      ["@(parse_json(\"{\\\"n\\\": 1234567890.12345678901234567890}\").n)", "1234567890.1234567890123456789"],
      ["@(json(parse_json(\"[1, {\\\"b\\\": true, \\\"a\\\": null}]\")))", "[1,{\"a\":null,\"b\":true}]"],
      ["@(json(\"a\\nb\"))", "\"a\\nb\""],
      ["@(json(contact.groups[0]))", "{\"name\":\"Testers\",\"uuid\":\"b7cf0d83-f1c9-411c-96fd-c511a4cfa86d\"}"],
    ]));
});

describe("Excellent URN functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(urn_parts(\"tel:+593979012345\"))", "{display: , path: +593979012345, scheme: tel}"],
      ["@(urn_parts(\"twitterid:3263621177#bobby\"))", "{display: bobby, path: 3263621177, scheme: twitterid}"],
      ["@(urn_parts(\"not a urn\"))", "ERROR"],
      ["@(format_urn(\"tel:+250781234567\"))", "0781 234 567"],
      ["@(format_urn(contact.urns))", "(206) 555-1212"],
      ["@(format_urn(urns.tel))", "(206) 555-1212"],
      ["@(format_urn(urns.mailto))", "foo@bar.com"],
      ["@(format_urn(urns.viber))", ""],
      ["@(format_urn(contact.urns[1]))", "nyaruka"],
    ]));
});

describe("Excellent misc functions", () => {
  it("follow goflow's documented examples", () =>
    check([
      ["@(if(true, \"yes\", \"no\"))", "yes"],
      ["@(if(false, \"yes\", \"no\"))", "no"],
      ["@(if(1 / 0, \"yes\", \"no\"))", "ERROR"],
      ["@(default(undeclared.var, \"default_value\"))", "default_value"],
      ["@(default(\"\", \"value\"))", "value"],
      ["@(is_error(undeclared))", "true"],
      ["@(attachment_parts(\"https://example.com/test.jpg\"))", "{content_type: , url: https://example.com/test.jpg}"],
      ["@(boolean(\"\"))", "false"],
      ["@(format(array(1234, today())))", "1,234, 11-04-2018"],
      ["@(upper())", "ERROR"],
      ["@(nope(1))", "ERROR"],
    ]));
});
