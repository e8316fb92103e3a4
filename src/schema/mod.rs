//! Entity schemas as data: EDM types, enum and structured types, entity sets.
//!
//! The validator resolves every name of a `$filter` against an [`EntitySet`]; what it resolves to is a
//! [`PropertyId`] (an index into a [`StructuredType`]'s property list), so that later stages never look a
//! name up again. A schema is derived from Rust types ([`crate::typed`]; the built-in MDE sets are in
//! [`crate::mde`]) or built in code with the builders:
//!
//! ```
//! use odata_filter::schema::{EdmType, EntitySet, EnumType, StructuredType};
//!
//! let priority = EnumType::builder("Shop", "Priority")
//!     .member("Low")
//!     .member("High")
//!     .build()
//!     .unwrap();
//! let order = StructuredType::entity("Shop", "Order")
//!     .property("id", EdmType::Int64)
//!     .property("priority", EdmType::Enum(priority))
//!     .nullable("note", EdmType::String)
//!     .build()
//!     .unwrap();
//! let orders = EntitySet::builder("Orders", order)
//!     .filterable(["id", "priority"])
//!     .top_cap(500)
//!     .build()
//!     .unwrap();
//! assert_eq!(orders.top_cap(), Some(500));
//! let id = orders.entity_type().property_id("priority").unwrap();
//! assert!(orders.is_filterable(id));
//! ```

mod edm;
mod entity_set;
mod enums;
mod structured;

pub use edm::EdmType;
pub use entity_set::{EntitySet, EntitySetBuilder};
pub use enums::{EnumMember, EnumType, EnumTypeBuilder};
pub(crate) use structured::Lookup;
pub use structured::{Property, PropertyId, StructuredKind, StructuredType, StructuredTypeBuilder};

/// A schema definition problem found by a builder: a duplicate name, an unknown filterable property, …
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SchemaError(String);

impl SchemaError {
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.0
    }
}
