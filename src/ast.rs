//! The syntax tree of a `$filter` expression: faithful to the text, spanned, with no meaning attached.
//!
//! Every node carries the byte [`Span`] of the text it came from; spans are left out of equality so that
//! a tree parsed from `status  eq 'A'` equals the one parsed from `status eq 'A'`. Redundant parentheses
//! are not kept: precedence is in the shape of the tree, and the printer ([`std::fmt::Display`]) adds
//! parentheses back only where they are needed.
//!
//! The tree says nothing about types or properties: `'Succeeded'` is a string literal here even when it
//! is compared with an enum property. The validator gives it meaning.
//!
//! ```
//! use odata_filter::ast::{BinaryOp, ExprKind};
//! let expr = odata_filter::parse_filter("status eq 'Pending'").unwrap();
//! match &expr.kind {
//!     ExprKind::Binary { op, .. } => assert_eq!(*op, BinaryOp::Eq),
//!     other => panic!("unexpected {other:?}"),
//! }
//! assert_eq!(expr.span.range(), 0..19);
//! ```

use std::fmt;

pub use uuid::Uuid;

/// A byte range of the source text, `start..end`.
///
/// ```
/// let span = odata_filter::Span::new(3, 5);
/// assert_eq!(&"abcdefg"[span.range()], "de");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, for slicing the source.
    pub const fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The span shifted right by `offset` bytes (used when a filter is embedded in a query string).
    pub fn shift(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// A name as written in the filter, with its span (excluded from equality).
#[derive(Clone, Debug, Eq)]
pub struct Ident {
    /// The name exactly as written.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

impl Ident {
    /// A name with the given span.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Ident {
            name: name.into(),
            span,
        }
    }
}

impl PartialEq for Ident {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// An expression node: what it is, and where it was written.
#[derive(Clone, Debug)]
pub struct Expr {
    /// The kind of node and its children.
    pub kind: ExprKind,
    /// The text this node was parsed from (for a binary operation: from the left operand's start to the
    /// right operand's end).
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Expr {
    /// A node with the given span.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// A node without a source position (for trees built in code).
    pub fn unspanned(kind: ExprKind) -> Self {
        Expr {
            kind,
            span: Span::default(),
        }
    }
}

/// The kinds of expression node.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal value: `42`, `'text'`, `2024-01-01T00:00:00Z`, `null`, …
    Literal(Literal),
    /// A member path: `status`, `relatedFileInfo/fileIdentifier`, `$it/name`, `c/command/type`,
    /// `commands/$count`, optionally ending in a lambda (`commands/any(c: …)`).
    Path(Path),
    /// A parameter alias `@name` (the name is stored without the `@`); resolved from the query string.
    Alias(Ident),
    /// A call of a built-in function: `contains(requestor,'svc')`, `year(creationDateTimeUtc)`.
    Call {
        /// Which function.
        function: Function,
        /// The arguments in order. For `cast` and `isof` the last argument is an [`ExprKind::TypeName`].
        args: Vec<Expr>,
    },
    /// A qualified type name used as the type argument of `cast` or `isof`: `Edm.String`, `Model.Customer`.
    TypeName(String),
    /// A prefix operator: `-x`, `not x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// A binary operator: comparisons, logic, arithmetic, `has`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
    /// Set membership: `status in ('Pending','Failed')`, `x in @list`, `x in ["a","b"]`.
    In {
        /// The value tested.
        operand: Box<Expr>,
        /// The set: a [`ExprKind::List`] (of literals and aliases), an [`ExprKind::Array`], a path, an
        /// alias, or any expression written in parentheses (`x in (y)` is a path, not a one-item list).
        set: Box<Expr>,
    },
    /// A parenthesised list of literals and aliases, the right side of `in`: `('a', 'b')`, `(@p)`, `()`.
    List(Vec<Expr>),
    /// A JSON array: `["a", "b"]`, `[1, [2]]` (OData 4.01).
    Array(Vec<Expr>),
    /// A JSON object: `{"Street":"Main"}` (OData 4.01). Members in written order.
    Object(Vec<(String, Expr)>),
}

/// A member path: where it starts, its segments, and an optional lambda at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// What the first segment is relative to.
    pub root: PathRoot,
    /// The segments after the root, in order. Empty only for a bare `$it` or `$this`.
    pub segments: Vec<Segment>,
    /// A trailing `any`/`all` lambda.
    pub lambda: Option<Box<Lambda>>,
}

