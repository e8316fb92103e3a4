//! Rust types as entity types: `#[derive(EntityType)]`, `#[derive(ComplexType)]`, `#[derive(EnumType)]`.
//!
//! One struct, with the serde attributes it already has, states an entity once: the derive makes its
//! [`EntitySet`] for validation (property names as serde writes them, EDM types from the Rust types,
//! nullability from `Option`) and its typed, index-dispatched [`Record`] access for compiled filters.
//! The same struct reads JSON with serde; JSON records of the same schema filter the same way.
//!
//! ```
//! use odata_filter::typed::Entity;
//! use odata_filter::{ComplexType, EntityType, EnumType};
//!
//! #[derive(Clone, Copy, serde::Serialize, serde::Deserialize, EnumType)]
//! #[odata(namespace = "Shop")]
//! enum Priority { Low, Normal, Urgent }
//!
//! #[derive(serde::Serialize, serde::Deserialize, ComplexType)]
//! #[serde(rename_all = "camelCase")]
//! #[odata(namespace = "Shop")]
//! struct Address { city: String, post_code: Option<String> }
//!
//! #[derive(serde::Serialize, serde::Deserialize, EntityType)]
//! #[serde(rename_all = "camelCase")]
//! #[odata(namespace = "Shop", entity_set = "Orders", top_cap = 500, default_order = "placed desc, id")]
//! struct Order {
//!     #[odata(filterable)]
//!     id: i64,
//!     #[odata(filterable)]
//!     priority: Priority,
//!     #[odata(filterable)]
//!     placed: chrono::DateTime<chrono::Utc>,
//!     #[odata(filterable)]
//!     ship_to: Option<Address>,
//!     #[odata(filterable)]
//!     tags: Vec<String>,
//!     #[serde(rename = "total")]
//!     total_amount: f64,
//! }
//!
//! let set = Order::entity_set();
//! assert_eq!(set.name(), "Orders");
//! assert_eq!(set.top_cap(), Some(500));
//! assert_eq!(set.entity_type().qualified_name(), "Shop.Order");
//! let ty = set.entity_type();
//! let names: Vec<String> = ty.properties().iter().map(|p| format!("{} {}", p.name(), p.ty())).collect();
//! assert_eq!(names, ["id Edm.Int64", "priority Shop.Priority", "placed Edm.DateTimeOffset",
//!     "shipTo Shop.Address", "tags Collection(Edm.String)", "total Edm.Double"]);
//!
//! let order = Order {
//!     id: 7,
//!     priority: Priority::Urgent,
//!     placed: "2024-05-01T10:00:00Z".parse().unwrap(),
//!     ship_to: Some(Address { city: "Oslo".into(), post_code: None }),
//!     tags: vec!["gift".into()],
//!     total_amount: 99.5,
//! };
//! let filter = odata_filter::validate::validate_text(
//!     "priority ge 'Normal' and shipTo/city eq 'Oslo' and tags/any(t: t eq 'gift')",
//!     set,
//!     &Default::default(),
//! )
//! .unwrap()
//! .compile();
//! assert!(filter.matches(&order));
//! // The same record as JSON filters the same way.
//! assert!(filter.matches(&serde_json::to_value(&order).unwrap()));
//! ```
//!
//! ## Attributes
//!
//! On the type: `#[odata(namespace = …)]` (a string or a `&str` constant; default `"Default"`),
//! `#[odata(name = "…")]` (the EDM type name; default: the Rust name); for an entity type also
//! `entity_set = "…"` (required), `top_cap = N` and `default_order = "property [asc|desc], …"` (the
//! order of results without `$orderby`). serde's `rename_all` names the properties (and enum members).
//!
//! On a field: serde's `rename` and `skip`; `#[odata(filterable)]` (entity types only),
//! `#[odata(nullable)]` (nullable in the schema although the Rust type is not an `Option`),
//! `#[odata(edm = "Edm.String")]` (the EDM type of a field the derive cannot infer it for, e.g. a raw
//! `serde_json::Value`), `#[odata(skip)]`.
//!
//! Field types: `bool`, `u8`, `i8`, `i16`, `i32`, `i64`, `f32`, `f64`, `String`, [`uuid::Uuid`],
//! `chrono::DateTime<Utc>` / `<FixedOffset>`, a type deriving `EnumType` or `ComplexType`,
//! `Option<T>` (nullable) and `Vec<T>` (a collection) of those. Anything else is a compile error at the
//! field's type:
//!
//! ```compile_fail
//! #[derive(odata_filter::EntityType)]
//! #[odata(entity_set = "Things")]
//! struct Thing { count: u64 } // error: u64 has no EDM type … use i32 or i64
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::EntityType)]
//! #[odata(entity_set = "Things")]
//! struct Thing { tags: Option<Vec<String>> } // error: an OData collection is never null
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::EntityType)]
//! #[odata(entity_set = "Things")]
//! struct Thing { extra: std::collections::HashMap<String, String> } // error: a map has no EDM type
//! ```
//!
//! ```compile_fail
//! struct NotDerived;
//! #[derive(odata_filter::EntityType)]
//! #[odata(entity_set = "Things")]
//! struct Thing { inner: NotDerived } // error: `NotDerived: EdmField` is not satisfied
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::EntityType)]
//! struct Thing { id: i64 } // error: needs #[odata(entity_set = "…")]
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::ComplexType)]
//! struct Part { #[odata(filterable)] id: i64 } // error: `filterable` belongs on an entity type
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::EnumType)]
//! enum Shape { Circle(f64), Square } // error: members carry no data
//! ```
//!
//! ```compile_fail
//! #[derive(odata_filter::EntityType)]
//! #[odata(entity_set = "Things", default_order = "nope desc")]
//! struct Thing { id: i64 } // error: 'nope' is not a property of Thing
//! ```

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;

