//! Operator semantics, below both the validator and the evaluators: the operators, their operand
//! and result types, three-valued logic, and the outcome of every operator on values
//! (`docs/semantics.md` §5–§6). The validator uses it to type and fold constants, the interpreter and
//! the compiled filter to evaluate; neither depends on the other.
//!
//! Three-valued logic uses `Option<bool>` (`None` is null): see [`and3`], [`or3`], [`not3`].

use std::cmp::Ordering;

use crate::ast::BinaryOp;
use crate::schema::EdmType;

pub mod functions;
pub mod scalar;
pub(crate) mod signature;
pub mod values;

/// `a and b`: false wins over null, null wins over true.
#[inline]
pub fn and3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// `a or b`: true wins over null, null wins over false.
#[inline]
pub fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// `not a`: null stays null.
#[inline]
pub fn not3(a: Option<bool>) -> Option<bool> {
    a.map(|b| !b)
}

/// `and` or `or`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    /// `and`
    And,
    /// `or`
    Or,
}

impl LogicalOp {
    /// The keyword: `and` or `or`.
    pub fn keyword(self) -> &'static str {
        self.binary().keyword()
    }

    /// The AST operator (for its precedence).
    pub fn binary(self) -> BinaryOp {
        match self {
            LogicalOp::And => BinaryOp::And,
            LogicalOp::Or => BinaryOp::Or,
        }
    }

    /// The operator applied to two truth values (Kleene logic).
    #[inline]
    pub(crate) fn apply(self, a: Option<bool>, b: Option<bool>) -> Option<bool> {
        match self {
            LogicalOp::And => and3(a, b),
            LogicalOp::Or => or3(a, b),
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
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
}

impl CompareOp {
    /// The keyword: `eq`, …
    pub fn keyword(self) -> &'static str {
        self.binary().keyword()
    }

    /// The AST operator (for its precedence).
    pub fn binary(self) -> BinaryOp {
        match self {
            CompareOp::Eq => BinaryOp::Eq,
            CompareOp::Ne => BinaryOp::Ne,
            CompareOp::Gt => BinaryOp::Gt,
            CompareOp::Ge => BinaryOp::Ge,
            CompareOp::Lt => BinaryOp::Lt,
            CompareOp::Le => BinaryOp::Le,
        }
    }

    /// The operator for an AST operator, if it is a comparison.
    pub(crate) fn from_binary(op: BinaryOp) -> Option<CompareOp> {
        use BinaryOp as B;
        Some(match op {
            B::Eq => CompareOp::Eq,
            B::Ne => CompareOp::Ne,
            B::Gt => CompareOp::Gt,
            B::Ge => CompareOp::Ge,
            B::Lt => CompareOp::Lt,
            B::Le => CompareOp::Le,
            _ => return None,
        })
    }

    /// True for `eq` and `ne`.
    pub(crate) fn is_equality(self) -> bool {
        matches!(self, CompareOp::Eq | CompareOp::Ne)
    }

    /// The operator with its operands swapped: `a gt b` is `b lt a`.
    pub(crate) fn flip(self) -> CompareOp {
        match self {
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            other => other,
        }
    }

    /// The outcome for an ordering of the two operands; `None` means unordered (`NaN`): only `ne` holds.
    #[inline]
    pub(crate) fn holds(self, ord: Option<Ordering>) -> bool {
        match ord {
            None => self == CompareOp::Ne,
            Some(o) => match self {
                CompareOp::Eq => o == Ordering::Equal,
                CompareOp::Ne => o != Ordering::Equal,
                CompareOp::Gt => o == Ordering::Greater,
                CompareOp::Ge => o != Ordering::Less,
                CompareOp::Lt => o == Ordering::Less,
                CompareOp::Le => o != Ordering::Greater,
            },
        }
    }

    /// The outcome when at least one operand is null: `eq` is true only when both are, `ne` the
    /// opposite, and the order comparisons are false.
    #[inline]
    pub(crate) fn with_null(self, left_null: bool, right_null: bool) -> bool {
        match self {
            CompareOp::Eq => left_null && right_null,
            CompareOp::Ne => left_null != right_null,
            _ => false,
        }
    }
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
    /// `mul`
    Mul,
    /// `div`
    Div,
    /// `divby`
    DivBy,
    /// `mod`
    Mod,
}

