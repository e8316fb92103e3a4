//! What differs between SQL engines, one method per difference.
//!
//! The compiler writes portable SQL (`CASE`, `COALESCE`, `IS [NOT] NULL`, `||`, `substr`, `length`,
//! `NULLS FIRST`/`NULLS LAST`, numbered placeholders) and asks the [`Dialect`] only for what the
//! engines spell differently. To add an engine (DuckDB, SQL Server, MySQL), implement the trait and
//! run the differential tests (`tests/it/sql_differential.rs`) against it: every method documents the
//! exact semantics the evaluator needs, so an implementation either matches them or makes the
//! construct unsupported.

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
}
