//! The OData ABNF test cases (`odata-abnf-testcases.yaml` of the OASIS OData TC, kept in
//! `shared/odata-abnf/`) run against this parser (`docs/semantics.md` §1).
//!
//! Every case whose rule belongs to the `$filter` language is applicable: the expression rules
//! (`commonExpr`, `boolCommonExpr`, `filter`, `firstMemberExpr`, …), the literal rules (`*Literal`,
//! `primitiveLiteral`, `boolean`, `date`, `guid`, geo literals) and the bare value rules (`*Value`,
//! `primitiveValue`). Rules of other URL parts (resource paths, `$expand`, headers, context URLs…)
//! are not. Each applicable rule is mapped onto `parse_filter`:
//! - expression and literal rules are URL syntax: the input is percent-decoded, parsed, and the result
//!   must be of the rule's kind (`isofExpr` gives an `isof` call, `date` a Date literal, …);
//! - value rules are payload syntax, never percent-encoded: the raw text is wrapped into the literal form
//!   that is exactly equivalent (`P1D` → `duration'P1D'`, `Yellow` → `T.T'Yellow'`) and parsed;
//! - `filter` is `( "$filter" / "filter" ) "=" boolCommonExpr`: the option name is checked here and the
//!   value parsed.
//!
//! A positive case passes when it parses to the expected kind, a negative one when it is rejected. For
//! rejected negative cases the error offset is compared with `FailAt` (mapped back through decoding and
//! wrapping; a parse of the wrong kind counts as offset 0) and the matches are reported, not asserted.
//! Cases may be skipped only through `tests/data/abnf_skip.txt`, one reason per entry. With
//! `ABNF_VERBOSE=1` the negative cases rejected at another offset than `FailAt` are listed too.
//!
//! The case file is found through `ODATA_ABNF_DIR` or `../shared/odata-abnf/` from the crate root; when it
//! is absent the test says so and passes, unless `ODATA_REQUIRE_SHARED` is set (as in CI).

use std::io::Write as _;
use std::path::PathBuf;

use odata_filter::ast::{ExprKind, Function, LambdaKind, Literal, PathRoot, SegmentKind, UnaryOp};
use odata_filter::{parse_filter, Expr};
use yaml_rust2::parser::{Event, Parser};

const CASES_FILE: &str = "odata-abnf-testcases.yaml";
const SKIP_FILE: &str = "tests/data/abnf_skip.txt";
/// Share of applicable (not skipped) cases that must pass.
const REQUIRED_PASS_RATE: f64 = 0.95;

// ---------------------------------------------------------------------------------------------------
// Loading: YAML events into a tree of strings (no scalar is typed: `0000-01-01`, `0123` stay text).

#[derive(Debug)]
enum Node {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

fn load_yaml(text: &str) -> Node {
    struct Events(Vec<Event>);
    impl yaml_rust2::parser::EventReceiver for Events {
        fn on_event(&mut self, ev: Event) {
            self.0.push(ev);
        }
    }
    let mut events = Events(Vec::new());
    Parser::new_from_str(text)
        .load(&mut events, false)
        .unwrap_or_else(|e| panic!("{CASES_FILE} is not valid YAML: {e}"));
    let mut iter = events.0.into_iter().filter(|e| {
        !matches!(
            e,
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd
        )
    });
    node(&mut iter, None).expect("a YAML document")
}

fn node(events: &mut impl Iterator<Item = Event>, first: Option<Event>) -> Option<Node> {
    let ev = first.or_else(|| events.next())?;
    Some(match ev {
        Event::Scalar(s, ..) => Node::Scalar(s),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                match events.next()? {
                    Event::SequenceEnd => break,
                    e => items.push(node(events, Some(e))?),
                }
            }
            Node::Seq(items)
        }
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                match events.next()? {
                    Event::MappingEnd => break,
                    Event::Scalar(k, ..) => entries.push((k, node(events, None)?)),
                    other => panic!("unsupported YAML mapping key {other:?}"),
                }
            }
            Node::Map(entries)
        }
        other => panic!("unsupported YAML event {other:?}"),
    })
}

