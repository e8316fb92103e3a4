//! Reading a record [`Field`] as a [`Value`] of its declared type (`docs/semantics.md` §6): data that
//! does not fit the type reads as null.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::eval::record::Field;
use crate::schema::EdmType;
use crate::semantics::scalar as sem;
use crate::semantics::values::{cast, fits};
use crate::value::{EnumValue, Value};

/// Reads a record field as a value of its declared type. A field whose data does not fit the type
/// (a JSON number for a string property, an unknown enum member, a malformed date-time) is null.
pub fn field_value(f: Field<'_>, ty: &EdmType) -> Value {
    use Value as V;
    match f {
        Field::Null | Field::Node(_) | Field::Items(_) => V::Null,
        Field::Bool(b) => match ty {
            EdmType::Boolean => V::Boolean(b),
            _ => V::Null,
        },
        Field::Int(i) => int_as(i, ty),
        Field::Double(d) => match ty {
            EdmType::Double | EdmType::Single => V::Double(d),
            EdmType::Decimal => sem::f64_to_decimal(d).map_or(V::Null, V::Decimal),
            t if t.is_integer() && d.fract() == 0.0 && d.abs() < 9.2e18 => int_as(d as i64, t),
            _ => V::Null,
        },
        Field::Str(s) => str_as(s, ty),
        Field::Guid(g) => match ty {
            EdmType::Guid => V::Guid(g),
            _ => V::Null,
        },
        Field::DateTimeOffset(t) => match ty {
            EdmType::DateTimeOffset => V::DateTimeOffset(t),
            _ => V::Null,
        },
        Field::Enum { value, name } => match ty {
            EdmType::Enum(e) => match e.member(name) {
                Some(m) => V::Enum(EnumValue {
                    ty: Arc::clone(e),
                    value: m.value(),
                }),
                None if e.member_by_value(value).is_some() => V::Enum(EnumValue {
                    ty: Arc::clone(e),
                    value,
                }),
                None => V::Null,
            },
            _ => V::Null,
        },
        Field::Json(j) => match j {
            serde_json::Value::Bool(b) => field_value(Field::Bool(*b), ty),
            serde_json::Value::Number(n) => {
                if let EdmType::Decimal = ty {
                    return n
                        .to_string()
                        .parse::<Decimal>()
                        .or_else(|_| Decimal::from_scientific(&n.to_string()))
                        .map_or(V::Null, V::Decimal);
                }
                match n.as_i64() {
                    Some(i) => field_value(Field::Int(i), ty),
                    None => match n.as_f64() {
                        Some(d) => field_value(Field::Double(d), ty),
                        None => V::Null,
                    },
                }
            }
            serde_json::Value::String(s) => str_as(s, ty),
            _ => V::Null,
        },
    }
}

/// Whether a field is null when read as `ty`: absent, JSON null, or data that does not fit the type
/// (a complex value must be an object, a collection an array). Cheaper than [`field_value`].
pub fn field_is_null(f: Field<'_>, ty: &EdmType) -> bool {
    match ty {
        EdmType::Complex(_) => !matches!(
            f,
            Field::Node(_) | Field::Json(serde_json::Value::Object(_))
        ),
        EdmType::Collection(_) => !matches!(
            f,
            Field::Items(_) | Field::Json(serde_json::Value::Array(_))
        ),
        _ => match (f, ty) {
            (Field::Null, _) => true,
            (Field::Str(_), EdmType::String) => false,
            (Field::Json(serde_json::Value::String(_)), EdmType::String) => false,
            (Field::Guid(_), EdmType::Guid) => false,
            (Field::DateTimeOffset(_), EdmType::DateTimeOffset) => false,
            (Field::Enum { .. }, EdmType::Enum(_)) => field_value(f, ty).is_null(),
            _ => field_value(f, ty).is_null(),
        },
    }
}

fn int_as(i: i64, ty: &EdmType) -> Value {
    match ty {
        t if t.is_integer() && fits(i, t) => Value::Int(i),
        EdmType::Decimal => Value::Decimal(sem::int_to_decimal(i)),
        EdmType::Double | EdmType::Single => Value::Double(i as f64),
        EdmType::Enum(e) if e.member_by_value(i).is_some() || e.is_flags() => {
            Value::Enum(EnumValue {
                ty: Arc::clone(e),
                value: i,
            })
        }
        _ => Value::Null,
    }
}

