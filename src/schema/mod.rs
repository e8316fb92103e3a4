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

use std::fmt;
use std::sync::Arc;

/// A type of the Entity Data Model: a primitive, an enum, a complex type or a collection of one of those.
///
/// Enum and complex types are shared behind an [`Arc`]; equality compares their contents.
#[derive(Clone, Debug, PartialEq)]
pub enum EdmType {
    /// `Edm.Boolean`
    Boolean,
    /// `Edm.Byte` (unsigned 8-bit)
    Byte,
    /// `Edm.SByte` (signed 8-bit)
    SByte,
    /// `Edm.Int16`
    Int16,
    /// `Edm.Int32`
    Int32,
    /// `Edm.Int64`
    Int64,
    /// `Edm.Decimal`
    Decimal,
    /// `Edm.Single`
    Single,
    /// `Edm.Double`
    Double,
    /// `Edm.String`
    String,
    /// `Edm.Guid`
    Guid,
    /// `Edm.Date`
    Date,
    /// `Edm.DateTimeOffset`
    DateTimeOffset,
    /// `Edm.TimeOfDay`
    TimeOfDay,
    /// `Edm.Duration`
    Duration,
    /// `Edm.Binary`
    Binary,
    /// An enum type of the schema.
    Enum(Arc<EnumType>),
    /// A complex (structured, keyless) type of the schema.
    Complex(Arc<StructuredType>),
    /// A collection of elements of the inner type.
    Collection(Box<EdmType>),
}

impl EdmType {
    /// The primitive type named `Edm.X` (the `Edm.` prefix is required, the name is case-sensitive as in
    /// CSDL).
    ///
    /// ```
    /// use odata_filter::schema::EdmType;
    /// assert_eq!(EdmType::primitive_from_name("Edm.Int32"), Some(EdmType::Int32));
    /// assert_eq!(EdmType::primitive_from_name("Int32"), None);
    /// ```
    pub fn primitive_from_name(name: &str) -> Option<EdmType> {
        let short = name.strip_prefix("Edm.")?;
        Some(match short {
            "Boolean" => EdmType::Boolean,
            "Byte" => EdmType::Byte,
            "SByte" => EdmType::SByte,
            "Int16" => EdmType::Int16,
            "Int32" => EdmType::Int32,
            "Int64" => EdmType::Int64,
            "Decimal" => EdmType::Decimal,
            "Single" => EdmType::Single,
            "Double" => EdmType::Double,
            "String" => EdmType::String,
            "Guid" => EdmType::Guid,
            "Date" => EdmType::Date,
            "DateTimeOffset" => EdmType::DateTimeOffset,
            "TimeOfDay" => EdmType::TimeOfDay,
            "Duration" => EdmType::Duration,
            "Binary" => EdmType::Binary,
            _ => return None,
        })
    }

    /// True for the integer types `Byte SByte Int16 Int32 Int64`.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            EdmType::Byte | EdmType::SByte | EdmType::Int16 | EdmType::Int32 | EdmType::Int64
        )
    }

    /// True for integers, `Decimal`, `Single` and `Double`.
    pub fn is_numeric(&self) -> bool {
        self.is_integer() || matches!(self, EdmType::Decimal | EdmType::Single | EdmType::Double)
    }

    /// True for the primitive types (not enum, complex or collection).
    pub fn is_primitive(&self) -> bool {
        !matches!(
            self,
            EdmType::Enum(_) | EdmType::Complex(_) | EdmType::Collection(_)
        )
    }

    /// The element type of a collection, `None` for other types.
    pub fn element_type(&self) -> Option<&EdmType> {
        match self {
            EdmType::Collection(inner) => Some(inner),
            _ => None,
        }
    }

    /// The enum type, if this is one.
    pub fn as_enum(&self) -> Option<&Arc<EnumType>> {
        match self {
            EdmType::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The complex type, if this is one.
    pub fn as_complex(&self) -> Option<&Arc<StructuredType>> {
        match self {
            EdmType::Complex(c) => Some(c),
            _ => None,
        }
    }
}

/// The qualified name as OData writes it: `Edm.String`, `microsoft.windowsDefenderATP.api.MachineActionStatus`,
/// `Collection(Edm.String)`.
impl fmt::Display for EdmType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            EdmType::Boolean => "Edm.Boolean",
            EdmType::Byte => "Edm.Byte",
            EdmType::SByte => "Edm.SByte",
            EdmType::Int16 => "Edm.Int16",
            EdmType::Int32 => "Edm.Int32",
            EdmType::Int64 => "Edm.Int64",
            EdmType::Decimal => "Edm.Decimal",
            EdmType::Single => "Edm.Single",
            EdmType::Double => "Edm.Double",
            EdmType::String => "Edm.String",
            EdmType::Guid => "Edm.Guid",
            EdmType::Date => "Edm.Date",
            EdmType::DateTimeOffset => "Edm.DateTimeOffset",
            EdmType::TimeOfDay => "Edm.TimeOfDay",
            EdmType::Duration => "Edm.Duration",
            EdmType::Binary => "Edm.Binary",
            EdmType::Enum(e) => return write!(f, "{}", e.qualified_name()),
            EdmType::Complex(c) => return write!(f, "{}", c.qualified_name()),
            EdmType::Collection(inner) => return write!(f, "Collection({inner})"),
        };
        f.write_str(name)
    }
}

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