// ---------------------------------------------------------------------------------------------------
// Percent-decoding that remembers where each decoded byte came from.

/// The decoded text and, for each of its bytes, the offset of its source in the encoded text.
fn percent_decode(input: &str) -> Option<(String, Vec<usize>)> {
    let bytes = input.as_bytes();
    let (mut out, mut origin) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                origin.push(i);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        origin.push(i);
        i += 1;
    }
    String::from_utf8(out).ok().map(|s| (s, origin))
}

// ---------------------------------------------------------------------------------------------------
// Rules and how each one is checked.

/// What a parse must produce for a rule.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Any expression.
    Expr,
    /// A member path or an in-scope variable (`$it`, an alias).
    Member,
    /// A member path.
    Path,
    /// An `isof` call.
    IsOf,
    /// A `not` expression.
    Not,
    /// A path ending in `any`.
    Any,
    /// A single identifier (checked as the only segment after `$it/`).
    Identifier,
    /// Any literal.
    AnyLiteral,
    /// `true` or `false` in lower case (`booleanValue` is case-sensitive, the `boolean` literal is not).
    LowerCaseBoolean,
    /// A literal accepted by the predicate.
    Lit(fn(&Literal) -> bool),
    /// A JSON array with one string.
    JsonString,
}

/// How a rule's input reaches the parser.
#[derive(Clone, Copy, Debug)]
struct Check {
    /// URL syntax: percent-decode first. Payload (`*Value`) syntax is never encoded.
    decode: bool,
    /// Text put before and after the input to make the equivalent `$filter` expression.
    wrap: (&'static str, &'static str),
    /// What the parse must produce.
    kind: Kind,
}

const fn url(kind: Kind) -> Check {
    Check {
        decode: true,
        wrap: ("", ""),
        kind,
    }
}

const fn value(wrap: (&'static str, &'static str), kind: Kind) -> Check {
    Check {
        decode: false,
        wrap,
        kind,
    }
}

fn is_number(l: &Literal) -> bool {
    matches!(
        l,
        Literal::Int(_) | Literal::Decimal(_) | Literal::Double(_)
    )
}

fn is_int(l: &Literal) -> bool {
    matches!(l, Literal::Int(_))
}