impl Path {
    /// A path of plain property segments relative to the current instance: `Path::property(&["a", "b"])`
    /// is `a/b`.
    ///
    /// ```
    /// let p = odata_filter::ast::Path::property(&["relatedFileInfo", "fileIdentifier"]);
    /// assert_eq!(p.segments.len(), 2);
    /// ```
    pub fn property(names: &[&str]) -> Self {
        Path {
            root: PathRoot::Implicit,
            segments: names
                .iter()
                .map(|n| Segment::unspanned(SegmentKind::Property(n.to_string())))
                .collect(),
            lambda: None,
        }
    }

    /// The single property name of a one-segment path relative to the current instance (`status`), if it
    /// is one.
    pub fn as_simple_property(&self) -> Option<&Ident> {
        match (&self.root, self.segments.as_slice(), &self.lambda) {
            (PathRoot::Implicit, [seg], None) => match &seg.kind {
                SegmentKind::Property(_) => Some(&seg.ident),
                _ => None,
            },
            _ => None,
        }
    }
}

/// What a path starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRoot {
    /// The current instance (`status`). A first segment may also name a lambda's range variable; the
    /// validator tells the two apart.
    Implicit,
    /// `$it`: the instance the filter is applied to, also inside lambdas.
    It,
    /// `$this`: the current element of a collection.
    This,
    /// `$root`: the service root (parsed, not evaluated).
    Root,
}

/// One segment of a path, with its span (excluded from equality).
#[derive(Clone, Debug)]
pub struct Segment {
    /// What the segment is.
    pub kind: SegmentKind,
    /// The segment's name as written, with its span. For `$count` the name is `$count`.
    pub ident: Ident,
}

impl PartialEq for Segment {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Segment {
    /// A segment without a source position.
    pub fn unspanned(kind: SegmentKind) -> Self {
        let name = match &kind {
            SegmentKind::Property(n) | SegmentKind::TypeCast(n) => n.clone(),
            SegmentKind::Count => "$count".to_string(),
            SegmentKind::Annotation(n) => format!("@{n}"),
            SegmentKind::Function { name, .. } => name.clone(),
        };
        Segment {
            kind,
            ident: Ident::new(name, Span::default()),
        }
    }
}

/// The kinds of path segment.
#[derive(Clone, Debug, PartialEq)]
pub enum SegmentKind {
    /// A property or navigation property name: `status`, `relatedFileInfo`.
    Property(String),
    /// A type cast to a qualified type name: `Model.Manager`.
    TypeCast(String),
    /// `$count` of a collection.
    Count,
    /// An annotation term `@Core.Messages` (stored without the `@`).
    Annotation(String),
    /// A call of a schema-defined (bound or unbound) function: `Model.BestProduct()`,
    /// `Model.ProductsByColor(color='green')`.
    Function {
        /// The (usually qualified) function name as written.
        name: String,
        /// Named parameters in written order.
        params: Vec<(Ident, Expr)>,
    },
}

/// A lambda at the end of a path: `any()`, `any(x: body)`, `all(x: body)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// `any` or `all`.
    pub kind: LambdaKind,
    /// The range variable and the predicate; `None` for the argument-less `any()`.
    pub predicate: Option<(Ident, Expr)>,
}

/// Which lambda operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LambdaKind {
    /// True when some element satisfies the predicate (or, without one, when the collection is not
    /// empty).
    Any,
    /// True when every element satisfies the predicate.
    All,
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Arithmetic negation `-x`.
    Neg,
    /// Logical negation `not x`.
    Not,
}

/// Binary operators, lowest precedence last in each group as in OData URL Conventions §5.1.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
    /// `has` (enum flags)
    Has,
    /// `and`
    And,
    /// `or`
    Or,
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `divby` (decimal division of integers)
    DivBy,
    /// `mod`
    Mod,
}