/// One member of an enum type: its name and its integer value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumMember {
    name: String,
    value: i64,
}

impl EnumMember {
    /// The member name, case as declared: `Succeeded`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The member's integer value.
    pub fn value(&self) -> i64 {
        self.value
    }
}

/// An enum type: a qualified name and members in declared order. Members compare (`gt`, `lt`) in that
/// order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumType {
    namespace: String,
    name: String,
    members: Vec<EnumMember>,
    is_flags: bool,
}

impl EnumType {
    /// Starts an enum type `namespace.name`.
    pub fn builder(namespace: impl Into<String>, name: impl Into<String>) -> EnumTypeBuilder {
        EnumTypeBuilder {
            ty: EnumType {
                namespace: namespace.into(),
                name: name.into(),
                members: Vec::new(),
                is_flags: false,
            },
        }
    }

    /// The namespace: `microsoft.windowsDefenderATP.api`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The unqualified name: `MachineActionStatus`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// True when the type name written in a literal (`Ns.Type'…'`) names this type: the qualified name,
    /// or the bare name.
    pub fn is_named(&self, written: &str) -> bool {
        written == self.name
            || written
                .strip_suffix(self.name.as_str())
                .and_then(|ns| ns.strip_suffix('.'))
                .is_some_and(|ns| ns == self.namespace)
    }

    /// [`EnumType::is_named`] ignoring ASCII case (`Microsoft.WindowsDefenderATP.Api.MachineActionStatus`).
    pub fn is_named_ignore_case(&self, written: &str) -> bool {
        written.eq_ignore_ascii_case(&self.name)
            || written.len() == self.namespace.len() + 1 + self.name.len()
                && written.is_char_boundary(self.namespace.len())
                && written[..self.namespace.len()].eq_ignore_ascii_case(&self.namespace)
                && written[self.namespace.len()..].starts_with('.')
                && written[self.namespace.len() + 1..].eq_ignore_ascii_case(&self.name)
    }

    /// The members in declared order.
    pub fn members(&self) -> &[EnumMember] {
        &self.members
    }

    /// True for a flags enum (members combine: `'Read,Write'`).
    pub fn is_flags(&self) -> bool {
        self.is_flags
    }

    /// The member with exactly this name (member names are case-sensitive).
    pub fn member(&self, name: &str) -> Option<&EnumMember> {
        self.members.iter().find(|m| m.name == name)
    }

    /// The first member with this value.
    pub fn member_by_value(&self, value: i64) -> Option<&EnumMember> {
        self.members.iter().find(|m| m.value == value)
    }

    /// The position of the member with this value in declared order (used to order enum values).
    pub fn position_of(&self, value: i64) -> Option<usize> {
        self.members.iter().position(|m| m.value == value)
    }
}