use crate::eval::{Field, Record};
use crate::schema::{EdmType, EntitySet, EnumType, StructuredType};

/// A Rust type a record property can have: how a record reads it as a [`Field`].
// The derives' support, not API: the generated code reads each field through it.
#[doc(hidden)]
pub trait FieldValue {
    /// True when the value may be absent (an `Option`).
    const NULLABLE: bool = false;

    /// The value, borrowed.
    fn field(&self) -> Field<'_>;
}

/// A [`FieldValue`] with an EDM type of its own.
// The derives' support, not API: the generated code takes each field's EDM type from it.
#[doc(hidden)]
pub trait EdmField: FieldValue {
    /// The property type in the schema.
    fn edm_type() -> EdmType;
}

/// An entity or complex type declared by a Rust struct.
pub trait Structured: Record {
    /// The property names, in declared order: the property at index `i` is `PROPERTY_NAMES[i]`.
    const PROPERTY_NAMES: &'static [&'static str];

    /// The schema type (built once).
    fn structured_type() -> &'static Arc<StructuredType>;
}

/// An entity type declared by a Rust struct (`#[derive(EntityType)]`).
pub trait Entity: Structured {
    /// Its entity set (built once).
    fn entity_set() -> &'static EntitySet;
}

/// A complex type declared by a Rust struct (`#[derive(ComplexType)]`): it can be the type of a property.
pub trait Complex: Structured + EdmField {}

/// An enum type declared by a Rust enum (`#[derive(EnumType)]`).
pub trait Enum: EdmField + Sized + 'static {
    /// Every member, in declared order.
    const MEMBERS: &'static [Self];

    /// The member's name in the schema.
    fn member_name(&self) -> &'static str;

    /// The member's integer value.
    fn member_value(&self) -> i64;

    /// The schema type (built once).
    fn enum_type() -> &'static Arc<EnumType>;
}

macro_rules! primitive {
    ($($ty:ty => $edm:ident, |$v:ident| $field:expr;)*) => {$(
        impl FieldValue for $ty {
            #[inline(always)]
            fn field(&self) -> Field<'_> {
                let $v = self;
                $field
            }
        }
        impl EdmField for $ty {
            fn edm_type() -> EdmType {
                EdmType::$edm
            }
        }
    )*};
}

primitive! {
    bool => Boolean, |v| Field::Bool(*v);
    u8 => Byte, |v| Field::Int(i64::from(*v));
    i8 => SByte, |v| Field::Int(i64::from(*v));
    i16 => Int16, |v| Field::Int(i64::from(*v));
    i32 => Int32, |v| Field::Int(i64::from(*v));
    i64 => Int64, |v| Field::Int(*v);
    f32 => Single, |v| Field::Double(f64::from(*v));
    f64 => Double, |v| Field::Double(*v);
    String => String, |v| Field::Str(v);
    Uuid => Guid, |v| Field::Guid(*v);
    DateTime<Utc> => DateTimeOffset, |v| Field::DateTimeOffset(v.fixed_offset());
    DateTime<FixedOffset> => DateTimeOffset, |v| Field::DateTimeOffset(*v);
}