fn str_as(s: &str, ty: &EdmType) -> Value {
    match ty {
        EdmType::String => Value::String(s.to_string()),
        EdmType::Enum(e) => match e.member(s) {
            Some(m) => Value::Enum(EnumValue {
                ty: Arc::clone(e),
                value: m.value(),
            }),
            None => Value::Null,
        },
        // IEEE754Compatible JSON writes Int64, Decimal and special doubles as strings.
        EdmType::Double | EdmType::Single | EdmType::Decimal | EdmType::Int64 => {
            cast(&Value::String(s.to_string()), ty)
        }
        EdmType::Guid
        | EdmType::DateTimeOffset
        | EdmType::Date
        | EdmType::TimeOfDay
        | EdmType::Duration => cast(&Value::String(s.to_string()), ty),
        EdmType::Binary => {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE
                .decode(s)
                .or_else(|_| base64::engine::general_purpose::STANDARD.decode(s))
                .map_or(Value::Null, Value::Binary)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mde::machine_actions;

    fn status(name: &str) -> Value {
        let ty = machine_actions().entity_type();
        let p = ty.property(ty.property_id("status").unwrap()).unwrap();
        Value::Enum(EnumValue::from_member(p.ty().as_enum().unwrap(), name).unwrap())
    }

    #[test]
    fn fields_of_the_wrong_type_read_as_null() {
        let j = serde_json::json!({"n": 5, "s": "x", "b": true, "a": [1], "o": {}, "big": 3000000000u64, "f": 1.5});
        let f = |k: &str| Field::Json(&j[k]);
        assert_eq!(field_value(f("n"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::Int64), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::Guid), Value::Null);
        assert_eq!(field_value(f("s"), &EdmType::DateTimeOffset), Value::Null);
        assert_eq!(field_value(f("b"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("a"), &EdmType::String), Value::Null);
        assert_eq!(field_value(f("o"), &EdmType::Int32), Value::Null);
        assert_eq!(field_value(f("big"), &EdmType::Int32), Value::Null);
        assert_eq!(
            field_value(f("big"), &EdmType::Int64),
            Value::Int(3_000_000_000)
        );
        assert_eq!(field_value(f("f"), &EdmType::Int64), Value::Null);
        assert_eq!(
            field_value(f("f"), &EdmType::Decimal),
            Value::Decimal("1.5".parse().unwrap())
        );
        let ty = machine_actions().entity_type();
        let st = ty
            .property(ty.property_id("status").unwrap())
            .unwrap()
            .ty()
            .clone();
        assert_eq!(field_value(f("s"), &st), Value::Null);
        let ok = serde_json::json!("Failed");
        assert_eq!(field_value(Field::Json(&ok), &st), status("Failed"));
        assert_eq!(
            field_value(
                Field::Enum {
                    value: 3,
                    name: "Failed"
                },
                &st
            ),
            status("Failed")
        );
        let inf = serde_json::json!("INF");
        assert_eq!(
            field_value(Field::Json(&inf), &EdmType::Double),
            Value::Double(f64::INFINITY)
        );
    }

    #[test]
    fn field_value_example() {
        use crate::eval::{read::field_value, Field};
        use crate::schema::EdmType;
        use crate::value::Value;
        let json = serde_json::json!("2024-01-01T00:00:00Z");
        assert!(matches!(
            field_value(Field::Json(&json), &EdmType::DateTimeOffset),
            Value::DateTimeOffset(_)
        ));
        assert_eq!(
            field_value(Field::Json(&json), &EdmType::Int32),
            Value::Null
        );
    }

    #[test]
    fn field_is_null_example() {
        use crate::eval::{read::field_is_null, Field};
        use crate::schema::EdmType;
        assert!(field_is_null(Field::Null, &EdmType::String));
        assert!(!field_is_null(Field::Str("x"), &EdmType::String));
        assert!(field_is_null(Field::Str("x"), &EdmType::Guid));
    }
}