impl BinaryOp {
    /// The keyword, lower case: `eq`, `and`, `divby`, …
    pub const fn keyword(self) -> &'static str {
        match self {
            BinaryOp::Eq => "eq",
            BinaryOp::Ne => "ne",
            BinaryOp::Gt => "gt",
            BinaryOp::Ge => "ge",
            BinaryOp::Lt => "lt",
            BinaryOp::Le => "le",
            BinaryOp::Has => "has",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
            BinaryOp::DivBy => "divby",
            BinaryOp::Mod => "mod",
        }
    }

    /// Binding strength: higher binds tighter. `or` = 1, `and` = 2, `eq ne` = 3, `gt ge lt le` = 4,
    /// `add sub` = 5, `mul div divby mod` = 6, `has` = 8 (prefix operators are 7, `in` is 8 too).
    pub const fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::DivBy | BinaryOp::Mod => 6,
            BinaryOp::Has => 8,
        }
    }

    /// True for `eq ne gt ge lt le`.
    pub const fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le
        )
    }

    /// True for `add sub mul div divby mod`.
    pub const fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::Div
                | BinaryOp::DivBy
                | BinaryOp::Mod
        )
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Precedence of the prefix operators `-` and `not` (see [`BinaryOp::precedence`]).
pub const UNARY_PRECEDENCE: u8 = 7;
/// Precedence of `in` and `has`.
pub const MEMBERSHIP_PRECEDENCE: u8 = 8;

macro_rules! functions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $min:literal ..= $max:literal; )*) => {
        /// The built-in functions of OData 4.01 URL Conventions §5.1.1.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Function {
            $( $(#[$doc])* $variant, )*
        }

        impl Function {
            /// Every built-in function.
            pub const ALL: &'static [Function] = &[$(Function::$variant),*];

            /// The canonical name: `contains`, `matchesPattern`, `geo.distance`, …
            pub const fn name(self) -> &'static str {
                match self { $(Function::$variant => $name,)* }
            }

            /// The least and greatest number of arguments.
            pub const fn arity(self) -> (usize, usize) {
                match self { $(Function::$variant => ($min, $max),)* }
            }
        }
    };
}

functions! {
    /// `contains(s, sub)`
    Contains = "contains", 2..=2;
    /// `startswith(s, prefix)`
    StartsWith = "startswith", 2..=2;
    /// `endswith(s, suffix)`
    EndsWith = "endswith", 2..=2;
    /// `length(s)`
    Length = "length", 1..=1;
    /// `indexof(s, sub)`
    IndexOf = "indexof", 2..=2;
    /// `substring(s, start[, length])`
    Substring = "substring", 2..=3;
    /// `tolower(s)`
    ToLower = "tolower", 1..=1;
    /// `toupper(s)`
    ToUpper = "toupper", 1..=1;
    /// `trim(s)`
    Trim = "trim", 1..=1;
    /// `concat(a, b)`
    Concat = "concat", 2..=2;
    /// `matchesPattern(s, regex)`
    MatchesPattern = "matchesPattern", 2..=2;
    /// `hassubset(collection, collection)`
    HasSubset = "hassubset", 2..=2;
    /// `hassubsequence(collection, collection)`
    HasSubsequence = "hassubsequence", 2..=2;
    /// `year(d)`
    Year = "year", 1..=1;
    /// `month(d)`
    Month = "month", 1..=1;
    /// `day(d)`
    Day = "day", 1..=1;
    /// `hour(t)`
    Hour = "hour", 1..=1;
    /// `minute(t)`
    Minute = "minute", 1..=1;
    /// `second(t)`
    Second = "second", 1..=1;
    /// `fractionalseconds(t)`
    FractionalSeconds = "fractionalseconds", 1..=1;
    /// `date(dto)`
    Date = "date", 1..=1;
    /// `time(dto)`
    Time = "time", 1..=1;
    /// `totaloffsetminutes(dto)`
    TotalOffsetMinutes = "totaloffsetminutes", 1..=1;
    /// `totalseconds(duration)`
    TotalSeconds = "totalseconds", 1..=1;
    /// `now()`
    Now = "now", 0..=0;
    /// `maxdatetime()`
    MaxDateTime = "maxdatetime", 0..=0;
    /// `mindatetime()`
    MinDateTime = "mindatetime", 0..=0;
    /// `round(n)`
    Round = "round", 1..=1;
    /// `floor(n)`
    Floor = "floor", 1..=1;
    /// `ceiling(n)`
    Ceiling = "ceiling", 1..=1;
    /// `cast([expr, ] Type)`
    Cast = "cast", 1..=2;
    /// `isof([expr, ] Type)`
    IsOf = "isof", 1..=2;
    /// `geo.distance(a, b)`
    GeoDistance = "geo.distance", 2..=2;
    /// `geo.intersects(a, b)`
    GeoIntersects = "geo.intersects", 2..=2;
    /// `geo.length(line)`
    GeoLength = "geo.length", 1..=1;
}