/// The checks of a rule (several for a rule with alternatives), or `None` when the rule is not part of
/// the `$filter` language. ABNF rule names are case-insensitive.
fn checks_for(rule: &str) -> Option<Vec<Check>> {
    use Kind::*;
    let lit = |f: fn(&Literal) -> bool| url(Lit(f));
    let rule = rule.to_ascii_lowercase();
    let one = |c: Check| Some(vec![c]);
    match rule.as_str() {
        "commonexpr" | "boolcommonexpr" => one(url(Expr)),
        "firstmemberexpr" => one(url(Member)),
        "propertypathexpr" => one(url(Path)),
        "isofexpr" => one(url(IsOf)),
        "notexpr" => one(url(Not)),
        "anyexpr" => one(Check {
            decode: true,
            wrap: ("$it/", ""),
            kind: Any,
        }),
        "odataidentifier" | "entitysetname" => one(value(("$it/", ""), Identifier)),
        "primitiveliteral" => one(url(AnyLiteral)),
        "null" => one(lit(|l| matches!(l, Literal::Null))),
        "boolean" => one(lit(|l| matches!(l, Literal::Boolean(_)))),
        "guid" => one(lit(|l| matches!(l, Literal::Guid(_)))),
        "date" => one(lit(|l| matches!(l, Literal::Date(_)))),
        "datetimeoffsetliteral" | "datetimeoffsetvalueinurl" => {
            one(lit(|l| matches!(l, Literal::DateTimeOffset(_))))
        }
        "timeofdayliteral" => one(lit(|l| matches!(l, Literal::TimeOfDay(_)))),
        "decimalliteral" | "doubleliteral" | "singleliteral" => one(lit(is_number)),
        "sbyteliteral" | "int16literal" | "int32literal" | "int64literal" | "byte" => {
            one(lit(is_int))
        }
        "stringliteral" => one(lit(|l| matches!(l, Literal::String(_)))),
        "binaryliteral" => one(lit(|l| matches!(l, Literal::Binary(_)))),
        // `[ "duration" ] SQUOTE durationValue SQUOTE`: the prefix-less form gets the prefix.
        "durationliteral" => one(lit(|l| matches!(l, Literal::Duration(_)))),
        // `[ qualifiedEnumTypeName ] SQUOTE …`: the prefix-less form gets a type name.
        "enumliteral" => one(lit(|l| matches!(l, Literal::Enum { .. }))),
        r if r.starts_with("geography") || r.starts_with("geometry") => {
            one(lit(|l| matches!(l, Literal::Geo { .. })))
        }
        "stringinurl" => one(Check {
            decode: true,
            wrap: ("[", "]"),
            kind: JsonString,
        }),
        "booleanvalue" => one(value(("", ""), LowerCaseBoolean)),
        "guidvalue" => one(value(("", ""), Lit(|l| matches!(l, Literal::Guid(_))))),
        "datevalue" => one(value(("", ""), Lit(|l| matches!(l, Literal::Date(_))))),
        "datetimeoffsetvalue" => one(value(
            ("", ""),
            Lit(|l| matches!(l, Literal::DateTimeOffset(_))),
        )),
        "timeofdayvalue" => one(value(("", ""), Lit(|l| matches!(l, Literal::TimeOfDay(_))))),
        "decimalvalue" | "doublevalue" | "singlevalue" => one(value(("", ""), Lit(is_number))),
        "bytevalue" | "sbytevalue" | "int16value" | "int32value" | "int64value" => {
            one(value(("", ""), Lit(is_int)))
        }
        "durationvalue" => one(value(
            ("duration'", "'"),
            Lit(|l| matches!(l, Literal::Duration(_))),
        )),
        "enumvalue" => one(value(
            ("T.T'", "'"),
            Lit(|l| matches!(l, Literal::Enum { .. })),
        )),
        "binaryvalue" => one(value(
            ("binary'", "'"),
            Lit(|l| matches!(l, Literal::Binary(_))),
        )),
        "primitivevalue" => Some(
            [
                "booleanvalue",
                "guidvalue",
                "durationvalue",
                "datetimeoffsetvalue",
                "datevalue",
                "timeofdayvalue",
                "enumvalue",
                "decimalvalue",
                "binaryvalue",
            ]
            .iter()
            .flat_map(|r| checks_for(r).expect("value rule"))
            .chain([value(
                ("geography'", "'"),
                Lit(|l| matches!(l, Literal::Geo { .. })),
            )])
            .collect(),
        ),
        _ => None,
    }
}

fn matches_kind(e: &Expr, kind: Kind, text: &str) -> bool {
    match (kind, &e.kind) {
        (Kind::LowerCaseBoolean, ExprKind::Literal(Literal::Boolean(_))) => {
            matches!(&text[e.span.range()], "true" | "false")
        }
        (Kind::Expr, _) => true,
        (Kind::Member, ExprKind::Path(_) | ExprKind::Alias(_)) => true,
        (Kind::Path, ExprKind::Path(_)) => true,
        (
            Kind::IsOf,
            ExprKind::Call {
                function: Function::IsOf,
                ..
            },
        ) => true,
        (
            Kind::Not,
            ExprKind::Unary {
                op: UnaryOp::Not, ..
            },
        ) => true,
        (Kind::Any, ExprKind::Path(p)) => {
            p.root == PathRoot::It
                && p.segments.is_empty()
                && p.lambda.as_ref().is_some_and(|l| l.kind == LambdaKind::Any)
        }
        (Kind::Identifier, ExprKind::Path(p)) => {
            p.root == PathRoot::It
                && p.lambda.is_none()
                && matches!(p.segments.as_slice(), [s] if matches!(s.kind, SegmentKind::Property(_)))
        }
        (Kind::AnyLiteral, ExprKind::Literal(_)) => true,
        (Kind::Lit(f), ExprKind::Literal(l)) => f(l),
        (Kind::JsonString, ExprKind::Array(items)) => matches!(
            items.as_slice(),
            [Expr {
                kind: ExprKind::Literal(Literal::String(_)),
                ..
            }]
        ),
        _ => false,
    }
}

