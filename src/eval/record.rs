//! Records: what a filter is evaluated against.
//!
//! A [`Record`] hands out the value of one of its properties, addressed by the property's position in
//! its schema type (a `PropertyId` index) *and* its canonical name; a typed struct uses the index (a
//! jump table), a JSON object uses the name. Nested complex values and collections come back as
//! [`Field::Node`] / [`Field::Items`] (or as raw [`Field::Json`]), so paths like
//! `relatedFileInfo/fileIdentifier` and lambdas over `commands` work on both.
//!
//! Records never fail: a missing property or a value of the wrong JSON type is simply interpreted as
//! null by the evaluator.
//!
//! ```
//! use odata_filter::eval::{Field, Record};
//! let json = serde_json::json!({"status": "Pending", "machineId": null});
//! let obj = json.as_object().unwrap();
//! assert!(matches!(obj.field(5, "status"), Field::Json(v) if v == "Pending"));
//! assert!(matches!(obj.field(6, "machineId"), Field::Null));
//! assert!(matches!(obj.field(0, "nope"), Field::Null));
//! ```

use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

/// The value of one property of a record, borrowed from it.
#[derive(Clone, Copy)]
pub enum Field<'r> {
    /// Null, or absent.
    Null,
    /// A Boolean.
    Bool(bool),
    /// Any integer type.
    Int(i64),
    /// `Edm.Double`/`Edm.Single`.
    Double(f64),
    /// A string.
    Str(&'r str),
    /// A Guid.
    Guid(Uuid),
    /// A date-time with its offset.
    DateTimeOffset(DateTime<FixedOffset>),
    /// An enum member: its integer value (for the built-in MDE enums: the declared position) and name.
    Enum {
        /// The member's integer value.
        value: i64,
        /// The member's name.
        name: &'r str,
    },
    /// A JSON value, interpreted by the evaluator against the property's declared type (a string may
    /// be a Guid, a date-time or an enum member; an object is a complex value; an array a collection).
    Json(&'r serde_json::Value),
    /// A complex value (a nested record).
    Node(&'r dyn Record),
    /// A collection.
    Items(&'r dyn Items),
}

impl std::fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Null => f.write_str("Null"),
            Field::Bool(b) => write!(f, "Bool({b})"),
            Field::Int(i) => write!(f, "Int({i})"),
            Field::Double(d) => write!(f, "Double({d})"),
            Field::Str(s) => write!(f, "Str({s:?})"),
            Field::Guid(g) => write!(f, "Guid({g})"),
            Field::DateTimeOffset(t) => write!(f, "DateTimeOffset({})", t.to_rfc3339()),
            Field::Enum { value, name } => write!(f, "Enum({name}={value})"),
            Field::Json(v) => write!(f, "Json({v})"),
            Field::Node(_) => f.write_str("Node(..)"),
            Field::Items(items) => write!(f, "Items(len {})", items.len()),
        }
    }
}

/// Property access for evaluation: `index` is the property's position in its schema type (its
/// `PropertyId`), `name` its canonical name. Implementations may use either.
///
/// ```
/// use odata_filter::eval::{Field, Record};
/// struct Point { x: i64 }
/// impl Record for Point {
///     fn field(&self, index: usize, _name: &str) -> Field<'_> {
///         match index { 0 => Field::Int(self.x), _ => Field::Null }
///     }
/// }
/// assert!(matches!(Point { x: 3 }.field(0, "x"), Field::Int(3)));
/// ```
pub trait Record {
    /// The value of the property at `index` named `name`; [`Field::Null`] when absent.
    fn field(&self, index: usize, name: &str) -> Field<'_>;

    /// True when [`Record::field`] dispatches on `index` with a `match` that folds away for a
    /// constant index (a typed struct): compiled filters then run one specialised loop per property.
    /// Default `false` (name-based records gain nothing from it).
    fn indexed() -> bool
    where
        Self: Sized,
    {
        false
    }

