//! Entity and complex types: properties in declared order, looked up by name once and by
//! [`PropertyId`] afterwards.

use std::sync::Arc;

use super::{EdmType, SchemaError};

/// The index of a property in its [`StructuredType`]'s property list. Evaluation reads a record's value by
/// this index; no name lookup is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PropertyId(u32);

impl PropertyId {
    /// The id of the property at `index` of its type's [`StructuredType::properties`].
    pub(crate) const fn new(index: u32) -> Self {
        PropertyId(index)
    }

    /// The position in [`StructuredType::properties`].
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A structural property: a name, a type and whether it may be null.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    name: String,
    ty: EdmType,
    nullable: bool,
}

impl Property {
    /// The name, case as declared: `creationDateTimeUtc`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type.
    pub fn ty(&self) -> &EdmType {
        &self.ty
    }

    /// True when the value may be null.
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }
}

/// Whether a [`StructuredType`] is an entity type (has identity) or a complex type (a value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructuredKind {
    /// An entity type: `MachineAction`.
    Entity,
    /// A complex type: `RelatedFileInfo`.
    Complex,
}

/// An entity or complex type: a qualified name and its properties in declared order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructuredType {
    kind: StructuredKind,
    namespace: String,
    name: String,
    properties: Vec<Property>,
}

/// The outcome of a property name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Exactly one property matches.
    Found(PropertyId),
    /// No exact match and several case-insensitive ones.
    Ambiguous,
    /// Nothing matches.
    NotFound,
}

impl StructuredType {
    /// Starts an entity type `namespace.name`.
    pub fn entity(namespace: impl Into<String>, name: impl Into<String>) -> StructuredTypeBuilder {
        StructuredTypeBuilder::new(StructuredKind::Entity, namespace.into(), name.into())
    }

    /// Starts a complex type `namespace.name`.
    pub fn complex(namespace: impl Into<String>, name: impl Into<String>) -> StructuredTypeBuilder {
        StructuredTypeBuilder::new(StructuredKind::Complex, namespace.into(), name.into())
    }

    /// Entity or complex.
    pub fn kind(&self) -> StructuredKind {
        self.kind
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The unqualified name: `MachineAction`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// The properties in declared order; a [`PropertyId`] indexes this slice.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// The property with this id, if the id belongs to this type.
    pub fn property(&self, id: PropertyId) -> Option<&Property> {
        self.properties.get(id.index())
    }

    /// The id of the property with exactly this name.
    pub fn property_id(&self, name: &str) -> Option<PropertyId> {
        self.properties
            .iter()
            .position(|p| p.name == name)
            .map(|i| PropertyId(i as u32))
    }

    /// Resolves a name: an exact-case match wins; otherwise, when `case_insensitive`, a unique match
    /// ignoring ASCII case.
    pub(crate) fn lookup(&self, name: &str, case_insensitive: bool) -> Lookup {
        if let Some(id) = self.property_id(name) {
            return Lookup::Found(id);
        }
        if !case_insensitive {
            return Lookup::NotFound;
        }
        let mut found = None;
        for (i, p) in self.properties.iter().enumerate() {
            if p.name.eq_ignore_ascii_case(name) {
                if found.is_some() {
                    return Lookup::Ambiguous;
                }
                found = Some(PropertyId(i as u32));
            }
        }
        found.map_or(Lookup::NotFound, Lookup::Found)
    }
}

/// Builds a [`StructuredType`]; see [`StructuredType::entity`] and [`StructuredType::complex`].
#[derive(Clone, Debug)]
pub struct StructuredTypeBuilder {
    ty: StructuredType,
}

impl StructuredTypeBuilder {
    fn new(kind: StructuredKind, namespace: String, name: String) -> Self {
        StructuredTypeBuilder {
            ty: StructuredType {
                kind,
                namespace,
                name,
                properties: Vec::new(),
            },
        }
    }

    /// Adds a non-nullable property.
    pub fn property(mut self, name: impl Into<String>, ty: EdmType) -> Self {
        self.ty.properties.push(Property {
            name: name.into(),
            ty,
            nullable: false,
        });
        self
    }

    /// Adds a nullable property.
    pub fn nullable(mut self, name: impl Into<String>, ty: EdmType) -> Self {
        self.ty.properties.push(Property {
            name: name.into(),
            ty,
            nullable: true,
        });
        self
    }

    /// The type; fails on a duplicate or malformed property name.
    pub fn build(self) -> Result<Arc<StructuredType>, SchemaError> {
        for (i, p) in self.ty.properties.iter().enumerate() {
            let valid = p
                .name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && p.name.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !valid {
                return Err(SchemaError(format!(
                    "invalid property name '{}' in type '{}'",
                    p.name, self.ty.name
                )));
            }
            if is_reserved_word(&p.name) {
                return Err(SchemaError(format!(
                    "property name '{}' in type '{}' is a $filter keyword: a filter could not name it",
                    p.name, self.ty.name
                )));
            }
            if self.ty.properties[..i].iter().any(|o| o.name == p.name) {
                return Err(SchemaError(format!(
                    "duplicate property '{}' in type '{}'",
                    p.name, self.ty.name
                )));
            }
        }
        if u32::try_from(self.ty.properties.len()).is_err() {
            return Err(SchemaError("too many properties".to_string()));
        }
        Ok(Arc::new(self.ty))
    }
}

/// Words a `$filter` reads as literals or operators (any case, as names resolve case-insensitively):
/// a property so named could not be written in a filter, and printing one would change the query.
const RESERVED_WORDS: &[&str] = &[
    "null", "true", "false", "not", "and", "or", "eq", "ne", "gt", "ge", "lt", "le", "has", "in",
    "add", "sub", "mul", "div", "divby", "mod", "INF", "NaN", "asc", "desc",
];

fn is_reserved_word(name: &str) -> bool {
    RESERVED_WORDS.iter().any(|w| w.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_named_properties_are_refused() {
        for name in ["null", "NULL", "true", "not", "eq", "INF"] {
            let built = StructuredType::entity("Ns", "T")
                .property(name, EdmType::String)
                .build();
            assert!(built.is_err(), "{name}");
        }
        assert!(StructuredType::entity("Ns", "T")
            .property("nullable", EdmType::String)
            .build()
            .is_ok());
    }

    #[test]
    fn lookup_prefers_exact_case_and_detects_ambiguity() {
        let ty = StructuredType::entity("N", "T")
            .property("Name", EdmType::String)
            .property("name", EdmType::String)
            .property("other", EdmType::String)
            .build()
            .unwrap();
        assert_eq!(ty.lookup("name", true), Lookup::Found(PropertyId(1)));
        assert_eq!(ty.lookup("NAME", true), Lookup::Ambiguous);
        assert_eq!(ty.lookup("OTHER", true), Lookup::Found(PropertyId(2)));
        assert_eq!(ty.lookup("OTHER", false), Lookup::NotFound);
    }

    #[test]
    fn lookup_example() {
        use crate::{mde::machine_actions, schema::Lookup};
        let ty = machine_actions().entity_type();
        let id = ty.property_id("creationDateTimeUtc").unwrap();
        assert_eq!(ty.lookup("CreationDateTimeUtc", true), Lookup::Found(id));
        assert_eq!(ty.lookup("CreationDateTimeUtc", false), Lookup::NotFound);
    }
}
