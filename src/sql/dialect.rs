//! What differs between SQL engines, one method per difference.
//!
//! The compiler writes portable SQL (`CASE`, `COALESCE`, `IS [NOT] NULL`, `||`, `substr`, `length`,
//! `NULLS FIRST`/`NULLS LAST`, numbered placeholders) and asks the [`Dialect`] only for what the
//! engines spell differently. To add an engine (DuckDB, SQL Server, MySQL), implement the trait and
//! run the differential tests (`tests/it/sql_differential/`) against it: every method documents the
//! exact semantics the evaluator needs, so an implementation either matches them or makes the
//! construct unsupported.

use crate::ast::Function;
use crate::semantics::ArithmeticOp;

/// An SQL engine's spelling of the constructs the compiler needs.
///
/// ```
/// use odata_filter::sql::{Dialect, Postgres, Sqlite};
/// assert_eq!(Sqlite.placeholder(3), "?3");
/// assert_eq!(Postgres.placeholder(3), "$3");
/// assert_eq!(Sqlite.quote_ident("a\"b"), "\"a\"\"b\"");
/// ```
pub trait Dialect: std::fmt::Debug + Sync {
    /// The engine's name in messages: "… is not supported by SQLite".
    fn name(&self) -> &'static str;

    /// The placeholder of the `n`th bound parameter (1-based). Numbered placeholders let the compiler
    /// repeat a sub-expression's text without binding its values twice.
    fn placeholder(&self, n: usize) -> String;

    /// A quoted identifier (standard SQL double quotes, `"` doubled).
    fn quote_ident(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    /// 1-based character position of the first occurrence of `needle` in `haystack`, 0 when absent,
    /// 1 for an empty needle, NULL when either is NULL; compared code point by code point.
    fn position(&self, haystack: &str, needle: &str) -> String;

    /// `text` wrapped so that `<`/`>`/`ORDER BY` compare strings ordinally (by code point, which in
    /// UTF-8 is byte order).
    fn ordinal(&self, text: &str) -> String;

    /// The column type of a string, a 64-bit integer and a Boolean column.
    fn text_type(&self) -> &'static str;
    /// See [`Dialect::text_type`].
    fn bigint_type(&self) -> &'static str {
        "BIGINT"
    }
    /// See [`Dialect::text_type`].
    fn bool_type(&self) -> &'static str;

    /// The year, month, day, hour, minute or second (an `EXTRACT` field name, upper case) of
    /// `seconds`, an integer count of seconds since 1970-01-01T00:00:00 (already shifted into the
    /// value's own offset), as an integer.
    fn date_part(&self, field: &str, seconds: &str) -> String;

    /// A `FROM` item that yields one row per element of `array` (the SQL of a JSON array text, or
    /// NULL for none), with the element as the text (or NULL) column `alias.value`.
    fn json_elements(&self, array: &str, alias: &str) -> String;

    /// The number of elements of the JSON array text `array` (NULL when it is NULL).
    fn json_length(&self, array: &str) -> String;

    /// Checked Int64 arithmetic: `a op b`, NULL when either is NULL, when the result overflows
    /// 64 bits and on division by zero; `div` truncates toward zero, `mod` has the dividend's sign
    /// (Rust's `checked_*`, the evaluator's rule). `op` is never `divby` (a decimal result).
    fn checked_int(&self, op: ArithmeticOp, a: &str, b: &str) -> String;

    /// The evaluator's Unicode `tolower`/`toupper`/`trim` of any text expression, when the engine
    /// can call them; `None` otherwise (then only filterable properties, whose results are stored,
    /// and literals are supported).
    fn text_function(&self, _f: Function, _text: &str) -> Option<String> {
        None
    }

    /// `matchesPattern(text, pattern)` with the crate's own pattern dialect (true / false / NULL for
    /// a NULL argument or an invalid pattern), when the engine can call it; `None` otherwise.
    fn matches_pattern(&self, _text: &str, _pattern: &str) -> Option<String> {
        None
    }
}

/// The names of the SQL functions [`Sqlite`]'s SQL calls, registered on a connection by
/// `sql::store::register_functions` (each calls the crate's own implementation, so results are
/// the evaluator's). Crate-private: a user registers them, never names them.
pub(crate) mod sqlite_functions {
    /// `odata_tolower(text)`, `odata_toupper(text)`, `odata_trim(text)`.
    pub const TOLOWER: &str = "odata_tolower";
    /// See [`TOLOWER`].
    pub const TOUPPER: &str = "odata_toupper";
    /// See [`TOLOWER`].
    pub const TRIM: &str = "odata_trim";
    /// `odata_matches_pattern(text, pattern)`.
    pub const MATCHES_PATTERN: &str = "odata_matches_pattern";
    /// `odata_int_arith(op, a, b)` with `op` one of `add`, `sub`, `mul`, `div`, `mod`.
    pub const INT_ARITH: &str = "odata_int_arith";
}