    /// Hands `visitor` an accessor for the property at `index` named `name`: a function from a
    /// record to that one property's value. A filter compiled for this record type
    /// ([`TypedFilter::compile_for`](crate::validate::TypedFilter::compile_for)) builds each of its
    /// checks around one, so that for a typed struct a check is a direct field read and a
    /// comparison. The default accessor calls [`Record::field`]; `#[derive(EntityType)]` and
    /// `#[derive(ComplexType)]` pass one field read per property.
    ///
    /// ```
    /// use odata_filter::eval::{AccessorVisitor, Field, Record};
    /// struct Point { x: i64 }
    /// impl Record for Point {
    ///     fn field(&self, index: usize, _name: &str) -> Field<'_> {
    ///         match index { 0 => Field::Int(self.x), _ => Field::Null }
    ///     }
    ///     fn with_accessor<V: AccessorVisitor<Self>>(index: usize, _name: &str, v: V) -> V::Output {
    ///         match index {
    ///             0 => v.visit(|p: &Point| Field::Int(p.x)),
    ///             _ => v.visit(|_: &Point| Field::Null),
    ///         }
    ///     }
    /// }
    /// let f = odata_filter::validate::validate_text(
    ///     "x gt 2",
    ///     &odata_filter::schema::EntitySet::builder(
    ///         "Points",
    ///         odata_filter::schema::StructuredType::entity("Default", "Point")
    ///             .property("x", odata_filter::schema::EdmType::Int64)
    ///             .build()
    ///             .unwrap(),
    ///     )
    ///     .filterable(["x"])
    ///     .build()
    ///     .unwrap(),
    ///     &Default::default(),
    /// )
    /// .unwrap()
    /// .compile_for::<Point>();
    /// assert!(f.matches(&Point { x: 3 }));
    /// assert!(!f.matches(&Point { x: 2 }));
    /// ```
    fn with_accessor<V: AccessorVisitor<Self>>(index: usize, name: &str, visitor: V) -> V::Output
    where
        Self: Sized + 'static,
    {
        let name: Box<str> = name.into();
        visitor.visit(move |r: &Self| r.field(index, &name))
    }
}

/// What is built from a record type's accessor for one property (see [`Record::with_accessor`]):
/// [`AccessorVisitor::visit`] is generic over the accessor, so what it builds calls the accessor
/// directly (in line), not through a pointer.
pub trait AccessorVisitor<R> {
    /// What is built.
    type Output;

    /// Builds the output around `accessor`, which reads one property of a record.
    fn visit<A>(self, accessor: A) -> Self::Output
    where
        A: for<'r> Fn(&'r R) -> Field<'r> + Send + Sync + 'static;
}

/// A collection value of a record: indexed access to its elements.
pub trait Items {
    /// Number of elements.
    fn len(&self) -> usize;
    /// True when there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The element at `i` (null when out of range).
    fn item(&self, i: usize) -> Field<'_>;
}

impl Record for serde_json::Map<String, serde_json::Value> {
    fn field(&self, _index: usize, name: &str) -> Field<'_> {
        match self.get(name) {
            None | Some(serde_json::Value::Null) => Field::Null,
            Some(v) => Field::Json(v),
        }
    }
}

/// A JSON value as a record: an object's properties; anything else has none (all null).
impl Record for serde_json::Value {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        match self {
            serde_json::Value::Object(map) => map.field(index, name),
            _ => Field::Null,
        }
    }
}

impl<R: Record + ?Sized> Record for &R {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        (**self).field(index, name)
    }
}

impl<R: Record + ?Sized> Record for Box<R> {
    fn field(&self, index: usize, name: &str) -> Field<'_> {
        (**self).field(index, name)
    }
}

/// A collection property: `Vec<T>` of any property type.
impl<T: crate::typed::FieldValue> Items for Vec<T> {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    #[inline]
    fn item(&self, i: usize) -> Field<'_> {
        self.get(i).map_or(Field::Null, T::field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_non_objects_have_no_properties() {
        assert!(matches!(serde_json::json!([1]).field(0, "a"), Field::Null));
        assert!(matches!(
            serde_json::json!({"a": 1}).field(0, "a"),
            Field::Json(_)
        ));
    }
}