impl ArithmeticOp {
    /// The keyword: `add`, …
    pub fn keyword(self) -> &'static str {
        self.binary().keyword()
    }

    /// The AST operator (for its precedence).
    pub fn binary(self) -> BinaryOp {
        match self {
            ArithmeticOp::Add => BinaryOp::Add,
            ArithmeticOp::Sub => BinaryOp::Sub,
            ArithmeticOp::Mul => BinaryOp::Mul,
            ArithmeticOp::Div => BinaryOp::Div,
            ArithmeticOp::DivBy => BinaryOp::DivBy,
            ArithmeticOp::Mod => BinaryOp::Mod,
        }
    }

    /// The operator for an AST operator, if it is arithmetic.
    pub(crate) fn from_binary(op: BinaryOp) -> Option<ArithmeticOp> {
        use BinaryOp as B;
        Some(match op {
            B::Add => ArithmeticOp::Add,
            B::Sub => ArithmeticOp::Sub,
            B::Mul => ArithmeticOp::Mul,
            B::Div => ArithmeticOp::Div,
            B::DivBy => ArithmeticOp::DivBy,
            B::Mod => ArithmeticOp::Mod,
            _ => return None,
        })
    }
}

/// Numeric promotion rank: Int32 (and narrower) < Int64 < Decimal < Double.
fn numeric_rank(t: &EdmType) -> Option<u8> {
    match t {
        EdmType::Byte | EdmType::SByte | EdmType::Int16 | EdmType::Int32 => Some(0),
        EdmType::Int64 => Some(1),
        EdmType::Decimal => Some(2),
        EdmType::Single | EdmType::Double => Some(3),
        _ => None,
    }
}

/// The type two numeric operands are promoted to (`None` unless both are numeric).
pub fn promote(a: &EdmType, b: &EdmType) -> Option<EdmType> {
    let r = numeric_rank(a)?.max(numeric_rank(b)?);
    Some(match r {
        0 => EdmType::Int32,
        1 => EdmType::Int64,
        2 => EdmType::Decimal,
        _ => EdmType::Double,
    })
}

/// True for the types `gt ge lt le` accept.
pub fn orderable(t: &EdmType) -> bool {
    t.is_numeric()
        || matches!(
            t,
            EdmType::Boolean
                | EdmType::String
                | EdmType::Guid
                | EdmType::Date
                | EdmType::DateTimeOffset
                | EdmType::TimeOfDay
                | EdmType::Duration
                | EdmType::Binary
                | EdmType::Enum(_)
        )
}

/// The type both operands of `left op right` are compared as (`None` inside for `null eq null`), or
/// `None` when the operator does not apply to these types. `None` operand types are untyped nulls.
pub fn compare_type(
    op: CompareOp,
    left: Option<&EdmType>,
    right: Option<&EdmType>,
) -> Option<Option<EdmType>> {
    let equality = op.is_equality();
    match (left, right) {
        (None, None) => Some(None),
        (Some(t), None) | (None, Some(t)) => {
            if !equality && !orderable(t) || matches!(t, EdmType::Collection(_)) {
                None
            } else {
                Some(Some(t.clone()))
            }
        }
        (Some(a), Some(b)) => {
            let common = if let Some(p) = promote(a, b) {
                Some(p)
            } else if a == b && (a.is_primitive() || matches!(a, EdmType::Enum(_))) {
                Some(a.clone())
            } else {
                None
            };
            match common {
                Some(t) if equality || orderable(&t) => Some(Some(t)),
                _ => None,
            }
        }
    }
}

/// The result type of `left op right` (`None` inside for `null add null`), or `None` when the
/// operator does not apply: numeric promotion (`divby` gives a Decimal or a Double), and the date-time
/// rules (DateTimeOffset `sub` DateTimeOffset is a Duration, Date `add` Duration a Date, …).
pub fn arithmetic_type(
    op: ArithmeticOp,
    left: Option<&EdmType>,
    right: Option<&EdmType>,
) -> Option<Option<EdmType>> {
    use ArithmeticOp as A;
    use EdmType as T;
    match (op, left, right) {
        (_, None, None) => Some(None),
        (_, Some(t), None) | (_, None, Some(t))
            if t.is_numeric() || matches!(t, T::Duration | T::DateTimeOffset | T::Date) =>
        {
            Some(Some(t.clone()))
        }
        (A::DivBy, Some(a), Some(b)) => promote(a, b).map(|p| {
            Some(if p == T::Double {
                T::Double
            } else {
                T::Decimal
            })
        }),
        (_, Some(a), Some(b)) if a.is_numeric() && b.is_numeric() => promote(a, b).map(Some),
        (A::Add | A::Sub, Some(T::DateTimeOffset), Some(T::Duration)) => {
            Some(Some(T::DateTimeOffset))
        }
        (A::Add | A::Sub, Some(T::Date), Some(T::Duration)) => Some(Some(T::Date)),
        (A::Add | A::Sub, Some(T::Duration), Some(T::Duration))
        | (A::Sub, Some(T::DateTimeOffset), Some(T::DateTimeOffset))
        | (A::Sub, Some(T::Date), Some(T::Date)) => Some(Some(T::Duration)),
        _ => None,
    }
}