impl Function {
    /// Looks a function up by name, case-insensitively (`StartsWith` finds `startswith`).
    ///
    /// ```
    /// use odata_filter::ast::Function;
    /// assert_eq!(Function::from_name("StartsWith"), Some(Function::StartsWith));
    /// assert_eq!(Function::from_name("nosuch"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Literal values, as written.
#[derive(Clone, Debug)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` / `false` (any case).
    Boolean(bool),
    /// An integer without fraction or exponent, within the Int64 range: `42`, `-7`.
    Int(i64),
    /// A number with a fraction but no exponent, kept as written (less a leading `+`): `2.45`, `-0.50`.
    Decimal(String),
    /// A number with an exponent, or `INF`, `-INF`, `NaN`. Compared bit for bit (so `NaN` equals itself
    /// here: this is syntax, not arithmetic).
    Double(f64),
    /// A string literal (the value, with `''` already turned into `'`).
    String(String),
    /// A Guid: `05c7bba5-828c-4451-9867-1191919f897e`.
    Guid(Uuid),
    /// A date: `2024-01-31`.
    Date(DateLiteral),
    /// A date-time with offset: `2024-01-31T12:00:00.1234567Z`; also MDE's documented `2018-08-01Z`.
    DateTimeOffset(DateTimeOffsetLiteral),
    /// A time of day: `13:20:00.5`.
    TimeOfDay(TimeOfDayLiteral),
    /// A duration, the ISO 8601 text inside `duration'…'`: `P1DT2H`, `-PT0.5S`.
    Duration(String),
    /// A qualified enum literal `Ns.Type'Member'` or `Ns.Type'A,B'`.
    Enum {
        /// The qualified enum type name: `Sales.Pattern`.
        type_name: String,
        /// The member names or values as written inside the quotes: `Yellow`, `A,B`, `32`.
        value: String,
    },
    /// `binary'…'` (base64url), decoded.
    Binary(Vec<u8>),
    /// A `geography'…'` or `geometry'…'` literal, kept as text (the validator rejects it as unsupported).
    Geo {
        /// `true` for `geography`, `false` for `geometry`.
        geography: bool,
        /// The text inside the quotes: `SRID=0;Point(142.1 64.1)`.
        text: String,
    },
}

impl PartialEq for Literal {
    fn eq(&self, other: &Self) -> bool {
        use Literal::*;
        match (self, other) {
            (Null, Null) => true,
            (Boolean(a), Boolean(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Decimal(a), Decimal(b)) => a == b,
            (Double(a), Double(b)) => a.to_bits() == b.to_bits(),
            (String(a), String(b)) => a == b,
            (Guid(a), Guid(b)) => a == b,
            (Date(a), Date(b)) => a == b,
            (DateTimeOffset(a), DateTimeOffset(b)) => a == b,
            (TimeOfDay(a), TimeOfDay(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            (
                Enum {
                    type_name: t1,
                    value: v1,
                },
                Enum {
                    type_name: t2,
                    value: v2,
                },
            ) => t1 == t2 && v1 == v2,
            (Binary(a), Binary(b)) => a == b,
            (
                Geo {
                    geography: g1,
                    text: t1,
                },
                Geo {
                    geography: g2,
                    text: t2,
                },
            ) => g1 == g2 && t1 == t2,
            _ => false,
        }
    }
}

/// A calendar date as written: year (may be 0 or negative, as the ABNF allows), month, day. The parser
/// only builds valid calendar dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateLiteral {
    /// The year, `-9999..=9999` as written (printed with at least four digits).
    pub year: i32,
    /// `1..=12`
    pub month: u8,
    /// `1..=31`, valid for the month.
    pub day: u8,
}

impl DateLiteral {
    /// The date as a chrono date (always `Some` for parsed literals).
    pub fn to_naive(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month.into(), self.day.into())
    }
}

/// A time of day as written: seconds and fraction are optional, the fraction keeps every digit written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimeOfDayLiteral {
    /// `0..=23`
    pub hour: u8,
    /// `0..=59`
    pub minute: u8,
    /// `0..=60` (60 for a leap second, as the ABNF allows), if written.
    pub second: Option<u8>,
    /// The fractional-second digits as written (1–12 of them), if any.
    pub fraction: Option<String>,
}

