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

mod function;
mod literal;
mod operator;

pub use function::Function;
pub use literal::{DateLiteral, DateTimeOffsetLiteral, Literal, TimeOfDayLiteral, UtcOffset};
pub use operator::{BinaryOp, UnaryOp};
pub(crate) use operator::{MEMBERSHIP_PRECEDENCE, UNARY_PRECEDENCE};

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
    pub(crate) fn shift(self, offset: usize) -> Span {
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
    ///
    /// ```
    /// let p = odata_filter::ast::Path::property(&["status"]);
    /// assert_eq!(p.as_simple_property(), Some("status"));
    /// ```
    pub fn as_simple_property(&self) -> Option<&str> {
        match (&self.root, self.segments.as_slice(), &self.lambda) {
            (PathRoot::Implicit, [seg], None) => match &seg.kind {
                SegmentKind::Property(name) => Some(name),
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

/// One segment of a path, with its span (excluded from equality). The name is kept once, in the kind;
/// [`Segment::name`] reads it.
#[derive(Clone, Debug)]
pub struct Segment {
    /// What the segment is.
    pub kind: SegmentKind,
    /// Where the segment was written (for a function segment: its name and arguments).
    pub span: Span,
}

impl PartialEq for Segment {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Segment {
    /// A segment with the given span.
    pub fn new(kind: SegmentKind, span: Span) -> Self {
        Segment { kind, span }
    }

    /// A segment without a source position.
    pub fn unspanned(kind: SegmentKind) -> Self {
        Segment::new(kind, Span::default())
    }

    /// The segment's name: the property, type or function name as written, `$count`, or the annotation
    /// term without its `@`.
    ///
    /// ```
    /// use odata_filter::ast::{ExprKind, SegmentKind};
    /// let e = odata_filter::parse_filter("relatedFileInfo/fileIdentifier eq 'x'").unwrap();
    /// let ExprKind::Binary { left, .. } = e.kind else { panic!() };
    /// let ExprKind::Path(p) = left.kind else { panic!() };
    /// assert_eq!(p.segments[1].name(), "fileIdentifier");
    /// assert_eq!(p.segments[1].span.range(), 16..30);
    /// ```
    pub fn name(&self) -> &str {
        match &self.kind {
            SegmentKind::Property(name)
            | SegmentKind::TypeCast(name)
            | SegmentKind::Annotation(name)
            | SegmentKind::Function { name, .. } => name,
            SegmentKind::Count => "$count",
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