/// True for the operand types of unary `-`: numbers and durations.
pub fn negatable(t: &EdmType) -> bool {
    t.is_numeric() || *t == EdmType::Duration
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_truth_tables() {
        let vals = [Some(true), Some(false), None];
        let and_expected = [
            [Some(true), Some(false), None],
            [Some(false), Some(false), Some(false)],
            [None, Some(false), None],
        ];
        let or_expected = [
            [Some(true), Some(true), Some(true)],
            [Some(true), Some(false), None],
            [Some(true), None, None],
        ];
        for (i, a) in vals.iter().enumerate() {
            for (j, b) in vals.iter().enumerate() {
                assert_eq!(and3(*a, *b), and_expected[i][j], "{a:?} and {b:?}");
                assert_eq!(or3(*a, *b), or_expected[i][j], "{a:?} or {b:?}");
            }
        }
        assert_eq!(not3(Some(true)), Some(false));
        assert_eq!(not3(Some(false)), Some(true));
        assert_eq!(not3(None), None);
    }

    #[test]
    fn comparison_outcomes_for_every_ordering() {
        use Ordering::*;
        let table = [
            (CompareOp::Eq, [false, true, false, false]),
            (CompareOp::Ne, [true, false, true, true]),
            (CompareOp::Gt, [false, false, true, false]),
            (CompareOp::Ge, [false, true, true, false]),
            (CompareOp::Lt, [true, false, false, false]),
            (CompareOp::Le, [true, true, false, false]),
        ];
        for (op, expected) in table {
            let got = [Some(Less), Some(Equal), Some(Greater), None].map(|o| op.holds(o));
            assert_eq!(got, expected, "{op:?}");
            assert_eq!(op.flip().flip(), op);
        }
    }

    #[test]
    fn null_comparisons() {
        for op in [CompareOp::Gt, CompareOp::Ge, CompareOp::Lt, CompareOp::Le] {
            assert!(!op.with_null(true, false));
            assert!(!op.with_null(false, true));
            assert!(!op.with_null(true, true));
        }
        assert!(CompareOp::Eq.with_null(true, true));
        assert!(!CompareOp::Eq.with_null(true, false));
        assert!(!CompareOp::Ne.with_null(true, true));
        assert!(CompareOp::Ne.with_null(false, true));
    }

    #[test]
    fn three_valued_logic_example() {
        use crate::semantics::{and3, not3, or3};
        assert_eq!(and3(None, Some(false)), Some(false));
        assert_eq!(and3(None, Some(true)), None);
        assert_eq!(or3(None, Some(true)), Some(true));
        assert_eq!(not3(None), None);
    }

    #[test]
    fn holds_example() {
        use crate::semantics::CompareOp;
        use std::cmp::Ordering;
        assert!(CompareOp::Ge.holds(Some(Ordering::Equal)));
        assert!(!CompareOp::Eq.holds(None));
        assert!(CompareOp::Ne.holds(None));
    }

    #[test]
    fn with_null_example() {
        use crate::semantics::CompareOp;
        assert!(CompareOp::Eq.with_null(true, true));
        assert!(CompareOp::Ne.with_null(true, false));
        assert!(!CompareOp::Le.with_null(true, true));
    }

    #[test]
    fn compare_type_example() {
        use crate::schema::EdmType;
        use crate::semantics::{compare_type, CompareOp};
        assert_eq!(
            compare_type(CompareOp::Lt, Some(&EdmType::Int32), Some(&EdmType::Int64)),
            Some(Some(EdmType::Int64))
        );
        assert_eq!(
            compare_type(CompareOp::Eq, Some(&EdmType::String), Some(&EdmType::Int32)),
            None
        );
        assert_eq!(compare_type(CompareOp::Eq, None, None), Some(None));
    }
}