/// Runs one check: `Ok(())` when the input is accepted as the rule, else the offset (in the original
/// input) where it was rejected.
fn run_check(rule: &str, input: &str, check: Check) -> Result<(), usize> {
    let (text, origin) = if check.decode {
        match percent_decode(input) {
            Some(d) => d,
            None => return Err(0),
        }
    } else {
        (input.to_string(), (0..input.len()).collect())
    };
    let (prefix, suffix) = check.wrap;
    // The prefix-less forms of `durationLiteral` and `enumLiteral` get their (optional) prefix.
    let prefix = match rule.to_ascii_lowercase().as_str() {
        "durationliteral" if text.starts_with('\'') => "duration",
        "enumliteral" if text.starts_with('\'') => "T.T",
        _ => prefix,
    };
    let wrapped = format!("{prefix}{text}{suffix}");
    let to_input = |offset: usize| -> usize {
        let inner = offset.saturating_sub(prefix.len()).min(text.len());
        origin.get(inner).copied().unwrap_or(input.len())
    };
    match parse_filter(&wrapped) {
        Ok(e) if matches_kind(&e, check.kind, &wrapped) => Ok(()),
        Ok(_) => Err(0),
        Err(err) => Err(to_input(err.span().start)),
    }
}

/// The `filter` rule: `( "$filter" / "filter" ) "=" boolCommonExpr`, option name case-insensitive.
fn run_filter(input: &str) -> Result<(), usize> {
    let name_len = input
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '$'))
        .unwrap_or(input.len());
    let name = &input[..name_len];
    if !(name.eq_ignore_ascii_case("$filter") || name.eq_ignore_ascii_case("filter")) {
        return Err(0);
    }
    if input.as_bytes().get(name_len) != Some(&b'=') {
        return Err(name_len);
    }
    let value = &input[name_len + 1..];
    run_check("boolCommonExpr", value, url(Kind::Expr)).map_err(|off| off + name_len + 1)
}

// ---------------------------------------------------------------------------------------------------
// The skip list

struct Skip {
    rule: String,
    input: String,
    used: bool,
}

/// `rule input -- reason` per line; `#` starts a comment line.
fn load_skips() -> Vec<Skip> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SKIP_FILE);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (case, reason) = line
                .rsplit_once(" -- ")
                .unwrap_or_else(|| panic!("{SKIP_FILE}: no ' -- reason' in {line:?}"));
            assert!(
                !reason.trim().is_empty(),
                "{SKIP_FILE}: empty reason in {line:?}"
            );
            let (rule, input) = case
                .split_once(' ')
                .unwrap_or_else(|| panic!("{SKIP_FILE}: no input in {line:?}"));
            Skip {
                rule: rule.to_string(),
                input: input.to_string(),
                used: false,
            }
        })
        .collect()
}

fn cases_path() -> PathBuf {
    match std::env::var_os("ODATA_ABNF_DIR") {
        Some(dir) => PathBuf::from(dir).join(CASES_FILE),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/odata-abnf")
            .join(CASES_FILE),
    }
}

