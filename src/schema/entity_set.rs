//! Entity sets: an entity type with the properties `$filter` may use, the `$top` cap and the
//! default order.

use std::sync::Arc;

use super::{PropertyId, SchemaError, StructuredKind, StructuredType};

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
            .map(|(i, _)| PropertyId::new(i as u32))
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
        if self.entity_type.kind() != StructuredKind::Entity {
            return Err(SchemaError(format!(
                "'{}' is a complex type, not an entity type",
                self.entity_type.name()
            )));
        }
        let mut filterable = vec![self.all_filterable; self.entity_type.properties().len()];
        for name in &self.filterable {
            let id = self.entity_type.property_id(name).ok_or_else(|| {
                SchemaError(format!(
                    "filterable property '{name}' is not a property of '{}'",
                    self.entity_type.name()
                ))
            })?;
            filterable[id.index()] = true;
        }
        let mut default_order = Vec::with_capacity(self.default_order.len());
        for (name, descending) in &self.default_order {
            let id = self.entity_type.property_id(name).ok_or_else(|| {
                SchemaError(format!(
                    "default order property '{name}' is not a property of '{}'",
                    self.entity_type.name()
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
    use crate::schema::{EdmType, EnumType};

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
}