/// A raw JSON value, interpreted against the property's declared type (`#[odata(edm = "…")]`).
impl FieldValue for serde_json::Value {
    #[inline]
    fn field(&self) -> Field<'_> {
        match self {
            serde_json::Value::Null => Field::Null,
            v => Field::Json(v),
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    const NULLABLE: bool = true;

    #[inline(always)]
    fn field(&self) -> Field<'_> {
        match self {
            Some(v) => v.field(),
            None => Field::Null,
        }
    }
}

impl<T: EdmField> EdmField for Option<T> {
    fn edm_type() -> EdmType {
        T::edm_type()
    }
}

impl<T: FieldValue> FieldValue for Vec<T> {
    #[inline(always)]
    fn field(&self) -> Field<'_> {
        Field::Items(self)
    }
}

impl<T: EdmField> EdmField for Vec<T> {
    fn edm_type() -> EdmType {
        EdmType::Collection(Box::new(T::edm_type()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ComplexType, EntityType, EnumType};

    #[derive(Clone, Copy, serde::Serialize, EnumType)]
    #[serde(rename_all = "snake_case")]
    #[odata(name = "Level")]
    #[allow(dead_code)]
    enum Severity {
        LowRisk,
        #[serde(rename = "HIGH")]
        High = 10,
        Critical,
    }

    #[derive(serde::Serialize, ComplexType)]
    #[allow(dead_code)]
    struct Part {
        #[odata(nullable)]
        label: String,
    }

    #[derive(serde::Serialize, EntityType)]
    #[serde(rename_all = "camelCase")]
    #[odata(entity_set = "Things", namespace = NS)]
    #[allow(dead_code)]
    struct Thing {
        #[odata(filterable)]
        r#type: Severity,
        error_h_result: i32,
        #[serde(skip)]
        cache: Vec<u64>,
        #[odata(edm = "Edm.String")]
        raw: Option<serde_json::Value>,
        parts: Vec<Part>,
    }

    const NS: &str = "N.S";

    #[test]
    fn derived_names_follow_serde() {
        let members: Vec<(String, i64)> = Severity::enum_type()
            .members()
            .iter()
            .map(|m| (m.name().to_string(), m.value()))
            .collect();
        assert_eq!(
            members,
            [
                ("low_risk".into(), 0),
                ("HIGH".into(), 10),
                ("critical".into(), 11)
            ]
        );
        assert_eq!(Severity::enum_type().qualified_name(), "Default.Level");
        assert_eq!(
            Thing::PROPERTY_NAMES,
            ["type", "errorHResult", "raw", "parts"]
        );
        let ty = Thing::entity_set().entity_type();
        assert_eq!(ty.qualified_name(), "N.S.Thing");
        let raw = &ty.properties()[2];
        assert!(raw.is_nullable() && raw.ty() == &EdmType::String);
        let label = &Part::structured_type().properties()[0];
        assert!(label.is_nullable());
        assert_eq!(Thing::entity_set().filterable_properties().count(), 1);
    }

    #[test]
    fn typed_access_reads_by_index() {
        let t = Thing {
            r#type: Severity::High,
            error_h_result: -3,
            cache: vec![],
            raw: Some(serde_json::Value::Null),
            parts: vec![Part { label: "a".into() }],
        };
        assert!(matches!(
            t.field(0, ""),
            Field::Enum {
                value: 10,
                name: "HIGH"
            }
        ));
        assert!(matches!(t.field(1, ""), Field::Int(-3)));
        assert!(matches!(t.field(2, ""), Field::Null));
        let Field::Items(parts) = t.field(3, "") else {
            panic!("parts is a collection")
        };
        let Field::Node(part) = parts.item(0) else {
            panic!("a part is a node")
        };
        assert!(matches!(part.field(0, ""), Field::Str("a")));
        assert!(matches!(t.field(4, ""), Field::Null));
        assert!(Thing::indexed());
    }
}