/// Builds an [`EnumType`]; see [`EnumType::builder`].
#[derive(Clone, Debug)]
pub struct EnumTypeBuilder {
    ty: EnumType,
}

impl EnumTypeBuilder {
    /// Adds a member whose value is one more than the previous member's (0 for the first; for a flags
    /// enum: the next power of two).
    pub fn member(self, name: impl Into<String>) -> Self {
        let value = match self.ty.members.last() {
            None if self.ty.is_flags => 1,
            None => 0,
            Some(m) if self.ty.is_flags => m.value.saturating_mul(2).max(1),
            Some(m) => m.value.saturating_add(1),
        };
        self.member_value(name, value)
    }

    /// Adds a member with an explicit value.
    pub fn member_value(mut self, name: impl Into<String>, value: i64) -> Self {
        self.ty.members.push(EnumMember {
            name: name.into(),
            value,
        });
        self
    }

    /// Makes this a flags enum (default: not). Call before [`EnumTypeBuilder::member`] so that automatic
    /// values are powers of two.
    pub fn flags(mut self, is_flags: bool) -> Self {
        self.ty.is_flags = is_flags;
        self
    }

    /// The enum type; fails on an empty or duplicate member name.
    pub fn build(self) -> Result<Arc<EnumType>, SchemaError> {
        for (i, m) in self.ty.members.iter().enumerate() {
            if m.name.is_empty() || m.name.contains([',', '\'']) {
                return Err(SchemaError(format!(
                    "invalid member name '{}' in enum type '{}'",
                    m.name, self.ty.name
                )));
            }
            if self.ty.members[..i].iter().any(|o| o.name == m.name) {
                return Err(SchemaError(format!(
                    "duplicate member '{}' in enum type '{}'",
                    m.name, self.ty.name
                )));
            }
        }
        Ok(Arc::new(self.ty))
    }
}

/// The index of a property in its [`StructuredType`]'s property list. Evaluation reads a record's value by
/// this index; no name lookup is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PropertyId(u32);

impl PropertyId {
    /// The id of the property at `index` of its type's [`StructuredType::properties`].
    pub const fn new(index: u32) -> Self {
        PropertyId(index)
    }

    /// The position in [`StructuredType::properties`].
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A structural property: a name, a type and whether it may be null.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct StructuredType {
    kind: StructuredKind,
    namespace: String,
    name: String,
    properties: Vec<Property>,
}

/// The outcome of a property name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
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
    ///
    /// ```
    /// use odata_filter::{mde::machine_actions, schema::Lookup};
    /// let ty = machine_actions().entity_type();
    /// let id = ty.property_id("creationDateTimeUtc").unwrap();
    /// assert_eq!(ty.lookup("CreationDateTimeUtc", true), Lookup::Found(id));
    /// assert_eq!(ty.lookup("CreationDateTimeUtc", false), Lookup::NotFound);
    /// ```
    pub fn lookup(&self, name: &str, case_insensitive: bool) -> Lookup {
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

/// An entity set: a name, its entity type, which properties `$filter` may use, and the `$top` cap.
#[derive(Clone, Debug, PartialEq)]
pub struct EntitySet {
    name: String,
    entity_type: Arc<StructuredType>,
    filterable: Vec<bool>,
    top_cap: Option<u64>,
    default_order: Vec<(PropertyId, bool)>,
}

impl EntitySet {
    /// Starts an entity set of `entity_type` (which must be an entity type). By default no property is
    /// filterable and `$top` is uncapped.
    pub fn builder(name: impl Into<String>, entity_type: Arc<StructuredType>) -> EntitySetBuilder {
        EntitySetBuilder {
            name: name.into(),
            entity_type,
            filterable: Vec::new(),
            all_filterable: false,
            top_cap: None,
            default_order: Vec::new(),
        }
    }

    /// The name: `MachineActions`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entity type.
    pub fn entity_type(&self) -> &Arc<StructuredType> {
        &self.entity_type
    }

    /// True when `$filter` (and `$orderby`) may use this top-level property.
    pub fn is_filterable(&self, id: PropertyId) -> bool {
        self.filterable.get(id.index()).copied().unwrap_or(false)
    }

    /// The filterable properties, in declared order.
    pub fn filterable_properties(&self) -> impl Iterator<Item = PropertyId> + '_ {
        self.filterable
            .iter()
            .enumerate()
            .filter(|(_, f)| **f)
            .map(|(i, _)| PropertyId(i as u32))
    }

    /// The greatest `$top` the service accepts (`Some(10_000)` for MachineActions), `None` for no cap.
    pub fn top_cap(&self) -> Option<u64> {
        self.top_cap
    }

    /// The order of results when a query has no `$orderby`: (property, descending) keys, most
    /// significant first; empty for the records' own order.
    pub fn default_order(&self) -> &[(PropertyId, bool)] {
        &self.default_order
    }
}

/// Builds an [`EntitySet`]; see [`EntitySet::builder`].
#[derive(Clone, Debug)]
pub struct EntitySetBuilder {
    name: String,
    entity_type: Arc<StructuredType>,
    filterable: Vec<String>,
    all_filterable: bool,
    top_cap: Option<u64>,
    default_order: Vec<(String, bool)>,
}

impl EntitySetBuilder {
    /// Marks these properties (exact names) filterable.
    pub fn filterable<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.filterable.extend(names.into_iter().map(Into::into));
        self
    }