/// Printed past the test harness's capture, so that `cargo test` always shows the figures.
fn report(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

#[test]
fn abnf_test_cases() {
    let path = cases_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        // CI sets ODATA_REQUIRE_SHARED: there the case file must be found.
        assert!(
            std::env::var_os("ODATA_REQUIRE_SHARED").is_none(),
            "{} not found and ODATA_REQUIRE_SHARED is set",
            path.display()
        );
        report(&format!(
            "abnf_conformance skipped: {} not found (set ODATA_ABNF_DIR)\n",
            path.display()
        ));
        return;
    };
    let doc = load_yaml(&text);
    let Some(Node::Seq(cases)) = doc.get("TestCases") else {
        panic!("{CASES_FILE} has no TestCases list");
    };
    let mut skips = load_skips();

    let (mut applicable, mut passed, mut skipped, mut not_applicable) = (0, 0, 0, 0);
    let (mut negatives_rejected, mut fail_at_matches) = (0, 0);
    let mut failures = Vec::new();
    let mut mismatches = Vec::new();
    for case in cases {
        let (Some(rule), Some(input)) = (case.str("Rule"), case.str("Input")) else {
            continue;
        };
        let name = case.str("Name").unwrap_or("");
        let fail_at: Option<usize> = case
            .str("FailAt")
            .map(|s| s.parse().expect("FailAt is a number"));
        let is_filter = rule.eq_ignore_ascii_case("filter");
        let checks = if is_filter {
            Some(Vec::new())
        } else {
            checks_for(rule)
        };
        let Some(checks) = checks else {
            not_applicable += 1;
            continue;
        };
        if let Some(skip) = skips
            .iter_mut()
            .find(|s| s.rule == rule && s.input == input)
        {
            skip.used = true;
            skipped += 1;
            continue;
        }
        applicable += 1;
        let outcome = if is_filter {
            run_filter(input)
        } else {
            // The rule matches when one of its alternatives does; the furthest rejection is reported.
            checks
                .iter()
                .try_fold(0, |furthest, c| match run_check(rule, input, *c) {
                    Ok(()) => Err(()),
                    Err(at) => Ok(furthest.max(at)),
                })
                .map_or(Ok(()), Err)
        };
        let ok = match (fail_at, outcome) {
            (None, Ok(())) => true,
            (Some(_), Ok(())) => false,
            (None, Err(_)) => false,
            (Some(expected), Err(at)) => {
                negatives_rejected += 1;
                if expected == at {
                    fail_at_matches += 1;
                } else {
                    mismatches.push(format!(
                        "  {rule}: {input:?}: FailAt {expected}, rejected at {at}"
                    ));
                }
                true
            }
        };
        if ok {
            passed += 1;
        } else {
            let expectation = match fail_at {
                Some(at) => format!("should fail at {at}, was accepted"),
                None => format!("should parse, rejected at {}", outcome.unwrap_err()),
            };
            failures.push(format!("  {rule}: {input:?} ({name}): {expectation}"));
        }
    }

    let stale: Vec<_> = skips
        .iter()
        .filter(|s| !s.used)
        .map(|s| format!("{} {}", s.rule, s.input))
        .collect();
    assert!(
        stale.is_empty(),
        "{SKIP_FILE} lists cases that are not applicable cases of {CASES_FILE}: {stale:?}"
    );

    let rate = passed as f64 / applicable.max(1) as f64;
    let mut summary = format!(
        "ABNF conformance: {passed} of {applicable} applicable cases pass ({:.1}%), {} fail, \
         {skipped} skipped, {not_applicable} not applicable (other URL parts); \
         FailAt matches {fail_at_matches} of {negatives_rejected} rejected negative cases\n",
        rate * 100.0,
        failures.len()
    );
    for f in &failures {
        summary.push_str(f);
        summary.push('\n');
    }
    if std::env::var_os("ABNF_VERBOSE").is_some() {
        summary.push_str("FailAt mismatches:\n");
        for m in &mismatches {
            summary.push_str(m);
            summary.push('\n');
        }
    }
    report(&summary);
    assert!(
        rate >= REQUIRED_PASS_RATE,
        "fewer than {:.0}% of the applicable ABNF cases pass (failing cases listed above)",
        REQUIRED_PASS_RATE * 100.0
    );
}

#[test]
fn percent_decoding_keeps_source_offsets() {
    let (text, origin) = percent_decode("a%28%20b").unwrap();
    assert_eq!(text, "a( b");
    assert_eq!(origin, vec![0, 1, 4, 7]);
}