impl TimeOfDayLiteral {
    /// Nanoseconds after midnight; fractional digits beyond nine are truncated.
    pub fn nanos_since_midnight(&self) -> u64 {
        let secs = u64::from(self.hour) * 3600
            + u64::from(self.minute) * 60
            + u64::from(self.second.unwrap_or(0));
        secs * 1_000_000_000 + u64::from(self.fraction_nanos())
    }

    /// The fraction as nanoseconds (digits beyond nine truncated).
    pub fn fraction_nanos(&self) -> u32 {
        let Some(frac) = &self.fraction else { return 0 };
        let mut nanos: u32 = 0;
        for (i, b) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        nanos
    }
}

/// The offset of a date-time literal as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UtcOffset {
    /// `Z`
    Z,
    /// `+hh:mm` or `-hh:mm`.
    Fixed {
        /// True for `-`.
        negative: bool,
        /// `0..=23`
        hours: u8,
        /// `0..=59`
        minutes: u8,
    },
}

impl UtcOffset {
    /// The offset in seconds east of UTC.
    pub fn seconds(&self) -> i32 {
        match *self {
            UtcOffset::Z => 0,
            UtcOffset::Fixed {
                negative,
                hours,
                minutes,
            } => {
                let s = i32::from(hours) * 3600 + i32::from(minutes) * 60;
                if negative {
                    -s
                } else {
                    s
                }
            }
        }
    }
}

/// A date-time with offset as written. `time` is `None` only for MDE's documented date-and-`Z` form
/// (`2018-08-01Z`), which means midnight UTC.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeOffsetLiteral {
    /// The date part.
    pub date: DateLiteral,
    /// The time part, `None` for `2018-08-01Z`.
    pub time: Option<TimeOfDayLiteral>,
    /// The offset.
    pub offset: UtcOffset,
}

impl DateTimeOffsetLiteral {
    /// The instant with its offset, at nanosecond precision (fraction digits beyond nine truncated).
    ///
    /// ```
    /// use odata_filter::ast::{ExprKind, Literal};
    /// let e = odata_filter::parse_filter("2024-01-31T12:00:00.1234567891+02:00").unwrap();
    /// let ExprKind::Literal(Literal::DateTimeOffset(dt)) = e.kind else { panic!() };
    /// assert_eq!(dt.to_chrono().unwrap().to_rfc3339(), "2024-01-31T12:00:00.123456789+02:00");
    /// ```
    pub fn to_chrono(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let date = self.date.to_naive()?;
        let (secs, nanos) = match &self.time {
            // A leap second (`23:59:60`) is chrono's second 59 with a nanosecond count past 10^9.
            Some(t) if t.second == Some(60) => (
                u32::from(t.hour) * 3600 + u32::from(t.minute) * 60 + 59,
                1_000_000_000 + t.fraction_nanos(),
            ),
            Some(t) => (
                u32::from(t.hour) * 3600
                    + u32::from(t.minute) * 60
                    + u32::from(t.second.unwrap_or(0)),
                t.fraction_nanos(),
            ),
            None => (0, 0),
        };
        let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)?;
        let offset = chrono::FixedOffset::east_opt(self.offset.seconds())?;
        date.and_time(time).and_local_timezone(offset).single()
    }
}
