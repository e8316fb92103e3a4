//! The typing rules of the built-in functions: what each argument position accepts and what a call
//! returns (one table, [`signature`]), and which casts exist. The validator reads them to type a
//! call and word its errors; the typed IR's checked constructors read them to refuse a call or a
//! cast that the validator would reject.

use crate::ast::Function;
use crate::error::ParamType;
use crate::schema::EdmType;

/// The parameters (one per position; the arity itself is the grammar's, [`Function::arity`]) and the
/// result of a function.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Signature {
    pub(crate) params: &'static [ParamType],
    result: Returns,
}

/// The result type of a call.
#[derive(Clone, Debug, PartialEq)]
enum Returns {
    Fixed(EdmType),
    /// `round`, `floor`, `ceiling`: Double for a floating-point argument, Decimal otherwise.
    DoubleOrDecimal,
}

impl Signature {
    /// The result type of a call whose first argument is of type `first` (`None`: null or none).
    pub(crate) fn result(&self, first: Option<&EdmType>) -> EdmType {
        match &self.result {
            Returns::Fixed(t) => t.clone(),
            Returns::DoubleOrDecimal => match first {
                Some(EdmType::Double | EdmType::Single) => EdmType::Double,
                _ => EdmType::Decimal,
            },
        }
    }
}

/// The signature table: one row per function. `None` for the functions typed elsewhere (`cast`,
/// `isof`) or not supported.
pub(crate) fn signature(function: Function) -> Option<Signature> {
    use EdmType as T;
    use Function as F;
    use ParamType::{DateLike, Integer as Int, Number, String as Str, TimeLike};
    use Returns::*;
    const DATE_TIME: ParamType = ParamType::DateTimeOffset;
    const DURATION: ParamType = ParamType::Duration;
    let (params, result): (&'static [ParamType], Returns) = match function {
        F::Contains | F::StartsWith | F::EndsWith | F::MatchesPattern => {
            (&[Str, Str], Fixed(T::Boolean))
        }
        F::IndexOf => (&[Str, Str], Fixed(T::Int32)),
        F::Concat => (&[Str, Str], Fixed(T::String)),
        F::Length => (&[Str], Fixed(T::Int32)),
        F::ToLower | F::ToUpper | F::Trim => (&[Str], Fixed(T::String)),
        F::Substring => (&[Str, Int, Int], Fixed(T::String)),
        F::Year | F::Month | F::Day => (&[DateLike], Fixed(T::Int32)),
        F::Hour | F::Minute | F::Second => (&[TimeLike], Fixed(T::Int32)),
        F::FractionalSeconds => (&[TimeLike], Fixed(T::Decimal)),
        F::Date => (&[DATE_TIME], Fixed(T::Date)),
        F::Time => (&[DATE_TIME], Fixed(T::TimeOfDay)),
        F::TotalOffsetMinutes => (&[DATE_TIME], Fixed(T::Int32)),
        F::TotalSeconds => (&[DURATION], Fixed(T::Decimal)),
        F::Round | F::Floor | F::Ceiling => (&[Number], DoubleOrDecimal),
        F::Now | F::MaxDateTime | F::MinDateTime => (&[], Fixed(T::DateTimeOffset)),
        _ => return None,
    };
    Some(Signature { params, result })
}

impl ParamType {
    /// The type an untyped literal in this position takes.
    pub(crate) fn hint(self) -> Option<EdmType> {
        match self {
            ParamType::String => Some(EdmType::String),
            ParamType::Integer => Some(EdmType::Int32),
            ParamType::DateTimeOffset => Some(EdmType::DateTimeOffset),
            ParamType::Duration => Some(EdmType::Duration),
            ParamType::DateLike | ParamType::TimeLike | ParamType::Number => None,
        }
    }

    /// True when a value of type `t` may stand in this position.
    pub(crate) fn accepts(self, t: &EdmType) -> bool {
        match self {
            ParamType::String => *t == EdmType::String,
            ParamType::Integer => t.is_integer(),
            ParamType::DateLike => matches!(t, EdmType::Date | EdmType::DateTimeOffset),
            ParamType::TimeLike => matches!(t, EdmType::DateTimeOffset | EdmType::TimeOfDay),
            ParamType::DateTimeOffset => *t == EdmType::DateTimeOffset,
            ParamType::Duration => *t == EdmType::Duration,
            ParamType::Number => t.is_numeric(),
        }
    }
}

/// True when `cast(x, to)` exists for `x` of type `from` (`None`: null, which casts to anything):
/// to the same type, anything primitive or enum to and from String, numbers among themselves, Date
/// and DateTimeOffset into each other.
pub(crate) fn castable(from: Option<&EdmType>, to: &EdmType) -> bool {
    match from {
        None => true,
        Some(t) if t == to => true,
        Some(t) if !t.is_primitive() && !matches!(t, EdmType::Enum(_)) => false,
        Some(_) if *to == EdmType::String => true,
        Some(EdmType::String) => true,
        Some(t) if t.is_numeric() && to.is_numeric() => true,
        Some(EdmType::Date) => *to == EdmType::DateTimeOffset,
        Some(EdmType::DateTimeOffset) => *to == EdmType::Date,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table has a parameter for every position the grammar allows.
    #[test]
    fn signatures_cover_the_grammars_arity() {
        for f in Function::ALL.iter().copied() {
            if let Some(sig) = signature(f) {
                assert_eq!(sig.params.len(), f.arity().1, "{}", f.name());
            }
        }
    }

    #[test]
    fn casts_between_dates_and_strings_exist_and_booleans_to_numbers_do_not() {
        assert!(castable(Some(&EdmType::Date), &EdmType::DateTimeOffset));
        assert!(castable(Some(&EdmType::Int32), &EdmType::String));
        assert!(castable(None, &EdmType::Guid));
        assert!(!castable(Some(&EdmType::Boolean), &EdmType::Int32));
        assert!(!castable(Some(&EdmType::Guid), &EdmType::Date));
    }
}