/// SQLite 3.30 or later (bundled with the `sqlite` feature).
///
/// Strings: columns use the default `BINARY` collation (memcmp of UTF-8 = code point order); `LIKE`
/// is never used (it is case-insensitive for ASCII); `instr`/`substr`/`length` count characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sqlite;

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }
    fn placeholder(&self, n: usize) -> String {
        format!("?{n}")
    }
    fn position(&self, haystack: &str, needle: &str) -> String {
        format!("instr({haystack}, {needle})")
    }
    fn ordinal(&self, text: &str) -> String {
        text.to_string()
    }
    fn text_type(&self) -> &'static str {
        "TEXT"
    }
    fn bool_type(&self) -> &'static str {
        "INTEGER"
    }
    fn date_part(&self, field: &str, seconds: &str) -> String {
        let f = match field {
            "YEAR" => "%Y",
            "MONTH" => "%m",
            "DAY" => "%d",
            "HOUR" => "%H",
            "MINUTE" => "%M",
            _ => "%S",
        };
        format!("CAST(strftime('{f}', {seconds}, 'unixepoch') AS INTEGER)")
    }
    fn json_elements(&self, array: &str, alias: &str) -> String {
        format!("json_each({array}) AS {alias}")
    }
    fn json_length(&self, array: &str) -> String {
        format!("json_array_length({array})")
    }
    fn checked_int(&self, op: ArithmeticOp, a: &str, b: &str) -> String {
        // SQLite turns an overflowing integer result into a REAL and `MIN % -1` into 0: the
        // registered function applies the evaluator's own checked arithmetic instead.
        format!(
            "{}('{}', {a}, {b})",
            sqlite_functions::INT_ARITH,
            op.keyword()
        )
    }
    fn text_function(&self, f: Function, text: &str) -> Option<String> {
        let name = match f {
            Function::ToLower => sqlite_functions::TOLOWER,
            Function::ToUpper => sqlite_functions::TOUPPER,
            Function::Trim => sqlite_functions::TRIM,
            _ => return None,
        };
        Some(format!("{name}({text})"))
    }
    fn matches_pattern(&self, text: &str, pattern: &str) -> Option<String> {
        Some(format!(
            "{}({text}, {pattern})",
            sqlite_functions::MATCHES_PATTERN
        ))
    }
}

/// PostgreSQL 11 or later, and the engines that speak its dialect (see `docs/sql.md`).
///
/// Strings: text columns are declared `COLLATE "C"` and ordering comparisons add `COLLATE "C"`
/// (byte order in a UTF-8 database); `strpos`/`substr`/`length` count characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Postgres;

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }
    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }
    fn position(&self, haystack: &str, needle: &str) -> String {
        format!("strpos({haystack}, {needle})")
    }
    fn ordinal(&self, text: &str) -> String {
        format!("({text} COLLATE \"C\")")
    }
    fn text_type(&self) -> &'static str {
        "TEXT COLLATE \"C\""
    }
    fn bool_type(&self) -> &'static str {
        "BOOLEAN"
    }
    fn date_part(&self, field: &str, seconds: &str) -> String {
        format!("CAST(EXTRACT({field} FROM (TIMESTAMP '1970-01-01 00:00:00' + ({seconds}) * INTERVAL '1 second')) AS BIGINT)")
    }
    fn json_elements(&self, array: &str, alias: &str) -> String {
        format!("jsonb_array_elements_text(CAST({array} AS JSONB)) AS {alias}(value)")
    }
    fn json_length(&self, array: &str) -> String {
        format!("jsonb_array_length(CAST({array} AS JSONB))")
    }
    fn checked_int(&self, op: ArithmeticOp, a: &str, b: &str) -> String {
        // Exact in NUMERIC, then NULL outside the Int64 range (bigint arithmetic would raise an
        // error instead); the operands are named once in a derived table so that nesting stays
        // linear in size. Division by zero: NULLIF makes the divisor NULL.
        let (check, result) = match op {
            ArithmeticOp::Add => ("\"@x\" + \"@y\"", "\"@x\" + \"@y\""),
            ArithmeticOp::Sub => ("\"@x\" - \"@y\"", "\"@x\" - \"@y\""),
            ArithmeticOp::Mul => ("\"@x\" * \"@y\"", "\"@x\" * \"@y\""),
            ArithmeticOp::Div | ArithmeticOp::DivBy => (
                "div(\"@x\", NULLIF(\"@y\", 0))",
                "div(\"@x\", NULLIF(\"@y\", 0))",
            ),
            // `MIN mod -1` overflows in Rust (its quotient does): the quotient is checked.
            ArithmeticOp::Mod => (
                "div(\"@x\", NULLIF(\"@y\", 0))",
                "mod(\"@x\", NULLIF(\"@y\", 0))",
            ),
        };
        format!(
            "(SELECT CAST(CASE WHEN {check} BETWEEN {} AND {} THEN {result} END AS BIGINT) \
             FROM (SELECT CAST({a} AS NUMERIC) AS \"@x\", CAST({b} AS NUMERIC) AS \"@y\") AS \"@t\")",
            i64::MIN,
            i64::MAX
        )
    }
}