    /// Marks every property filterable.
    pub fn all_filterable(mut self) -> Self {
        self.all_filterable = true;
        self
    }

    /// Caps `$top` at `cap` (default: no cap).
    pub fn top_cap(mut self, cap: u64) -> Self {
        self.top_cap = Some(cap);
        self
    }

    /// Appends a key to the order of results without `$orderby` (default: the records' own order).
    pub fn default_order_key(mut self, name: impl Into<String>, descending: bool) -> Self {
        self.default_order.push((name.into(), descending));
        self
    }

    /// The entity set; fails when a filterable name is not a property or the type is not an entity type.
    pub fn build(self) -> Result<EntitySet, SchemaError> {
        if self.entity_type.kind != StructuredKind::Entity {
            return Err(SchemaError(format!(
                "'{}' is a complex type, not an entity type",
                self.entity_type.name
            )));
        }
        let mut filterable = vec![self.all_filterable; self.entity_type.properties.len()];
        for name in &self.filterable {
            let id = self.entity_type.property_id(name).ok_or_else(|| {
                SchemaError(format!(
                    "filterable property '{name}' is not a property of '{}'",
                    self.entity_type.name
                ))
            })?;
            filterable[id.index()] = true;
        }
        let mut default_order = Vec::with_capacity(self.default_order.len());
        for (name, descending) in &self.default_order {
            let id = self.entity_type.property_id(name).ok_or_else(|| {
                SchemaError(format!(
                    "default order property '{name}' is not a property of '{}'",
                    self.entity_type.name
                ))
            })?;
            default_order.push((id, *descending));
        }
        Ok(EntitySet {
            name: self.name,
            entity_type: self.entity_type,
            filterable,
            top_cap: self.top_cap,
            default_order,
        })
    }
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
    fn builders_reject_bad_definitions() {
        assert!(EnumType::builder("N", "E")
            .member("A")
            .member("A")
            .build()
            .is_err());
        assert!(StructuredType::entity("N", "T")
            .property("a b", EdmType::String)
            .build()
            .is_err());
        let t = StructuredType::entity("N", "T")
            .property("a", EdmType::String)
            .build()
            .unwrap();
        assert!(EntitySet::builder("S", t)
            .filterable(["b"])
            .build()
            .is_err());
    }

    #[test]
    fn flags_members_get_powers_of_two() {
        let e = EnumType::builder("N", "F")
            .flags(true)
            .member("A")
            .member("B")
            .member("C")
            .build()
            .unwrap();
        let values: Vec<i64> = e.members().iter().map(|m| m.value()).collect();
        assert_eq!(values, [1, 2, 4]);
        assert!(e.is_named("N.F") && e.is_named("F") && !e.is_named("M.F"));
        assert!(
            e.is_named_ignore_case("n.f") && !e.is_named("n.f") && !e.is_named_ignore_case("n.ff")
        );
    }
}
